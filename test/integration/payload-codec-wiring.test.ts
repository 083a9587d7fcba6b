/**
 * Encryption at rest, end to end on the run's real Temporal server: a worker and a client carrying
 * the payload codec (built from a key file by the same factory `npm start` and the CLI use) run a
 * runbook whose sensitive inputs reach a step, and an event brings in a secret. The history as the
 * server keeps it, fetched by a client without keys, holds none of those values; the history codec
 * opens it with the keys. The keys are then rotated mid-run: the run goes on, what was written
 * before still opens, and what is written after carries the new key's id. Last, the codec endpoint
 * decodes those stored payloads for an authorised caller and refuses everyone else.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { ENCRYPTED_ENCODING, METADATA_ENCRYPTION_KEY_ID } from '../../config/codec/aes-gcm-codec';
import { loadPayloadEncryption, payloadDataConverter, type PayloadEncryption } from '../../config/codec/payload-data-converter';
import { deliverEvent, startRun } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import { Secret } from '../../config/secret';
import { decodeHistoryPayloads, HistoryDecodeError, type RawHistory } from '../../reports/audit/history-codec';
import { startCodecServer, type CodecServer } from '../../worker/codec-server';
import { historyToText } from '../support/history-text';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, startTestWorker, testServer, uniqueTaskQueue, type TestWorker } from '../support/temporal';
import { waitForState } from '../support/run-driver';
import { freePort } from '../support/server-process';
import { spawnWorkerProcess, type WorkerProcess, exited } from '../support/worker-process';
import { getRunState } from '../../client/runs';
import { runHistory } from '../../client/history';
import { exportRunDossier } from '../../client/audit-dossier';
import { endDrill, noteDrill, startDrill } from '../../client/drills';
import { getDrillReport } from '../../client/drill-report';
import { loadTestDrill } from '../support/drills';
import { eventually } from '../support/eventually';

const RUNBOOK = 'test/fixtures/runbooks/sensitive-inputs.yaml';
const PHONE = `+1-555-${randomUUID()}`;
const TOKEN_INPUT = `ghp_${randomBytes(18).toString('hex')}`;
const EVENT_SECRET = `vendor-certificate-${randomUUID()}`;
const SECRETS = [PHONE, TOKEN_INPUT, EVENT_SECRET];
const UI_ORIGIN = 'http://localhost:8233';
const CODEC_TOKEN = randomBytes(32).toString('base64');

const keyText = (): string => randomBytes(32).toString('base64');
const meta = (payload: Payload, name: string): string | undefined => {
  const bytes = payload.metadata?.[name];
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
};

/**
 * Every payload in a history that Quell's code wrote, so the codec encoded. Left out: search
 * attributes and headers (never encoded), and the SDK core's own marker bookkeeping (a patch's id;
 * a local activity's type, attempt and times), which the core writes without the codec.
 */
function payloadsIn(value: unknown, found: Payload[] = [], marker = false): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  if (Array.isArray(value)) {
    value.forEach((item) => payloadsIn(item, found, marker));
    return found;
  }
  const record = value as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && (record.metadata as Record<string, unknown>)[METADATA_ENCODING_KEY]) {
    found.push(record as Payload);
    return found;
  }
  for (const [key, field] of Object.entries(record)) {
    if (key === 'searchAttributes' || key === 'header' || (marker && (key === 'patch-data' || key === 'data'))) continue;
    payloadsIn(field, found, marker || key === 'markerRecordedEventAttributes');
  }
  return found;
}

function expectNoSecretIn(history: RawHistory): void {
  const text = historyToText(history);
  for (const secret of SECRETS) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 20));
  }
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function call(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value!).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

function collect(child: WorkerProcess): { stdout: string; stderr: string } {
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  return output;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('payload encryption wired into worker, client, reports and the codec endpoint', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-codec-wiring-'));
  const env = { QUELL_KEY_OLD: keyText(), QUELL_KEY_NEW: keyText() };
  const writeKeyFile = (name: string, ids: string[]): string => {
    const file = path.join(scratch, name);
    const lines = ids.map((id) => `  - id: ${id}\n    key: { env: QUELL_KEY_${id === 'wiring-old' ? 'OLD' : 'NEW'} }`);
    fs.writeFileSync(file, `keys:\n${lines.join('\n')}\n`);
    return file;
  };
  const oldFile = writeKeyFile('old.yaml', ['wiring-old']);
  const rotatedFile = writeKeyFile('rotated.yaml', ['wiring-new', 'wiring-old']);
  const newOnlyFile = writeKeyFile('new-only.yaml', ['wiring-new']);
  const taskQueue = uniqueTaskQueue('payload-codec-wiring');

  let plain: Client;
  let worker: TestWorker | undefined;
  let client: Client | undefined;
  let workflowId: string;
  let codecServer: CodecServer | undefined;
  let rotated: PayloadEncryption;

  beforeAll(async () => {
    plain = await connectTestClient();
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await codecServer?.stop();
    if (workflowId) await plain.workflow.getHandle(workflowId).terminate('payload codec wiring test done').catch(() => undefined);
    await plain.connection.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('stores a run encrypted under the configured key; the raw history holds no sensitive value', async () => {
    const dataConverter = payloadDataConverter({ payloadKeysFile: oldFile }, env);
    expect(dataConverter).toBeDefined();
    worker = await startTestWorker({ taskQueue, dataConverter });
    client = await connectTestClient({ dataConverter });
    const { runbook, sha256 } = await loadTestRunbook(RUNBOOK);
    const handle = await startRun(client, {
      runbook,
      runbookSha256: sha256,
      inputs: { reporter_phone: PHONE, leaked_token: TOKEN_INPUT, host: 'db-7.internal' },
      mode: 'tabletop',
      requestedBy: 'rita.requester',
      requestedVia: 'api',
      incidentId: `INC-CODEC-${Date.now()}`,
      taskQueue,
    });
    workflowId = handle.workflowId;
    // The client with keys reads the run's state (a query: encrypted both ways) like any surface.
    const parked = await waitForState(() => getRunState(client!, workflowId), (state) => state.steps.find((step) => step.id === 'confirm')?.status === 'waiting');
    expect(JSON.stringify(parked.steps.find((step) => step.id === 'tell'))).toContain(PHONE);

    const raw = await plain.workflow.getHandle(workflowId).fetchHistory();
    expectNoSecretIn(raw);
    const stored = payloadsIn(raw);
    // Start input, the notify activity's arguments and result at least.
    expect(stored.length).toBeGreaterThanOrEqual(3);
    for (const payload of stored) {
      expect(meta(payload, METADATA_ENCODING_KEY)).toBe(ENCRYPTED_ENCODING);
      expect(meta(payload, METADATA_ENCRYPTION_KEY_ID)).toBe('wiring-old');
    }
    // Search attributes stay readable by design: the server indexes them.
    const indexed = raw.events?.[0]?.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields ?? {};
    expect(defaultPayloadConverter.fromPayload(indexed.QuellRunbook!)).toBe('sensitive-inputs');
  });

  it('rotates: a worker on the new ring resumes the run, old payloads still open, new ones carry the new key', async () => {
    await worker!.stop();
    await client!.connection.close();
    worker = undefined;
    client = undefined;
    rotated = loadPayloadEncryption({ payloadKeysFile: rotatedFile }, env)!;
    expect(rotated.keyRing.current.id).toBe('wiring-new');
    const dataConverter = { payloadCodecs: [rotated.codec] };
    worker = await startTestWorker({ taskQueue, dataConverter });
    client = await connectTestClient({ dataConverter });
    // Accepting the event means the new worker replayed the old-key history.
    await deliverEvent(client, workflowId, { event: 'vendor-deletion-confirmed', actor: 'vera.vendor', via: 'api', payload: { certificate: EVENT_SECRET } });
    const result = (await client.workflow.getHandle(workflowId).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(JSON.stringify(result.state)).toContain(EVENT_SECRET);

    const raw = await plain.workflow.getHandle(workflowId).fetchHistory();
    expectNoSecretIn(raw);
    const started = raw.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as Payload;
    expect(meta(started, METADATA_ENCRYPTION_KEY_ID)).toBe('wiring-old');
    const completed = raw.events?.find((event) => event.workflowExecutionCompletedEventAttributes)?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0] as Payload;
    expect(meta(completed, METADATA_ENCRYPTION_KEY_ID)).toBe('wiring-new');

    // The report's decoder opens both generations with the rotated ring.
    const decoded = await decodeHistoryPayloads(raw, rotated.codec);
    const text = historyToText(decoded);
    for (const secret of SECRETS) expect(text).toContain(secret);
    const input = defaultPayloadConverter.fromPayload(decoded.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!) as { inputs: Record<string, unknown> };
    expect(input.inputs).toEqual({ reporter_phone: PHONE, leaked_token: TOKEN_INPUT, host: 'db-7.internal' });
    expect(payloadsIn(decoded).filter((payload) => meta(payload, METADATA_ENCODING_KEY) === ENCRYPTED_ENCODING)).toEqual([]);

    // `quell history` reads the stored history through the client's codec.
    const entries = await runHistory(client, workflowId);
    expect(entries[0]).toMatchObject({ kind: 'run.started', actor: 'rita.requester' });
    expect(entries[0]!.detail).toMatch(/^sensitive-inputs v1 \(tabletop\) incident INC-CODEC-/);

    // The dossier, exported with the keys, shows the plain input and redacts the sensitive ones.
    const dossier = await exportRunDossier(client, workflowId);
    expect((dossier.entries[0]!.data as { inputs: Record<string, unknown> }).inputs).toEqual({ host: 'db-7.internal', leaked_token: '[redacted]', reporter_phone: '[redacted]' });
    const exported = JSON.stringify(dossier);
    // Not even a shortened one: summaries are cut after redaction, never before.
    expect(exported).not.toContain(PHONE.slice(0, 16));
    expect(exported).not.toContain(TOKEN_INPUT.slice(0, 12));
    expect(exported).toContain('reporter [redacted] found [redacted] on db-7');
    // Without keys the export is refused, naming the setting, rather than coming out empty.
    await expect(exportRunDossier(plain, workflowId)).rejects.toMatchObject({ code: 'refused', message: expect.stringContaining('its payloads are encrypted and this client has no payload keys (set QUELL_PAYLOAD_KEYS_FILE)') });

    // A ring that dropped the old key says which key it lacks, rather than leaving holes.
    const newOnly = loadPayloadEncryption({ payloadKeysFile: newOnlyFile }, env)!;
    const failure = await decodeHistoryPayloads(raw, newOnly.codec).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HistoryDecodeError);
    expect((failure as HistoryDecodeError).message).toMatch(/^cannot decode the payload at event 1 \(events\[0\]\.workflowExecutionStartedEventAttributes\.input\.payloads\[0\]\): .*key "wiring-old"/);
  });

  it('the codec endpoint decodes stored payloads for the Web UI with the token, and refuses everyone else', async () => {
    codecServer = await startCodecServer({
      codec: rotated.codec,
      host: '127.0.0.1',
      port: 0,
      allowedOrigins: [UI_ORIGIN],
      token: new Secret(CODEC_TOKEN, 'test'),
      namespace: testServer().namespace,
    });
    const raw = await plain.workflow.getHandle(workflowId).fetchHistory();
    const stored = payloadsIn(raw);
    const body = JSON.stringify({ payloads: stored.map(toJson) });
    const headers = { 'Content-Type': 'application/json', 'X-Namespace': testServer().namespace, Origin: UI_ORIGIN };
    const url = `${codecServer.url}/decode`;

    const preflight = await call(url, 'OPTIONS', { Origin: UI_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,x-namespace' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/).sort()).toEqual(['authorization', 'content-type', 'x-namespace']);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');

    const decoded = await call(url, 'POST', { ...headers, Authorization: `Bearer ${CODEC_TOKEN}` }, body);
    expect(decoded.status).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    const answer = JSON.parse(decoded.body) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(answer.payloads).toHaveLength(stored.length);
    const plainText = answer.payloads.map((payload) => Buffer.from(payload.data, 'base64').toString('utf8')).join('\n');
    for (const secret of SECRETS) expect(plainText).toContain(secret);
    for (const payload of answer.payloads) expect(Buffer.from(payload.metadata[METADATA_ENCODING_KEY]!, 'base64').toString('utf8')).toBe('json/plain');

    const missing = await call(url, 'POST', headers, body);
    expect(missing.status).toBe(401);
    const wrong = await call(url, 'POST', { ...headers, Authorization: `Bearer ${CODEC_TOKEN.slice(0, -2)}AA` }, body);
    expect(wrong.status).toBe(401);
    const elsewhere = await call(url, 'POST', { ...headers, Origin: 'https://evil.example', Authorization: `Bearer ${CODEC_TOKEN}` }, body);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
    const otherPreflight = await call(url, 'OPTIONS', { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' });
    expect(otherPreflight.status).toBe(403);
    for (const refused of [missing, wrong, elsewhere]) {
      for (const secret of SECRETS) expect(refused.body).not.toContain(secret);
    }
  });

  it('npm start serves the codec endpoint with the configured keys, logs its URL and stops it on SIGINT', async () => {
    const port = await freePort();
    const tokenFile = path.join(scratch, 'codec-token');
    fs.writeFileSync(tokenFile, `${CODEC_TOKEN}\n`);
    const child = spawnWorkerProcess(
      {
        ...env,
        QUELL_TASK_QUEUE: uniqueTaskQueue('payload-codec-start'),
        QUELL_DATA_DIR: path.join(scratch, 'start-data'),
        QUELL_LOG_LEVEL: 'info',
        QUELL_PAYLOAD_KEYS_FILE: rotatedFile,
        QUELL_CODEC_TOKEN_FILE: tokenFile,
        QUELL_CODEC_PORT: String(port),
      },
      'payload-codec-start',
    );
    const output = collect(child);
    const url = `http://127.0.0.1:${port}`;
    await until(() => output.stdout.includes(`codec endpoint for the Web UI at ${url}`) || child.exitCode !== null, 60_000);
    expect(child.exitCode).toBeNull();
    expect(output.stdout).toContain('payloads encrypted at rest with key \\"wiring-new\\"');

    const raw = await plain.workflow.getHandle(workflowId).fetchHistory();
    const started = raw.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0] as Payload;
    const answer = await call(`${url}/decode`, 'POST', { 'Content-Type': 'application/json', Origin: 'http://127.0.0.1:8233', Authorization: `Bearer ${CODEC_TOKEN}` }, JSON.stringify({ payloads: [toJson(started)] }));
    expect(answer.status).toBe(200);
    expect(Buffer.from((JSON.parse(answer.body) as { payloads: { data: string }[] }).payloads[0]!.data, 'base64').toString('utf8')).toContain(PHONE);

    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
    await expect(call(`${url}/decode`, 'OPTIONS', {})).rejects.toThrow();
    for (const secret of [CODEC_TOKEN, env.QUELL_KEY_NEW, env.QUELL_KEY_OLD]) expect(output.stdout + output.stderr).not.toContain(secret);
  });

  it('npm start with a key file it cannot use exits 2 naming the variable and the key, before serving anything', async () => {
    const child = spawnWorkerProcess(
      { QUELL_TASK_QUEUE: uniqueTaskQueue('payload-codec-bad'), QUELL_DATA_DIR: path.join(scratch, 'bad-data'), QUELL_PAYLOAD_KEYS_FILE: rotatedFile, QUELL_KEY_NEW: env.QUELL_KEY_NEW },
      'payload-codec-bad-keys',
    );
    const output = collect(child);
    expect(await exited(child)).toBe(2);
    expect(output.stderr).toContain('QUELL_PAYLOAD_KEYS_FILE: the payload key file cannot be used');
    expect(output.stderr).toMatch(/rotated\.yaml:5:\d+: .*key "wiring-old".*environment variable QUELL_KEY_OLD is not set/);
    expect(output.stdout).not.toContain('Quell worker running');
  });
});

describe('drill reports read encrypted histories', () => {
  it('a drill run with the codec on keeps its notes out of the store, and its report still shows them', async () => {
    const key = { id: 'drill-key', bytes: randomBytes(32) };
    const encryption = loadPayloadEncryption({ payloadKeysFile: writeKeys(key) }, { DRILL_PAYLOAD_KEY: key.bytes.toString('base64') })!;
    const dataConverter = { payloadCodecs: [encryption.codec] };
    const taskQueue = uniqueTaskQueue('payload-codec-drill');
    const worker = await startTestWorker({ taskQueue, dataConverter });
    const client = await connectTestClient({ dataConverter });
    const plain = await connectTestClient();
    const note = `the key was in the wiki ${randomUUID()}`;
    try {
      // A drill whose run only waits, so the drill's end is what closes it.
      const drill = await loadTestDrill('drill-hold');
      const handle = await startDrill(client, { ...drill, exerciseId: `codec-${Date.now()}`, requestedBy: 'rita.requester', requestedVia: 'api', taskQueue });
      const drillId = handle.workflowId;
      await noteDrill(client, drillId, { text: note, actor: 'fiona', via: 'cli' });
      await eventually('the drill run to start', async () => (await getRunState(client, `${drillId}:run`).catch(() => undefined))?.status === 'running');
      await endDrill(client, drillId, { actor: 'fiona', via: 'cli' });
      await handle.result();

      expect(historyToText(await plain.workflow.getHandle(drillId).fetchHistory())).not.toContain(note);
      const report = await getDrillReport(client, drillId);
      expect(JSON.stringify(report)).toContain(note);
      expect(report.timeline.some((line) => line.actor === 'fiona')).toBe(true);
      // Without the keys there is no report to build: the drill's own input is ciphertext.
      await expect(getDrillReport(plain, drillId)).rejects.toMatchObject({ name: 'QuellClientError' });
    } finally {
      await worker.stop();
      await client.connection.close();
      await plain.connection.close();
    }
  });
});

function writeKeys(key: { id: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-codec-drill-'));
  const file = path.join(dir, 'keys.yaml');
  fs.writeFileSync(file, `keys:\n  - id: ${key.id}\n    key: { env: DRILL_PAYLOAD_KEY }\n`);
  return file;
}
