/**
 * The codec endpoint (worker/codec-server.ts) on loopback, without Temporal: the protocol's round
 * trip, and each refusal with its status and a message that says what was wrong: unknown path,
 * wrong method, other namespace, oversized or malformed body, a key the ring lacks.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../../config/codec/aes-gcm-codec';
import { KeyRing } from '../../config/codec/key-ring';
import { Secret } from '../../config/secret';
import { bearerMatches, startCodecServer, type CodecServer } from '../../worker/codec-server';

const TOKEN = randomBytes(32).toString('base64');
const ORIGIN = 'https://temporal-ui.example.com';
const codec = new AesGcmPayloadCodec(new KeyRing([{ id: 'unit-codec', bytes: randomBytes(32) }]));
const stranger = new AesGcmPayloadCodec(new KeyRing([{ id: 'someone-else', bytes: randomBytes(32) }]));

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: { message?: string; payloads?: { metadata: Record<string, string>; data: string }[] };
}

function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...init.headers };
    const request = http.request(url, { method: init.method ?? 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, json: text ? (JSON.parse(text) as Answer['json']) : {} });
      });
    });
    request.on('error', reject);
    if (init.chunked && init.body !== undefined) {
      // Without a Content-Length: the limit must hold while the body streams in.
      request.write(init.body);
      request.end();
    } else {
      request.end(init.body);
    }
  });
}

const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value!).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});
const fromJson = (payload: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
  data: Buffer.from(payload.data, 'base64'),
});

describe('codec endpoint', () => {
  let server: CodecServer;
  beforeAll(async () => {
    server = await startCodecServer({ codec, host: '127.0.0.1', port: 0, allowedOrigins: [ORIGIN], token: new Secret(TOKEN, 'test'), namespace: 'quell-ns', maxBodyBytes: 4096 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('listens on loopback and round-trips encode then decode (also under /{namespace}/)', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const plain = [defaultPayloadConverter.toPayload({ note: 'hello' }), defaultPayloadConverter.toPayload(42)];
    const encoded = await call(`${server.url}/encode`, { body: JSON.stringify({ payloads: plain.map(toJson) }) });
    expect(encoded.status).toBe(200);
    // A caller outside a browser sends no Origin and gets no CORS headers.
    expect(encoded.headers['access-control-allow-origin']).toBeUndefined();
    const stored = encoded.json.payloads!.map(fromJson);
    expect(Buffer.from(stored[0]!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(await codec.decode(stored).then((list) => list.map((payload) => defaultPayloadConverter.fromPayload(payload)))).toEqual([{ note: 'hello' }, 42]);

    const decoded = await call(`${server.url}/quell-ns/decode`, { body: JSON.stringify({ payloads: encoded.json.payloads }), headers: { 'X-Namespace': 'quell-ns', Origin: ORIGIN } });
    expect(decoded.status).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(decoded.json.payloads!.map((payload) => defaultPayloadConverter.fromPayload(fromJson(payload)))).toEqual([{ note: 'hello' }, 42]);
  });

  it('refuses unknown paths, other methods and other namespaces', async () => {
    expect((await call(`${server.url}/decrypt`, { body: '{}' })).status).toBe(404);
    const get = await call(`${server.url}/decode`, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST, OPTIONS');
    const header = await call(`${server.url}/decode`, { body: '{"payloads":[]}', headers: { 'X-Namespace': 'other-ns' } });
    expect(header).toMatchObject({ status: 403, json: { message: 'this codec endpoint serves namespace "quell-ns", not "other-ns"' } });
    expect((await call(`${server.url}/other-ns/decode`, { body: '{"payloads":[]}' })).status).toBe(403);
  });

  it('checks the token before reading the body, and answers a refusal with CORS headers the UI can read', async () => {
    const refused = await call(`${server.url}/decode`, { body: 'not even json', headers: { Authorization: 'Bearer nope', Origin: ORIGIN } });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    expect(refused.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect((await call(`${server.url}/decode`, { body: '{}', headers: { Authorization: TOKEN } })).status).toBe(401);
  });

  it('refuses bodies over the limit, whether declared or streamed', async () => {
    const big = JSON.stringify({ payloads: [{ metadata: {}, data: Buffer.alloc(4000).toString('base64') }] });
    const declared = await call(`${server.url}/decode`, { body: big });
    expect(declared.status).toBe(413);
    expect(declared.json.message).toMatch(/over the limit of 4096/);
    const streamed = await call(`${server.url}/decode`, { body: big, chunked: true, headers: { 'Transfer-Encoding': 'chunked' } });
    expect(streamed.status).toBe(413);
  });

  it('says what is malformed in a body: JSON, shape, base64', async () => {
    const notJson = await call(`${server.url}/decode`, { body: '{"payloads": [' });
    expect(notJson.status).toBe(400);
    expect(notJson.json.message).toMatch(/^request body is not valid JSON: /);
    expect((await call(`${server.url}/decode`, { body: '[]' })).json.message).toBe('request body must be a JSON object { "payloads": [...] }');
    expect((await call(`${server.url}/decode`, { body: '{"payloads": {}}' })).json.message).toBe('payloads must be an array');
    expect((await call(`${server.url}/decode`, { body: '{"payloads": [7]}' })).json.message).toBe('payloads[0] must be an object { metadata, data }');
    const badData = await call(`${server.url}/decode`, { body: JSON.stringify({ payloads: [{ metadata: {}, data: 'not base64!' }] }) });
    expect(badData).toMatchObject({ status: 400, json: { message: 'payloads[0].data must be a base64 string' } });
    const badMeta = await call(`${server.url}/decode`, { body: JSON.stringify({ payloads: [{ metadata: { encoding: 'binary/encrypted' }, data: '' }] }) });
    expect(badMeta).toMatchObject({ status: 400, json: { message: 'payloads[0].metadata.encoding must be the base64 of an encoding name (e.g. anNvbi9wbGFpbg== for json/plain); it decodes to binary' } });
    const notBase64 = await call(`${server.url}/decode`, { body: JSON.stringify({ payloads: [{ metadata: { encoding: 'json plain' }, data: '' }] }) });
    expect(notBase64).toMatchObject({ status: 400, json: { message: 'payloads[0].metadata.encoding must be a base64 string' } });
  });

  it('names the missing key when a payload was encrypted under a key it does not hold', async () => {
    const [foreign] = await stranger.encode([defaultPayloadConverter.toPayload('x')]);
    const answer = await call(`${server.url}/decode`, { body: JSON.stringify({ payloads: [toJson(foreign!)] }) });
    expect(answer.status).toBe(422);
    expect(answer.json.message).toContain('key "someone-else", which is not in the payload key file (it has: unit-codec)');
  });

  it('compares the bearer token exactly', () => {
    const secret = new Secret(TOKEN, 'test');
    expect(bearerMatches(`Bearer ${TOKEN}`, secret)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, secret)).toBe(true);
    for (const wrong of [undefined, '', TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`]) {
      expect(bearerMatches(wrong, secret)).toBe(false);
    }
  });
});
