/**
 * The evidence.collect provider against real loopback endpoints: moto (S3 Object Lock, CloudWatch
 * Logs), a CloudTrail LookupEvents stub, an HTTP evidence endpoint, and files on disk. Covers each
 * source, refusals of paths outside the allowed ones, idempotency under retries and duplicates,
 * concurrent custody appends, what verification reports for a damaged log, and connector probes.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../activities/aws/clients';
import { runFolder } from '../../../activities/evidence/custody/layout';
import { readCustodyLog } from '../../../activities/evidence/custody/log';
import { evidenceFamily, evidenceSpoolDir } from '../../../activities/evidence/live';
import { createEvidenceStores } from '../../../activities/evidence/stores/from-config';
import type { EvidenceStore } from '../../../activities/evidence/stores/store';
import { verifyRunEvidence } from '../../../activities/evidence/verify';
import { loadConnectorsText, type ConnectorsConfig } from '../../../activities/live/config-file';
import type { Connector, LiveActionProvider } from '../../../activities/live/connector';
import type { ActionContext, ActionOutcome } from '../../../activities/ports';
import { EvidenceCollectWith } from '../../../common/actions';
import { startCloudTrailStub, type CloudTrailStub } from '../../support/cloudtrail-stub';
import { startMoto, type MotoServer } from '../../support/moto';
import { freePort } from '../../support/server-process';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const BUCKET = 'quell-evidence-collection';
const UNLOCKED_BUCKET = 'quell-evidence-unlocked';
const LOG_GROUP = '/quell/collection';
const HTTP_TOKEN = plantSecret('evidence-endpoint-token-4b1d', 'evidence endpoint token');
const MINUTE = 60_000;

let moto: MotoServer;
let trail: CloudTrailStub;
let http: { server: Server; url: string; requests: Array<{ url: URL; headers: IncomingHttpHeaders }>; expectedToken: string; body: string };
let work: string;
let evidenceDir: string;
let allowed: string;
let outside: string;
let aws: AwsClients;
let config: ConnectorsConfig;
let provider: LiveActionProvider;
let connectors: Map<string, Connector>;
let stores: Map<string, EvidenceStore>;
let runCounter = 0;

interface Collected {
  source: string;
  store: string;
  custody_index: number;
  custody_head: string;
  window: { start: string; end: string } | null;
  artifacts: Array<{ name: string; sha256: string; size: number; location: string; records?: number }>;
}

function newRun(): string {
  runCounter += 1;
  return `quell:evidence-collection:INC-${runCounter}`;
}

function contextFor(workflowId: string, idempotencyKey: string, stepId = 'collect'): ActionContext & { beats: unknown[] } {
  const beats: unknown[] = [];
  return { workflowId, runId: 'run-1', stepId, mode: 'live', idempotencyKey, heartbeat: (details) => beats.push(details), beats };
}

/** Validates like the activity does, then calls the provider. */
function collect(params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
  return provider.perform('evidence.collect', EvidenceCollectWith.parse(params) as Record<string, unknown>, context);
}

async function collected(params: Record<string, unknown>, context: ActionContext): Promise<Collected> {
  return (await collect(params, context)).output as unknown as Collected;
}

function connectorsYaml(options: { bucket?: string; logGroup?: string; filePaths?: string[]; httpUrl?: string } = {}): string {
  return [
    'version: 1',
    'aws:',
    `  region: ${moto.region}`,
    `  endpoint: ${moto.endpoint}`,
    '  access_key_id: { env: AWS_ACCESS_KEY_ID }',
    '  secret_access_key: { env: AWS_SECRET_ACCESS_KEY }',
    'evidence:',
    '  stores:',
    `    s3-object-lock: { bucket: ${options.bucket ?? BUCKET}, retention_days: 1 }`,
    `    local: { dir: ${JSON.stringify(evidenceDir)} }`,
    '  sources:',
    `    cloudwatch-logs: { log_groups: [${options.logGroup ?? LOG_GROUP}] }`,
    '    cloudtrail: {}',
    `    file: { paths: ${JSON.stringify(options.filePaths ?? [allowed])} }`,
    `    http: { url: ${JSON.stringify(options.httpUrl ?? http.url)}, format: ndjson, token: { env: EVIDENCE_HTTP_TOKEN } }`,
    '  default_store: local',
    '',
  ].join('\n');
}

function loadConfig(yaml: string): ConnectorsConfig {
  const file = path.join(work, `connectors-${Math.random().toString(16).slice(2)}.yaml`);
  const loaded = loadConnectorsText(yaml, file, { ...process.env, ...moto.env, EVIDENCE_HTTP_TOKEN: HTTP_TOKEN });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

/** The family as a worker builds it, with CloudTrail pointed at the stub (moto lacks LookupEvents). */
function buildFamily(cfg: ConnectorsConfig) {
  const clients = createAwsClients(cfg.aws!);
  const cloudtrail = new CloudTrailClient({ region: moto.region, endpoint: trail.endpoint, maxAttempts: 1, credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY } });
  const shared = { logger: runLogger('logger'), dataDir: path.join(work, 'worker-data'), aws: { ...clients, cloudtrail } };
  return { contribution: evidenceFamily(cfg, shared), clients: shared.aws };
}

async function probe(id: string, cfg = config): Promise<Array<{ name: string; ok: boolean; detail: string }>> {
  const { contribution, clients } = buildFamily(cfg);
  try {
    const connector = contribution.connectors.find((candidate) => candidate.id === id);
    if (!connector) throw new Error(`no connector ${id}`);
    return await connector.check();
  } finally {
    destroyAwsClients(clients);
  }
}

function readLocal(location: string): string {
  return fs.readFileSync(location, 'utf8');
}

function localRunDir(workflowId: string): string {
  return path.join(evidenceDir, runFolder(workflowId));
}

async function startEvidenceEndpoint(): Promise<typeof http> {
  const state = {
    requests: [] as Array<{ url: URL; headers: IncomingHttpHeaders }>,
    expectedToken: HTTP_TOKEN,
    body: ['{"user":"alice","action":"export","rows":1200}', '{"user":"alice","action":"delete","rows":3}', ''].join('\n'),
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    state.requests.push({ url, headers: request.headers });
    if (request.headers.authorization !== `Bearer ${state.expectedToken}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad token"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(state.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit/export` });
}

beforeAll(async () => {
  [moto, trail] = await Promise.all([startMoto(), startCloudTrailStub()]);
  http = await startEvidenceEndpoint();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-evidence-collection-'));
  evidenceDir = path.join(work, 'evidence');
  allowed = path.join(work, 'allowed');
  outside = path.join(work, 'outside');
  fs.mkdirSync(path.join(allowed, 'app'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(allowed, 'app', 'app.log'), 'app started\nkey used\n');
  fs.writeFileSync(path.join(allowed, 'auth.log'), 'Accepted publickey for deploy\n');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'not evidence: must never be copied\n');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(allowed, 'escape.txt'));

  config = loadConfig(connectorsYaml());
  aws = createAwsClients(config.aws!);
  await aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
  await aws.s3.send(new CreateBucketCommand({ Bucket: UNLOCKED_BUCKET }));
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
  await aws.logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: 'api' }));

  const built = buildFamily(config);
  provider = built.contribution.providers!['evidence.collect']!;
  connectors = new Map(built.contribution.connectors.map((connector) => [connector.id, connector]));
  stores = createEvidenceStores(config.evidence!, { aws: built.clients, spoolDir: evidenceSpoolDir(work), baseDir: work }).stores;
});

afterAll(async () => {
  if (aws) destroyAwsClients(aws);
  await Promise.all([moto?.stop(), trail?.stop(), new Promise((resolve) => http?.server.close(resolve))]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('sources', () => {
  test('cloudwatch-logs reads every page of matching events inside [now - window, now]', async () => {
    const now = Date.now();
    const inWindow = Array.from({ length: 1_100 }, (_, i) => ({ timestamp: now - 50 * MINUTE + i * 1_000, message: `AssumeRole by ci-deployer #${i}` }));
    const events = [{ timestamp: now - 3 * 60 * MINUTE, message: 'AssumeRole by ci-deployer (too old)' }, ...inWindow, { timestamp: now - MINUTE, message: 'unrelated' }];
    await aws.logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: 'api', logEvents: events }));

    const context = contextFor(newRun(), 'cw-1');
    const output = await collected({ source: 'cloudwatch-logs', query: 'AssumeRole', window: '1h' }, context);

    const [artifact] = output.artifacts;
    expect(artifact.records).toBe(1_100);
    const lines = readLocal(artifact.location).trim().split('\n').map((line) => JSON.parse(line) as { message: string; log_group: string });
    expect(lines).toHaveLength(1_100);
    expect(lines[0]).toMatchObject({ log_group: LOG_GROUP, message: 'AssumeRole by ci-deployer #0' });
    expect(lines.at(-1)!.message).toBe('AssumeRole by ci-deployer #1099');
    const window = output.window!;
    expect(Date.parse(window.end) - Date.parse(window.start)).toBe(60 * MINUTE);
    expect(context.beats.length).toBeGreaterThan(0);
  });

  test('cloudtrail looks up the principal as Username over the window, page after page', async () => {
    const now = Date.now();
    trail.addEvents([
      ...Array.from({ length: 120 }, (_, i) => ({
        EventId: `alice-${String(i).padStart(3, '0')}`,
        EventName: i % 2 ? 'GetObject' : 'ListBuckets',
        EventTime: new Date(now - 40 * MINUTE + i * 10_000),
        EventSource: 's3.amazonaws.com',
        Username: 'alice',
        CloudTrailEvent: JSON.stringify({ eventVersion: '1.08', userIdentity: { userName: 'alice' }, n: i }),
      })),
      { EventId: 'alice-old', EventName: 'ListBuckets', EventTime: new Date(now - 5 * 60 * MINUTE), Username: 'alice' },
      { EventId: 'bob-1', EventName: 'ListBuckets', EventTime: new Date(now - 10 * MINUTE), Username: 'bob' },
    ]);

    const output = await collected({ source: 'cloudtrail', principal: 'alice', window: '1h' }, contextFor(newRun(), 'ct-1'));

    const [artifact] = output.artifacts;
    const lines = readLocal(artifact.location).trim().split('\n').map((line) => JSON.parse(line) as { event_id: string; cloudtrail_event: { n: number } });
    expect(lines.map((line) => line.event_id)).toEqual(Array.from({ length: 120 }, (_, i) => `alice-${String(119 - i).padStart(3, '0')}`));
    expect(lines[0].cloudtrail_event.n).toBe(119);
    expect(artifact.records).toBe(120);

    expect(trail.requests).toHaveLength(3);
    expect(trail.requests.map((request) => request.LookupAttributes)).toEqual(Array(3).fill([{ AttributeKey: 'Username', AttributeValue: 'alice' }]));
    expect([trail.requests[0].NextToken, typeof trail.requests[1].NextToken, typeof trail.requests[2].NextToken]).toEqual([undefined, 'string', 'string']);
    expect(trail.requests[0].EndTime! - trail.requests[0].StartTime!).toBeCloseTo(3_600, 0);
  });

  test('cloudtrail refuses a query that is not one lookup attribute, before storing anything', async () => {
    const workflowId = newRun();
    await expect(collect({ source: 'cloudtrail', query: 'eventName = ConsoleLogin' }, contextFor(workflowId, 'ct-bad'))).rejects.toMatchObject({
      type: 'QuellInvalidInput',
      nonRetryable: true,
    });
    expect(fs.existsSync(localRunDir(workflowId))).toBe(false);
  });

  test('http sends the bearer token and the window, and stores the body as received', async () => {
    const before = http.requests.length;
    const output = await collected({ source: 'http', principal: 'alice', window: '2h', store: 's3-object-lock' }, contextFor(newRun(), 'http-1'));

    const request = http.requests[before];
    expect(request.headers.authorization).toBe(`Bearer ${HTTP_TOKEN}`);
    expect(request.url.searchParams.get('principal')).toBe('alice');
    expect(Date.parse(request.url.searchParams.get('until')!) - Date.parse(request.url.searchParams.get('since')!)).toBe(120 * MINUTE);
    const [artifact] = output.artifacts;
    expect(artifact).toMatchObject({ name: 'http/response.ndjson', size: Buffer.byteLength(http.body) });
    const store = stores.get('s3-object-lock')!;
    const [, object, version] = /^s3:\/\/[^/]+\/[^/]+\/(.+)\?versionId=(.+)$/.exec(artifact.location)!;
    const chunks: Buffer[] = [];
    for await (const chunk of await store.openArtifact({ object, version_id: version })) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(http.body);
  });

  test('http with a refused token fails as QuellAuthFailed, without retries and without leaking the token', async () => {
    http.expectedToken = 'a-different-token';
    try {
      const failure = await collect({ source: 'http' }, contextFor(newRun(), 'http-401')).catch((error: unknown) => error);
      expect(failure).toMatchObject({ type: 'QuellAuthFailed', nonRetryable: true });
      expect(JSON.stringify(failure) + String((failure as Error).message)).not.toContain(HTTP_TOKEN);
    } finally {
      http.expectedToken = HTTP_TOKEN;
    }
  });

  test('record keeps what the run produced as JSON', async () => {
    const content = { vendor: 'acme', deletion: { confirmed: true, reference: 'DEL-2024-118' } };
    const output = await collected({ source: 'record', content, label: 'acme-deletion' }, contextFor(newRun(), 'rec-1'));
    expect(output.window).toBeNull();
    expect(output.artifacts[0].name).toBe('record/acme-deletion.json');
    expect(JSON.parse(readLocal(output.artifacts[0].location))).toEqual(content);
  });
});

describe('file paths', () => {
  test('files under an allowed folder and a glob within it are copied byte for byte', async () => {
    const output = await collected({ source: 'file', paths: [`${allowed}/app/*.log`, path.join(allowed, 'auth.log')] }, contextFor(newRun(), 'file-ok'));
    expect(output.artifacts.map((artifact) => artifact.name).sort()).toEqual([`file${allowed}/app/app.log`, `file${allowed}/auth.log`]);
    for (const artifact of output.artifacts) expect(readLocal(artifact.location)).toBe(fs.readFileSync(artifact.name.slice('file'.length), 'utf8'));
  });

  test.each([
    ['a path outside', () => path.join(outside, 'secret.txt')],
    ['a .. escape', () => `${allowed}/../outside/secret.txt`],
    ['a symbolic link leading outside', () => path.join(allowed, 'escape.txt')],
    ['a glob that matches a link leading outside', () => `${allowed}/**`],
    ['a glob rooted outside', () => `${outside}/*.txt`],
    ['a relative path', () => 'allowed/auth.log'],
  ])('%s is refused with a non-retryable QuellInvalidInput and nothing is stored', async (_what, requested) => {
    const workflowId = newRun();
    const failure = await collect({ source: 'file', paths: [requested()] }, contextFor(workflowId, 'file-refused')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ type: 'QuellInvalidInput', nonRetryable: true });
    expect(fs.existsSync(localRunDir(workflowId))).toBe(false);
  });

  test('paths visibly outside are refused before the run starts', () => {
    expect(provider.needs('evidence.collect', { source: 'file', paths: [path.join(outside, 'secret.txt')] }).problems).toEqual([
      `file: path ${path.join(outside, 'secret.txt')} is outside the allowed paths`,
    ]);
    expect(provider.needs('evidence.collect', { source: 'file', paths: [path.join(allowed, 'auth.log')] })).toEqual({
      connectors: ['evidence-source:file', 'evidence-store:local'],
      problems: [],
    });
  });
});

describe('idempotency and concurrency', () => {
  test('a retried collection with the same idempotency key adds no second entry or artifact', async () => {
    const workflowId = newRun();
    const log = path.join(allowed, 'retry.log');
    fs.writeFileSync(log, 'first attempt\n');
    const first = await collect({ source: 'file', paths: [log] }, contextFor(workflowId, 'retry-key'));
    fs.appendFileSync(log, 'changed before the retry\n');
    const retry = await collect({ source: 'file', paths: [log] }, contextFor(workflowId, 'retry-key'));

    expect(first.alreadyDone).toBe(false);
    expect(retry).toEqual({ output: first.output, alreadyDone: true });
    const custody = await readCustodyLog(stores.get('local')!, runFolder(workflowId));
    expect(custody.map((read) => read.entry?.idempotency_key)).toEqual(['retry-key']);
    expect(fs.readdirSync(path.join(localRunDir(workflowId), 'artifacts', 'collect'))).toHaveLength(1);
  });

  test.each(['local', 's3-object-lock'])('duplicates running at once into %s certify exactly one collection', async (store) => {
    const workflowId = newRun();
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => collect({ source: 'record', content: { n: 1 }, store }, contextFor(workflowId, 'duplicate-key'))),
    );
    expect(outcomes.filter((outcome) => !outcome.alreadyDone)).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome.output))).size).toBe(1);
    const log = await readCustodyLog(stores.get(store)!, runFolder(workflowId));
    expect(log).toHaveLength(1);
    if (store === 'local') expect(fs.readdirSync(path.join(localRunDir(workflowId), 'artifacts', 'collect'))).toHaveLength(1);
  });

  test.each(['local', 's3-object-lock'])('eight steps appending at once into %s leave one linear, verifiable chain', async (store) => {
    const workflowId = newRun();
    const outputs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        collected({ source: 'record', content: { step: i }, label: `step-${i}`, store }, contextFor(workflowId, `key-${i}`, `step-${i}`)),
      ),
    );
    expect(outputs.map((output) => output.custody_index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const log = await readCustodyLog(stores.get(store)!, runFolder(workflowId));
    log.forEach((read, index) => {
      expect(read.entry!.index).toBe(index);
      expect(read.entry!.previous_hash).toBe(index === 0 ? '0'.repeat(64) : log[index - 1].entry!.hash);
    });
    const report = await verifyRunEvidence([stores.get(store)!], workflowId);
    expect(report).toMatchObject({ status: 'intact', stores: [{ store, entries: 8, artifacts: 8 }] });
  });
});

describe('verification of a damaged log', () => {
  async function threeEntries(store: string): Promise<string> {
    const workflowId = newRun();
    for (const i of [0, 1, 2]) await collect({ source: 'record', content: { i }, store }, contextFor(workflowId, `k-${i}`, `step-${i}`));
    return workflowId;
  }

  test('an entry edited in place is named, with the hash it should have', async () => {
    const workflowId = await threeEntries('local');
    const file = path.join(localRunDir(workflowId), 'custody', '00000001.json');
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, JSON.stringify({ ...entry, label: 'nothing to see here' }));

    const report = await verifyRunEvidence([...stores.values()], workflowId);
    expect(report).toMatchObject({ status: 'broken', broken: { store: 'local', entry: 1, kind: 'entry-altered', expected: entry.hash } });
  });

  test('a removed entry is reported as missing at its index', async () => {
    const workflowId = await threeEntries('local');
    fs.rmSync(path.join(localRunDir(workflowId), 'custody', '00000001.json'));
    const report = await verifyRunEvidence([...stores.values()], workflowId);
    expect(report.broken).toMatchObject({ store: 'local', entry: 1, kind: 'entry-missing', actual: '2' });
  });

  test('an S3 entry written over with a new version is caught even though the key still reads well', async () => {
    const workflowId = await threeEntries('s3-object-lock');
    const log = await readCustodyLog(stores.get('s3-object-lock')!, runFolder(workflowId));
    await aws.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `quell-evidence/${log[2].object.key}`, Body: await log[2].object.read(), ChecksumAlgorithm: 'SHA256' }),
    );
    const report = await verifyRunEvidence([stores.get('s3-object-lock')!], workflowId);
    expect(report.broken).toMatchObject({ store: 's3-object-lock', entry: 2, kind: 'entry-overwritten' });
  });

  test('a run without evidence is reported as such, not as intact', async () => {
    expect((await verifyRunEvidence([...stores.values()], 'quell:never-ran:INC-0')).status).toBe('no-evidence');
  });
});

describe('connectors', () => {
  test('every configured store and source answers its probes', async () => {
    expect([...connectors.keys()].sort()).toEqual([
      'evidence-source:cloudtrail',
      'evidence-source:cloudwatch-logs',
      'evidence-source:file',
      'evidence-source:http',
      'evidence-store:local',
      'evidence-store:s3-object-lock',
    ]);
    for (const connector of connectors.values()) {
      const probes = await connector.check();
      expect({ id: connector.id, failing: probes.filter((p) => !p.ok) }).toEqual({ id: connector.id, failing: [] });
      expect(probes.length).toBeGreaterThan(0);
    }
  });

  test('probes fail for a bucket without Object Lock, a missing bucket, log group, path or endpoint', async () => {
    const closedPort = await freePort();
    const broken = loadConfig(
      connectorsYaml({ bucket: UNLOCKED_BUCKET, logGroup: '/quell/missing', filePaths: [path.join(work, 'no-such-dir')], httpUrl: `http://127.0.0.1:${closedPort}/` }),
    );
    expect(await probe('evidence-store:s3-object-lock', broken)).toEqual([
      expect.objectContaining({ name: 'bucket', ok: true }),
      expect.objectContaining({ name: 'object-lock', ok: false }),
    ]);
    const missingBucket = loadConfig(connectorsYaml({ bucket: 'quell-no-such-bucket' }));
    expect(await probe('evidence-store:s3-object-lock', missingBucket)).toEqual([
      { name: 'bucket', ok: false, detail: 'bucket quell-no-such-bucket does not exist' },
    ]);
    expect(await probe('evidence-source:cloudwatch-logs', broken)).toEqual([
      { name: 'log-group /quell/missing', ok: false, detail: 'log group /quell/missing does not exist' },
    ]);
    expect((await probe('evidence-source:file', broken))[0]).toMatchObject({ ok: false, detail: expect.stringContaining('ENOENT') });
    expect((await probe('evidence-source:http', broken))[0]).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
  });

  test('a store that is not configured is a readiness problem and a QuellNotConfigured failure', async () => {
    const localOnly = loadConfig(connectorsYaml().replace(/^ {4}s3-object-lock:.*\n/m, ''));
    const { contribution, clients } = buildFamily(localOnly);
    try {
      const onlyLocal = contribution.providers!['evidence.collect']!;
      expect(onlyLocal.needs('evidence.collect', { source: 'record', store: 's3-object-lock' }).problems).toEqual([
        'evidence store s3-object-lock is not configured (add evidence.stores.s3-object-lock to the connectors file)',
      ]);
      await expect(
        onlyLocal.perform('evidence.collect', { source: 'record', content: {}, store: 's3-object-lock' }, contextFor(newRun(), 'nc')),
      ).rejects.toMatchObject({ type: 'QuellNotConfigured', nonRetryable: true });
    } finally {
      destroyAwsClients(clients);
    }
  });
});
