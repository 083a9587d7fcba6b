/**
 * The codec endpoint the Temporal Web UI (and `temporal --codec-endpoint`) calls to show payloads
 * that Quell stored encrypted: Temporal's codec server protocol, `POST /decode` and `POST /encode`
 * (also under `/{namespace}/`), each taking and returning `{ "payloads": [...] }` in proto3 JSON,
 * where every bytes field (data, each metadata value) is base64.
 *
 * It is a decryption service for whoever can call it, so every call must carry
 * `Authorization: Bearer <token>`, compared in constant time; a browser may call it only from the
 * configured Web UI origins (CORS), and any other origin is refused outright, not just left without
 * CORS headers. It binds to loopback unless told otherwise.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { PayloadDecryptionError } from '../config/codec/aes-gcm-codec';
import type { Secret } from '../config/secret';

/** Largest request body accepted: the Web UI sends one event's payloads at a time. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Most payloads in one request. */
export const MAX_PAYLOADS = 1000;

const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';

export interface CodecServerOptions {
  codec: PayloadCodec;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  allowedOrigins: readonly string[];
  token: Secret;
  /** The namespace Quell runs in; a call naming another one (X-Namespace or path) is refused. */
  namespace: string;
  maxBodyBytes?: number;
  logger?: Logger;
}

export interface CodecServer {
  /** Base URL, e.g. http://127.0.0.1:8234 (the Web UI's codec endpoint setting). */
  url: string;
  stop(): Promise<void>;
}

/** A refusal with its HTTP status and a message safe to send back. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * True when the header carries exactly the token. Both sides are hashed first, so the comparison
 * takes the same time whatever the length or content of what was sent.
 */
export function bearerMatches(header: string | undefined, token: Secret): boolean {
  const match = /^Bearer (\S+)$/i.exec(header?.trim() ?? '');
  const sent = digest(match?.[1] ?? '');
  const equal = timingSafeEqual(sent, digest(token.reveal()));
  return match !== null && equal;
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const allowed = new Set(options.allowedOrigins);
  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger?.error({ err: error }, 'codec endpoint: request failed');
      if (!response.headersSent) send(response, 500, { message: 'the codec endpoint failed; see the worker log' }, {});
      else response.destroy();
    });
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const origin = request.headers.origin;
    const cors: Record<string, string> = { Vary: 'Origin' };
    try {
      if (origin !== undefined) {
        if (!allowed.has(origin)) throw new Refusal(403, `origin ${JSON.stringify(origin.slice(0, 100))} may not call this codec endpoint`);
        Object.assign(cors, { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' });
      }
      const operation = routeOf(request.url ?? '/', options.namespace);
      if (request.method === 'OPTIONS') {
        // A preflight carries no credentials; the request it clears must.
        response.writeHead(204, {
          ...cors,
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '600',
        });
        response.end();
        return;
      }
      if (request.method !== 'POST') throw new Refusal(405, `${operation} takes POST`, { Allow: 'POST, OPTIONS' });
      if (!bearerMatches(request.headers.authorization, options.token)) {
        throw new Refusal(401, 'missing or wrong bearer token (Authorization: Bearer <token>)', { 'WWW-Authenticate': 'Bearer' });
      }
      const namespace = request.headers['x-namespace'];
      if (typeof namespace === 'string' && namespace !== '' && namespace !== options.namespace) {
        throw new Refusal(403, `this codec endpoint serves namespace ${JSON.stringify(options.namespace)}, not ${JSON.stringify(namespace.slice(0, 100))}`);
      }
      const payloads = parsePayloads(await readBody(request, maxBodyBytes));
      let result: Payload[];
      try {
        result = operation === 'decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
      } catch (error) {
        if (error instanceof PayloadDecryptionError) throw new Refusal(422, error.message);
        throw error;
      }
      send(response, 200, { payloads: result.map(payloadToJson) }, cors);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      // Drain what the caller is still sending, so the refusal reaches it rather than a reset;
      // an oversized body is not drained: that answer closes the connection.
      if (error.headers.Connection !== 'close') request.resume();
      send(response, error.status, { message: error.message }, { ...cors, ...error.headers });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

/** `decode` or `encode` from `/decode`, `/encode` or `/{namespace}/...`; anything else is a 404. */
function routeOf(url: string, namespace: string): 'decode' | 'encode' {
  const pathname = new URL(url, 'http://codec.invalid').pathname;
  const match = /^(?:\/([^/]+))?\/(decode|encode)\/?$/.exec(pathname);
  if (!match) throw new Refusal(404, 'no such endpoint: POST /decode or /encode');
  if (match[1] !== undefined && decodeURIComponent(match[1]) !== namespace) {
    throw new Refusal(403, `this codec endpoint serves namespace ${JSON.stringify(namespace)}, not ${JSON.stringify(decodeURIComponent(match[1]).slice(0, 100))}`);
  }
  return match[2] as 'decode' | 'encode';
}

function readBody(request: http.IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  // Past the limit nothing more is read: the answer closes the connection instead of draining it.
  const tooLarge = (what: string): Refusal => new Refusal(413, `${what} is over the limit of ${limit} bytes`, { Connection: 'close' });
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(`request body of ${declared} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        request.pause();
        settle(() => reject(tooLarge('request body')));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => settle(() => resolve(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', (error) => settle(() => reject(error)));
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Field(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || value.length % 4 === 1 || !BASE64.test(value)) throw new Refusal(400, `${field} must be a base64 string`);
  return Buffer.from(value, 'base64');
}

/** The request's payloads, or a 400 naming the first field at fault. */
export function parsePayloads(body: string): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new Refusal(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Refusal(400, 'request body must be a JSON object { "payloads": [...] }');
  const list = (parsed as Record<string, unknown>).payloads;
  if (!Array.isArray(list)) throw new Refusal(400, 'payloads must be an array');
  if (list.length > MAX_PAYLOADS) throw new Refusal(413, `payloads holds ${list.length} entries; at most ${MAX_PAYLOADS} per request`);
  return list.map((entry: unknown, index) => {
    const where = `payloads[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new Refusal(400, `${where} must be an object { metadata, data }`);
    const { metadata, data } = entry as Record<string, unknown>;
    const decodedMetadata: Record<string, Uint8Array> = {};
    if (metadata !== undefined && metadata !== null) {
      if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new Refusal(400, `${where}.metadata must be an object of base64 strings`);
      for (const [key, value] of Object.entries(metadata)) decodedMetadata[key] = base64Field(value, `${where}.metadata.${key}`);
      const encoding = decodedMetadata.encoding;
      // The usual mistake: the encoding name sent as itself ("binary/encrypted" happens to be valid base64).
      if (encoding && !/^[\x21-\x7e]+$/.test(Buffer.from(encoding).toString('latin1'))) {
        throw new Refusal(400, `${where}.metadata.encoding must be the base64 of an encoding name (e.g. ${Buffer.from('json/plain').toString('base64')} for json/plain); it decodes to binary`);
      }
    }
    return { metadata: decodedMetadata, data: data === undefined || data === null ? new Uint8Array() : base64Field(data, `${where}.data`) };
  });
}

function payloadToJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

function send(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  response.end(text);
}
