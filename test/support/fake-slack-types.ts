/**
 * What the fake Slack Web API (fake-slack-api.ts) stores, records and lets a test configure: its
 * messages, views and calls as a test reads them back, and the hooks for failures, rate limits
 * and extra methods.
 */
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
