/**
 * A Slack Web API on node:http for tests (there is no local Slack). It speaks the wire protocol the
 * official clients use: `POST /api/<method>` with an `application/x-www-form-urlencoded` or JSON
 * body, the bot token as `Authorization: Bearer …` (or a `token` field), and JSON answers that
 * are HTTP 200 `{ ok: true, … }` or `{ ok: false, error }` — except rate limits, which are HTTP 429
 * with `Retry-After` in seconds.
 *
 * Built in: auth.test, chat.postMessage (threads with `thread_ts`), chat.update (every revision
 * kept), chat.postEphemeral, conversations.history (top-level messages only, like Slack) and
 * conversations.replies (metadata only returned with `include_all_metadata`, cursor paging),
 * chat.getPermalink (for messages the fake holds, in Slack's URL shape),
 * views.open / views.update / views.push, and usergroups.users.list over user groups the test
 * sets. Every call is recorded in order. `failNext` injects failures, optionally AFTER the method
 * took effect (Slack stored the message, the answer got lost). `rateLimit` answers calls beyond a
 * burst with 429 + Retry-After, and keeps answering 429 until that delay has passed, as Slack
 * does. `handle` adds or replaces methods, so the Slack app's tests can extend the same fake.
 */
import { serveSlackApi, type RateLimitState } from './fake-slack-http';
import type {
  FakeSlackApi,
  FakeSlackOptions,
  InjectedFailure,
  MethodContext,
  MethodHandler,
  SlackCall,
  SlackChannel,
  SlackEphemeral,
  SlackMessage,
  SlackMessageRevision,
  SlackView,
} from './fake-slack-types';
import { plantSecret } from './planted-secrets';

export type * from './fake-slack-types';

export async function startFakeSlackApi(options: FakeSlackOptions): Promise<FakeSlackApi> {
  plantSecret(options.token, 'slack token of the fake Web API');
  const team = options.team ?? { id: 'T0QUELL01', name: 'Quell Test' };
  const bot = options.bot ?? { userId: 'U0QUELLBOT', botId: 'B0QUELLBOT', name: 'quell' };
  const channels = new Map<string, SlackChannel>();
  const history = new Map<string, SlackMessage[]>();
  const calls: SlackCall[] = [];
  const failures = new Map<string, InjectedFailure[]>();
  const handlers = new Map<string, MethodHandler>();
  const revisions = new Map<string, SlackMessageRevision[]>();
  const ephemerals: SlackEphemeral[] = [];
  const views: SlackView[] = [];
  const usergroups = new Map<string, string[]>();
  const limits = new Map<string, RateLimitState>();
  let tsCounter = 0;
  let viewCounter = 0;
  const revisionKey = (channel: string, ts: string) => `${channel}/${ts}`;
  const remember = (message: SlackMessage) => {
    const key = revisionKey(message.channel, message.ts);
    const list = revisions.get(key) ?? [];
    list.push({ at: Date.now(), ...(message.text !== undefined ? { text: message.text } : {}), ...(message.blocks ? { blocks: message.blocks } : {}) });
    revisions.set(key, list);
  };

  const channelOf = (idOrName: unknown): SlackChannel | undefined => {
    if (typeof idOrName !== 'string') return undefined;
    const name = idOrName.replace(/^#/, '');
    return channels.get(idOrName) ?? [...channels.values()].find((channel) => channel.name === name);
  };
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String((tsCounter += 1)).padStart(6, '0')}`;

  const api: FakeSlackApi = {
    apiUrl: '',
    calls,
    team,
    bot,
    addChannel(channel) {
      channels.set(channel.id, channel);
      if (!history.has(channel.id)) history.set(channel.id, []);
    },
    messages: (channel) => [...(history.get(channelOf(channel)?.id ?? '') ?? [])],
    replies: (channel, ts) => (history.get(channelOf(channel)?.id ?? '') ?? []).filter((m) => m.thread_ts === ts && m.ts !== ts),
    revisions: (channel, ts) => [...(revisions.get(revisionKey(channelOf(channel)?.id ?? channel, ts)) ?? [])],
    ephemerals,
    views,
    setUsergroup: (id, users) => void usergroups.set(id, [...users]),
    rateLimit(method, rule) {
      if (rule) limits.set(method, { rule, accepted: [], blockedUntil: 0 });
      else limits.delete(method);
    },
    callsOf: (method) => calls.filter((call) => call.method === method),
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(failure);
      failures.set(method, queue);
    },
    handle: (method, handler) => void handlers.set(method, handler),
    stop: async () => {
      await served.close();
    },
  };
  for (const channel of options.channels ?? []) api.addChannel(channel);

  handlers.set('api.test', (params) => ({ ok: true, args: params }));
  handlers.set('auth.test', () => ({
    ok: true,
    url: `https://${team.name.toLowerCase().replace(/\s+/g, '-')}.slack.com/`,
    team: team.name,
    user: bot.name,
    team_id: team.id,
    user_id: bot.userId,
    bot_id: bot.botId,
    is_enterprise_install: false,
  }));
  handlers.set('chat.postMessage', (params, context) => {
    const channel = channelOf(params.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const blocks = context.jsonField('blocks');
    if (!params.text && !blocks) return { ok: false, error: 'no_text' };
    let metadata: SlackMessage['metadata'];
    if (params.metadata !== undefined) {
      const parsed = context.jsonField('metadata') as SlackMessage['metadata'] | undefined;
      if (!parsed || typeof parsed.event_type !== 'string') return { ok: false, error: 'invalid_metadata_format' };
      metadata = parsed;
    }
    const message: SlackMessage = {
      type: 'message',
      channel: channel.id,
      ts: nextTs(),
      user: bot.userId,
      bot_id: bot.botId,
      ...(typeof params.text === 'string' ? { text: params.text } : {}),
      ...(Array.isArray(blocks) ? { blocks } : {}),
      ...(typeof params.thread_ts === 'string' ? { thread_ts: params.thread_ts } : {}),
      ...(metadata ? { metadata } : {}),
    };
    if (message.thread_ts) {
      const parent = history.get(channel.id)!.find((candidate) => candidate.ts === message.thread_ts);
      if (!parent) return { ok: false, error: 'thread_not_found' };
    }
    history.get(channel.id)!.push(message);
    remember(message);
    return { ok: true, channel: channel.id, ts: message.ts, message: withoutChannel(message) };
  });
  handlers.set('chat.update', (params, context) => {
    const channel = channelOf(params.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const message = history.get(channel.id)!.find((candidate) => candidate.ts === params.ts);
    if (!message) return { ok: false, error: 'message_not_found' };
    if (typeof params.text === 'string') message.text = params.text;
    const blocks = context.jsonField('blocks');
    if (Array.isArray(blocks)) message.blocks = blocks;
    message.edited = { user: bot.userId, ts: nextTs() };
    remember(message);
    return { ok: true, channel: channel.id, ts: message.ts, text: message.text, message: withoutChannel(message) };
  });
  handlers.set('chat.getPermalink', (params) => {
    const channel = channelOf(params.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const message = history.get(channel.id)!.find((candidate) => candidate.ts === params.message_ts);
    if (!message) return { ok: false, error: 'message_not_found' };
    // A reply's link names its thread, as Slack's does.
    const thread = message.thread_ts && message.thread_ts !== message.ts ? `?thread_ts=${message.thread_ts}&cid=${channel.id}` : '';
    const workspace = `https://${team.name.toLowerCase().replace(/\s+/g, '-')}.slack.com/`;
    return { ok: true, channel: channel.id, permalink: `${workspace}archives/${channel.id}/p${message.ts.replace('.', '')}${thread}` };
  });
  handlers.set('chat.postEphemeral', (params, context) => {
    const channel = channelOf(params.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (typeof params.user !== 'string' || !params.user) return { ok: false, error: 'user_not_found' };
    const blocks = context.jsonField('blocks');
    if (!params.text && !blocks) return { ok: false, error: 'no_text' };
    const ephemeral: SlackEphemeral = {
      channel: channel.id,
      user: params.user,
      message_ts: nextTs(),
      ...(typeof params.text === 'string' ? { text: params.text } : {}),
      ...(Array.isArray(blocks) ? { blocks } : {}),
      ...(typeof params.thread_ts === 'string' ? { thread_ts: params.thread_ts } : {}),
    };
    ephemerals.push(ephemeral);
    return { ok: true, message_ts: ephemeral.message_ts };
  });
  const openView = (params: Record<string, unknown>, context: MethodContext) => {
    if (typeof params.trigger_id !== 'string' || !params.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
    const view = context.jsonField('view');
    if (!view || typeof view !== 'object' || Array.isArray(view)) return { ok: false, error: 'invalid_arguments' };
    const entry: SlackView = {
      id: `V0${String((viewCounter += 1)).padStart(8, '0')}`,
      trigger_id: params.trigger_id,
      view: view as Record<string, unknown>,
      revisions: [view as Record<string, unknown>],
      hash: `${Date.now()}.${viewCounter}`,
      ...(typeof (view as Record<string, unknown>).external_id === 'string' ? { external_id: (view as Record<string, unknown>).external_id as string } : {}),
    };
    views.push(entry);
    return { ok: true, view: { id: entry.id, hash: entry.hash, team_id: team.id, app_id: 'A0QUELL01', bot_id: bot.botId, ...entry.view } };
  };
  handlers.set('views.open', openView);
  handlers.set('views.push', openView);
  handlers.set('views.update', (params, context) => {
    const entry = views.find((candidate) =>
      typeof params.view_id === 'string' && params.view_id ? candidate.id === params.view_id : candidate.external_id !== undefined && candidate.external_id === params.external_id,
    );
    if (!entry) return { ok: false, error: 'not_found' };
    if (typeof params.hash === 'string' && params.hash && params.hash !== entry.hash) return { ok: false, error: 'hash_conflict' };
    const view = context.jsonField('view');
    if (!view || typeof view !== 'object' || Array.isArray(view)) return { ok: false, error: 'invalid_arguments' };
    entry.view = view as Record<string, unknown>;
    entry.revisions.push(entry.view);
    entry.hash = `${Date.now()}.${(viewCounter += 1)}`;
    return { ok: true, view: { id: entry.id, hash: entry.hash, team_id: team.id, app_id: 'A0QUELL01', bot_id: bot.botId, ...entry.view } };
  });
  handlers.set('usergroups.users.list', (params) => {
    const users = typeof params.usergroup === 'string' ? usergroups.get(params.usergroup) : undefined;
    if (!users) return { ok: false, error: 'no_such_subteam' };
    return { ok: true, users: [...users] };
  });
  /** A page of `messages` (already in answer order) as conversations.history/replies answer. */
  const page = (params: Record<string, unknown>, messages: SlackMessage[]) => {
    const oldest = Number(params.oldest ?? 0);
    const latest = params.latest !== undefined ? Number(params.latest) : Infinity;
    const inclusive = params.inclusive === true || params.inclusive === 'true';
    const withMetadata = params.include_all_metadata === true || params.include_all_metadata === 'true';
    const inRange = messages.filter((m) => (inclusive ? Number(m.ts) >= oldest && Number(m.ts) <= latest : Number(m.ts) > oldest && Number(m.ts) < latest));
    const offset = typeof params.cursor === 'string' && params.cursor ? Number(Buffer.from(params.cursor, 'base64').toString('utf8')) : 0;
    const limit = Math.min(Number(params.limit ?? 100) || 100, 999);
    const slice = inRange.slice(offset, offset + limit).map((m) => {
      const { metadata, ...rest } = withoutChannel(m);
      return withMetadata && metadata ? { ...rest, metadata } : rest;
    });
    const hasMore = offset + limit < inRange.length;
    return {
      ok: true,
      messages: slice,
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? Buffer.from(String(offset + limit)).toString('base64') : '' },
    };
  };
  handlers.set('conversations.history', (params) => {
    // Like Slack: the history call takes ids, not names, and lists no thread replies.
    const channel = typeof params.channel === 'string' ? channels.get(params.channel) : undefined;
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const topLevel = history.get(channel.id)!.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
    return { ...page(params, [...topLevel].reverse()), pin_count: 0 };
  });
  handlers.set('conversations.replies', (params) => {
    // Like Slack: the parent first, then its replies, oldest first.
    const channel = typeof params.channel === 'string' ? channels.get(params.channel) : undefined;
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const messages = history.get(channel.id)!;
    const parent = messages.find((m) => m.ts === params.ts);
    if (!parent) return { ok: false, error: 'thread_not_found' };
    return page(params, [parent, ...messages.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts)]);
  });

  const served = await serveSlackApi({ token: options.token, api, calls, handlers, failures, limits });
  (api as { apiUrl: string }).apiUrl = served.apiUrl;
  return api;
}

function withoutChannel(message: SlackMessage): Omit<SlackMessage, 'channel'> {
  const { channel: _channel, ...rest } = message;
  return rest;
}
