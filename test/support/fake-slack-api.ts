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
 * views.open / views.update / views.push, and usergroups.users.list over user groups the test
 * sets. Every call is recorded in order. `failNext` injects failures, optionally AFTER the method
 * took effect (Slack stored the message, the answer got lost). `rateLimit` answers calls beyond a
 * burst with 429 + Retry-After, and keeps answering 429 until that delay has passed, as Slack
 * does. `handle` adds or replaces methods, so the Slack app's tests can extend the same fake.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { plantSecret } from './planted-secrets';

export interface SlackChannel {
  id: string;
  name: string;
}

export interface SlackMessage {
  type: 'message';
  channel: string;
  ts: string;
  text?: string;
  user: string;
  bot_id: string;
  blocks?: unknown[];
  thread_ts?: string;
  metadata?: { event_type: string; event_payload?: Record<string, unknown> };
  edited?: { user: string; ts: string };
}

/** One state of a message: as posted, then after each chat.update. */
export interface SlackMessageRevision {
  /** Date.now() when the revision was stored. */
  at: number;
  text?: string;
  blocks?: unknown[];
}

export interface SlackEphemeral {
  channel: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
}

export interface SlackView {
  id: string;
  /** The trigger_id it was opened (or pushed) with. */
  trigger_id?: string;
  view: Record<string, unknown>;
  /** Every state of the view, oldest first (views.update appends). */
  revisions: Array<Record<string, unknown>>;
  external_id?: string;
  hash: string;
}

export interface RateLimitRule {
  /** Calls accepted within `windowMs`; the next one gets 429. */
  burst: number;
  windowMs: number;
  /** Seconds for Retry-After; until they pass every call gets 429 again. */
  retryAfter: number;
}

export interface SlackCall {
  method: string;
  params: Record<string, unknown>;
  /** `form` or `json`: how the client encoded the body. */
  encoding: 'form' | 'json';
  /** The token the call carried (header or body), if any. */
  token?: string;
  at: number;
  status: number;
  response: Record<string, unknown>;
  /** Seconds of the Retry-After header, for 429 answers. */
  retryAfter?: number;
}

export interface MethodContext {
  api: FakeSlackApi;
  /** Parses a field that clients send JSON-encoded inside form bodies (blocks, metadata…). */
  jsonField(name: string): unknown;
}

export type MethodResult = Record<string, unknown> | { status: number; body: Record<string, unknown>; headers?: Record<string, string> };
export type MethodHandler = (params: Record<string, unknown>, context: MethodContext) => MethodResult;

export interface InjectedFailure {
  /** HTTP status; 429 sends Retry-After and `error: ratelimited`. Default 200. */
  status?: number;
  /** Seconds for Retry-After (429). */
  retryAfter?: number;
  /** Platform error code for `{ ok: false, error }` (default `ratelimited` for 429, `internal_error` otherwise). */
  error?: string;
  /** Run the method first (its effect happens), then answer with the failure. */
  afterEffect?: boolean;
}

export interface FakeSlackOptions {
  token: string;
  channels?: SlackChannel[];
  team?: { id: string; name: string };
  bot?: { userId: string; botId: string; name: string };
}

export interface FakeSlackApi {
  /** What `slackApiUrl` / the connectors file's `slack.api_url` is (ends with /api/). */
  readonly apiUrl: string;
  readonly calls: SlackCall[];
  readonly team: { id: string; name: string };
  readonly bot: { userId: string; botId: string; name: string };
  addChannel(channel: SlackChannel): void;
  /** Messages of a channel (by id or name), oldest first, thread replies included. */
  messages(channel: string): SlackMessage[];
  /** Replies in the thread of `ts` (the parent left out), oldest first. */
  replies(channel: string, ts: string): SlackMessage[];
  /** Every state of a message, oldest first: as posted, then one per chat.update. */
  revisions(channel: string, ts: string): SlackMessageRevision[];
  /** Ephemeral messages posted so far, oldest first. */
  readonly ephemerals: SlackEphemeral[];
  /** Views opened so far (views.open and views.push), oldest first. */
  readonly views: SlackView[];
  /** Sets the members of a Slack user group (usergroups.users.list); unknown ids are `no_such_subteam`. */
  setUsergroup(id: string, users: string[]): void;
  /** Answers calls of `method` beyond `rule.burst` per `rule.windowMs` with 429 (undefined: no limit). */
  rateLimit(method: string, rule: RateLimitRule | undefined): void;
  /** Calls of one method, in order. */
  callsOf(method: string): SlackCall[];
  failNext(method: string, failure: InjectedFailure, times?: number): void;
  handle(method: string, handler: MethodHandler): void;
  stop(): Promise<void>;
}

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
  const limits = new Map<string, { rule: RateLimitRule; accepted: number[]; blockedUntil: number }>();
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
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
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

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      const method = /^\/api\/([A-Za-z0-9_.]+)$/.exec(new URL(req.url ?? '/', 'http://slack').pathname)?.[1];
      const { params, encoding } = parseBody(req.headers['content-type'] ?? '', Buffer.concat(chunks).toString('utf8'));
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const token = bearer ?? (typeof params.token === 'string' ? params.token : undefined);
      const send = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
        const retryAfter = headers['retry-after'] !== undefined ? Number(headers['retry-after']) : undefined;
        if (method) calls.push({ method, params, encoding, ...(token ? { token } : {}), at, status, response: body, ...(retryAfter !== undefined ? { retryAfter } : {}) });
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(body));
      };

      if (req.method !== 'POST' || !method) return send(404, { ok: false, error: 'unknown_method' });
      const handler = handlers.get(method);
      if (!handler) return send(200, { ok: false, error: 'unknown_method' });
      if (method !== 'api.test') {
        if (!token) return send(200, { ok: false, error: 'not_authed' });
        if (token !== options.token) return send(200, { ok: false, error: 'invalid_auth' });
      }

      const limited = limits.get(method);
      if (limited) {
        const now = Date.now();
        if (now < limited.blockedUntil) return sendFailure(send, { status: 429, retryAfter: Math.ceil((limited.blockedUntil - now) / 1000) });
        limited.accepted = limited.accepted.filter((at) => now - at < limited.rule.windowMs);
        if (limited.accepted.length >= limited.rule.burst) {
          limited.blockedUntil = now + limited.rule.retryAfter * 1000;
          return sendFailure(send, { status: 429, retryAfter: limited.rule.retryAfter });
        }
        limited.accepted.push(now);
      }
      const failure = failures.get(method)?.shift();
      const context: MethodContext = { api, jsonField: (name) => jsonField(params[name]) };
      if (failure && !failure.afterEffect) return sendFailure(send, failure);
      const result = handler(params, context);
      if (failure) return sendFailure(send, failure);
      if ('status' in result && typeof result.status === 'number' && 'body' in result) {
        return send(result.status, result.body as Record<string, unknown>, (result.headers as Record<string, string> | undefined) ?? {});
      }
      return send(200, result);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  (api as { apiUrl: string }).apiUrl = `http://127.0.0.1:${port}/api/`;
  return api;
}

function sendFailure(send: (status: number, body: Record<string, unknown>, headers?: Record<string, string>) => void, failure: InjectedFailure): void {
  const status = failure.status ?? 200;
  if (status === 429) return send(429, { ok: false, error: failure.error ?? 'ratelimited' }, { 'retry-after': String(failure.retryAfter ?? 1) });
  send(status, { ok: false, error: failure.error ?? 'internal_error' });
}

function parseBody(contentType: string, text: string): { params: Record<string, unknown>; encoding: 'form' | 'json' } {
  if (/^application\/json/i.test(contentType)) {
    try {
      const value = JSON.parse(text) as unknown;
      if (value !== null && typeof value === 'object') return { params: value as Record<string, unknown>, encoding: 'json' };
    } catch {
      // fall through: an unreadable body has no parameters
    }
    return { params: {}, encoding: 'json' };
  }
  return { params: Object.fromEntries(new URLSearchParams(text)), encoding: 'form' };
}

/** Form bodies carry structured fields as JSON strings; JSON bodies carry them as values. */
function jsonField(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function withoutChannel(message: SlackMessage): Omit<SlackMessage, 'channel'> {
  const { channel: _channel, ...rest } = message;
  return rest;
}
