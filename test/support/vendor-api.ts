/**
 * A vendor's data-deletion API on node:http, implementing the receiving side of Quell's signed
 * request protocol (connectors/vendor-http/signature.ts) independently of Quell's code:
 *
 * - POST <path> with a JSON body. The server recomputes HMAC-SHA256(secret, "<X-Quell-Timestamp>.<raw
 *   body>") and compares it in constant time with X-Quell-Signature (`sha256=<hex>`); a wrong or
 *   missing signature, or a timestamp more than five minutes off, is answered 401.
 * - The Idempotency-Key must equal the signed body's `reference` (the header itself is unsigned).
 * - Each Idempotency-Key is processed once: the first request is stored (the "effect") and
 *   answered 201 with a receipt; a repeat is answered 409 `already_received`.
 * - HEAD/GET / answers 200, for reachability probes.
 *
 * Tests can make it answer the next deletion requests with a canned response (401, 429 with
 * Retry-After…), or take it DOWN: the listening socket is closed, so connections are refused by
 * the kernel, until `up()` listens on the same port again. Every request that reached it is
 * recorded with its arrival time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { plantSecret } from './planted-secrets';

export interface VendorApiOptions {
  /** The shared HMAC key. */
  secret: string;
  /** Path of the deletion endpoint (default /v1/deletion-requests). */
  path?: string;
  /** Accepted clock difference of X-Quell-Timestamp, in seconds (default 300). */
  toleranceSeconds?: number;
}

export type RequestOutcome = 'received' | 'duplicate' | 'bad-signature' | 'bad-request' | 'canned' | 'probe' | 'not-found';

export interface VendorApiRequest {
  /** Arrival time (ms since epoch). */
  at: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON, when it was JSON. */
  json?: Record<string, unknown>;
  status: number;
  outcome: RequestOutcome;
}

export interface ProcessedDeletion {
  idempotencyKey: string;
  receipt: string;
  body: Record<string, unknown>;
  at: number;
}

export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface VendorApi {
  /** The deletion endpoint: what the connectors file's `url` is. */
  readonly url: string;
  readonly origin: string;
  readonly requests: VendorApiRequest[];
  /** Effects: one per Idempotency-Key processed. */
  readonly processed: ProcessedDeletion[];
  /** POSTs to the deletion endpoint (attempts), optionally only those whose body matches. */
  deletionAttempts(match?: (body: Record<string, unknown>) => boolean): VendorApiRequest[];
  /** Answers the next `times` deletion requests with `response`, before any verification. */
  failNext(response: CannedResponse, times?: number): void;
  /** Closes the port: connections are refused until {@link up}. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  readonly isDown: boolean;
  stop(): Promise<void>;
}

export async function startVendorApi(options: VendorApiOptions): Promise<VendorApi> {
  plantSecret(options.secret, 'vendor API hmac secret');
  const endpoint = options.path ?? '/v1/deletion-requests';
  const tolerance = options.toleranceSeconds ?? 300;
  const requests: VendorApiRequest[] = [];
  const processed: ProcessedDeletion[] = [];
  const canned: CannedResponse[] = [];
  let down = false;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      const rawBytes = Buffer.concat(chunks);
      const rawBody = rawBytes.toString('utf8');
      const path = new URL(req.url ?? '/', 'http://vendor').pathname;
      const json = parseObject(rawBody);
      const answer = (status: number, outcome: RequestOutcome, body?: unknown, headers: Record<string, string> = {}) => {
        requests.push({ at, method: req.method ?? 'GET', path, headers: req.headers, rawBody, ...(json ? { json } : {}), status, outcome });
        // No keep-alive: every attempt opens its own connection, so while the vendor is down each
        // one is refused, never half-served on a socket that was open before.
        res.writeHead(status, { connection: 'close', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers });
        res.end(body !== undefined ? JSON.stringify(body) : undefined);
      };

      if ((req.method === 'HEAD' || req.method === 'GET') && path === '/') return answer(200, 'probe');
      if (path !== endpoint || req.method !== 'POST') return answer(404, 'not-found', { error: 'not_found' });

      const injected = canned.shift();
      if (injected) return answer(injected.status, 'canned', injected.body ?? { error: `canned ${injected.status}` }, injected.headers);

      if (!signatureValid(options.secret, tolerance, req.headers, rawBytes)) return answer(401, 'bad-signature', { error: 'invalid_signature' });
      const key = header(req.headers, 'idempotency-key');
      if (!key || !json) return answer(400, 'bad-request', { error: key ? 'body must be a JSON object' : 'Idempotency-Key is required' });
      // The key is not signed, the body is: a key that disagrees with the signed reference is refused.
      if (json.reference !== key) return answer(400, 'bad-request', { error: 'Idempotency-Key must equal the reference in the body' });

      const earlier = processed.find((entry) => entry.idempotencyKey === key);
      if (earlier) {
        return answer(409, 'duplicate', { status: 'already_received', receipt: earlier.receipt, received_at: new Date(earlier.at).toISOString() });
      }
      const receipt = `VR-${String(processed.length + 1).padStart(5, '0')}`;
      processed.push({ idempotencyKey: key, receipt, body: json, at });
      return answer(201, 'received', { status: 'received', receipt, reference: json.reference });
    });
  });

  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}${endpoint}`,
    origin,
    requests,
    processed,
    deletionAttempts: (match) =>
      requests.filter((r) => r.method === 'POST' && r.path === endpoint && (!match || (r.json !== undefined && match(r.json)))),
    failNext(response, times = 1) {
      for (let i = 0; i < times; i += 1) canned.push(response);
    },
    async down() {
      if (down) return;
      down = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async up() {
      if (!down) return;
      await listen(server, port);
      down = false;
    },
    get isDown() {
      return down;
    },
    async stop() {
      if (down) return;
      down = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The receiving side of the scheme, written from its description, not from Quell's signer. */
function signatureValid(secret: string, toleranceSeconds: number, headers: http.IncomingHttpHeaders, rawBody: Buffer): boolean {
  const timestamp = header(headers, 'x-quell-timestamp');
  const signature = header(headers, 'x-quell-signature');
  if (!timestamp || !/^\d+$/.test(timestamp) || !signature?.startsWith('sha256=')) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  const given = Buffer.from(signature.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
