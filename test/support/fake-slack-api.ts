/**
 * A Slack Web API on node:http for tests (there is no local Slack). It speaks the wire protocol the
 * official clients use: `POST /api/<method>` with an `application/x-www-form-urlencoded` or JSON
 * body, the bot token as `Authorization: Bearer …` (or a `token` field), and JSON answers that
 * are HTTP 200 `{ ok: true, … }` or `{ ok: false, error }` — except rate limits, which are HTTP 429
 * with `Retry-After` in seconds.
 *
 * Built in: auth.test, chat.postMessage, chat.update and conversations.history over in-memory
 * channels (metadata only returned with `include_all_metadata`, cursor paging). Every call is
 * recorded in order. `failNext` injects failures, optionally AFTER the method took effect (Slack
 * stored the message, the answer got lost). `handle` adds or replaces methods, so the Slack app's
 * tests can extend the same fake (views.open, chat.postEphemeral, …).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
  /** Messages of a channel (by id or name), oldest first. */
  messages(channel: string): SlackMessage[];
  /** Calls of one method, in order. */
  callsOf(method: string): SlackCall[];
  failNext(method: string, failure: InjectedFailure, times?: number): void;
  handle(method: string, handler: MethodHandler): void;
  stop(): Promise<void>;
}

export async function startFakeSlackApi(options: FakeSlackOptions): Promise<FakeSlackApi> {
  const team = options.team ?? { id: 'T0QUELL01', name: 'Quell Test' };
  const bot = options.bot ?? { userId: 'U0QUELLBOT', botId: 'B0QUELLBOT', name: 'quell' };
  const channels = new Map<string, SlackChannel>();
  const history = new Map<string, SlackMessage[]>();
  const calls: SlackCall[] = [];
  const failures = new Map<string, InjectedFailure[]>();
  const handlers = new Map<string, MethodHandler>();
  let tsCounter = 0;

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
    history.get(channel.id)!.push(message);
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
    return { ok: true, channel: channel.id, ts: message.ts, text: message.text, message: withoutChannel(message) };
  });
  handlers.set('conversations.history', (params) => {
    // Like Slack: the history call takes ids, not names.
    const channel = typeof params.channel === 'string' ? channels.get(params.channel) : undefined;
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const oldest = Number(params.oldest ?? 0);
    const latest = params.latest !== undefined ? Number(params.latest) : Infinity;
    const inclusive = params.inclusive === true || params.inclusive === 'true';
    const withMetadata = params.include_all_metadata === true || params.include_all_metadata === 'true';
    const newestFirst = [...history.get(channel.id)!]
      .reverse()
      .filter((m) => (inclusive ? Number(m.ts) >= oldest && Number(m.ts) <= latest : Number(m.ts) > oldest && Number(m.ts) < latest));
    const offset = typeof params.cursor === 'string' && params.cursor ? Number(Buffer.from(params.cursor, 'base64').toString('utf8')) : 0;
    const limit = Math.min(Number(params.limit ?? 100) || 100, 999);
    const page = newestFirst.slice(offset, offset + limit).map((m) => {
      const { metadata, ...rest } = withoutChannel(m);
      return withMetadata && metadata ? { ...rest, metadata } : rest;
    });
    const hasMore = offset + limit < newestFirst.length;
    return {
      ok: true,
      messages: page,
      has_more: hasMore,
      pin_count: 0,
      response_metadata: { next_cursor: hasMore ? Buffer.from(String(offset + limit)).toString('base64') : '' },
    };
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
        if (method) calls.push({ method, params, encoding, ...(token ? { token } : {}), at, status, response: body });
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
