/**
 * The HTTP side of the fake Slack Web API: one `POST /api/<method>` endpoint per method, bodies
 * read as the official clients send them (form or JSON), the token checked as Slack checks it,
 * then rate limits and injected failures applied before (or after) the method runs. Every call
 * is recorded with the answer it got, so tests can assert on the wire, not only on the outcome.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeSlackApi, InjectedFailure, MethodContext, MethodHandler, RateLimitRule, SlackCall } from './fake-slack-types';

/** A rate limit in force on one method: the calls it accepted in the window, and any penalty. */
export interface RateLimitState {
  rule: RateLimitRule;
  accepted: number[];
  blockedUntil: number;
}

export interface SlackWire {
  /** The only token accepted (every method but api.test needs it). */
  token: string;
  api: FakeSlackApi;
  calls: SlackCall[];
  handlers: Map<string, MethodHandler>;
  failures: Map<string, InjectedFailure[]>;
  limits: Map<string, RateLimitState>;
}

export interface ServedSlackApi {
  /** `http://127.0.0.1:<port>/api/` */
  apiUrl: string;
  close(): Promise<void>;
}

/** Listens on a free loopback port and answers Web API calls with `wire`'s methods. */
export async function serveSlackApi(wire: SlackWire): Promise<ServedSlackApi> {
  const { api, calls, handlers, failures, limits } = wire;
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
        if (token !== wire.token) return send(200, { ok: false, error: 'invalid_auth' });
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
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
