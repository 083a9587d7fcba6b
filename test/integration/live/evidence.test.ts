/**
 * Evidence end to end on real endpoints: a LIVE run collects CloudWatch Logs (moto) and host files
 * into an Object-Lock bucket (moto) and into the local store, two collections at a time; moto
 * refuses to delete a locked version; `quell evidence verify` (the real CLI) passes, then fails
 * naming the artifact once one byte of a stored copy is changed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
} from '@aws-sdk/client-s3';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../connectors/aws/clients';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsText, type ConnectorsConfig } from '../../../connectors/connectors-file';
import { getRunState } from '../../../client/runs';
import type { RunState } from '../../../common/run-state';
import { runQuell, type CliEnvironment } from '../../support/cli';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { awsSectionLines, startMoto, type MotoServer } from '../../support/moto';
import { waitForState } from '../../support/run-driver';
import { runLogger, testServer } from '../../support/temporal';

const BUCKET = 'quell-evidence-e2e';
const LOG_GROUP = '/quell/app';
const KEY_ID = 'AKIAEVIDENCE0000TEST';
const MINUTE = 60_000;

let moto: MotoServer;
let aws: AwsClients;
let engine: TestEngine;
let work: string;
let evidenceDir: string;
let hostLogs: string;
let connectorsFile: string;
let workflowId: string;
let state: RunState;

function connectorsYaml(): string {
  return [
    'version: 1',
    ...awsSectionLines(moto),
    'evidence:',
    '  stores:',
    `    s3-object-lock: { bucket: ${BUCKET}, mode: COMPLIANCE, retention_days: 1, prefix: cases/ }`,
    `    local: { dir: ${JSON.stringify(evidenceDir)} }`,
    '  sources:',
    `    cloudwatch-logs: { log_groups: [${LOG_GROUP}] }`,
    `    file: { paths: [${JSON.stringify(hostLogs)}] }`,
    '  default_store: local',
    '',
  ].join('\n');
}

function loadConfig(): ConnectorsConfig {
  const loaded = loadConnectorsText(fs.readFileSync(connectorsFile, 'utf8'), connectorsFile, { ...process.env, ...moto.env });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

function cliEnv(): CliEnvironment {
  const server = testServer();
  return {
    address: server.address,
    namespace: server.namespace,
    taskQueue: engine.taskQueue,
    dataDir: path.join(work, 'cli-data'),
    extra: { QUELL_CONNECTORS_FILE: connectorsFile, ...moto.env },
  };
}

async function seedLogs(now: number): Promise<void> {
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
  await aws.logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: 'web-1' }));
  const events = [
    { timestamp: now - 180 * MINUTE, message: `login with ${KEY_ID} from 198.51.100.7 (before the window)` },
    { timestamp: now - 30 * MINUTE, message: `GET /admin key=${KEY_ID} 200` },
    { timestamp: now - 20 * MINUTE, message: 'GET /health 200' },
    { timestamp: now - 10 * MINUTE, message: `DELETE /users/42 key=${KEY_ID} 204` },
    { timestamp: now - 5 * MINUTE, message: 'GET /health 200' },
    { timestamp: now - 2 * MINUTE, message: `ListBuckets key=${KEY_ID}` },
  ];
  await aws.logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: 'web-1', logEvents: events }));
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readObject(key: string, versionId?: string): Promise<Buffer> {
  const response = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, VersionId: versionId }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

type ArtifactOutput = { name: string; sha256: string; size: number; location: string; records?: number };

function outputOf(stepId: string): { store: string; custody_index: number; custody_head: string; artifacts: ArtifactOutput[] } {
  const step = state.steps.find((candidate) => candidate.id === stepId);
  if (!step?.output) throw new Error(`step ${stepId} has no output: ${JSON.stringify(step)}`);
  return step.output as never;
}

beforeAll(async () => {
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-evidence-e2e-'));
  evidenceDir = path.join(work, 'evidence');
  hostLogs = path.join(work, 'host-logs');
  fs.mkdirSync(path.join(hostLogs, 'nginx'), { recursive: true });
  fs.writeFileSync(path.join(hostLogs, 'auth.log'), `Accepted publickey for deploy from 198.51.100.7\nkey ${KEY_ID} used\n`);
  fs.writeFileSync(path.join(hostLogs, 'nginx', 'access.log'), '198.51.100.7 - - "GET /admin HTTP/1.1" 200\n'.repeat(500));
  connectorsFile = path.join(work, 'connectors.yaml');
  fs.writeFileSync(connectorsFile, connectorsYaml());

  const config = loadConfig();
  aws = createAwsClients(config.aws!);
  await aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
  await seedLogs(Date.now());

  engine = await startTestEngine('evidence', {
    live: await buildLiveSetup(config, { logger: runLogger('logger'), dataDir: path.join(work, 'worker-data') }),
  });
  workflowId = await engine.start('test/fixtures/live/evidence-runbook.yaml', { key_id: KEY_ID, host_logs: hostLogs }, { mode: 'live' });
  state = await waitForState(
    () => getRunState(engine.client, workflowId),
    (s) => ['completed', 'failed', 'rejected', 'cancelled'].includes(s.status),
    90_000,
  );
});

afterAll(async () => {
  await engine?.stop();
  if (aws) destroyAwsClients(aws);
  await moto?.stop();
  // Read-only copies are still removable: unlinking needs a writable folder, not a writable file.
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the live run completes and every collection is certified', () => {
  expect({ status: state.status, failure: state.failure }).toEqual({ status: 'completed', failure: undefined });
  for (const id of ['app-logs', 'host-files', 'local-app-logs', 'local-host-files', 'findings']) {
    expect(state.steps.find((step) => step.id === id)).toMatchObject({ status: 'succeeded', alreadyDone: false });
  }
  expect(outputOf('app-logs').store).toBe('s3-object-lock');
  expect(outputOf('local-app-logs').store).toBe('local');
  // The record step saw the heads of the two Object-Lock collections.
  expect(outputOf('findings').artifacts).toHaveLength(1);
});

test('the two parallel collections share one linear custody chain in the bucket', async () => {
  const indices = [outputOf('app-logs').custody_index, outputOf('host-files').custody_index].sort();
  expect(indices).toEqual([0, 1]);

  const entries = await Promise.all(
    [0, 1].map(async (index) => JSON.parse((await readObject(`cases/${encodeURIComponent(workflowId)}/custody/0000000${index}.json`)).toString()) as Record<string, string>),
  );
  expect(entries[0].previous_hash).toBe('0'.repeat(64));
  expect(entries[1].previous_hash).toBe(entries[0].hash);
  expect(new Set(entries.map((entry) => entry.hash))).toEqual(
    new Set([outputOf('app-logs').custody_head, outputOf('host-files').custody_head]),
  );
});

test('CloudWatch Logs evidence holds exactly the matching events inside the window', async () => {
  const [artifact] = outputOf('app-logs').artifacts;
  expect(artifact.name).toBe('cloudwatch-logs/quell/app.ndjson');
  const [, key, versionId] = /^s3:\/\/[^/]+\/(.+)\?versionId=(.+)$/.exec(artifact.location)!;
  const bytes = await readObject(key, versionId);
  expect(sha256(bytes)).toBe(artifact.sha256);
  expect(bytes.length).toBe(artifact.size);
  const lines = bytes.toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as { message: string; log_group: string });
  expect(lines.map((line) => line.message)).toEqual([`GET /admin key=${KEY_ID} 200`, `DELETE /users/42 key=${KEY_ID} 204`, `ListBuckets key=${KEY_ID}`]);
  expect(artifact.records).toBe(3);
});

test('file evidence in the bucket is byte-identical and locked in COMPLIANCE mode', async () => {
  const artifacts = outputOf('host-files').artifacts;
  expect(artifacts.map((artifact) => artifact.name).sort()).toEqual(
    [path.join(hostLogs, 'auth.log'), path.join(hostLogs, 'nginx', 'access.log')].map((file) => `file${fs.realpathSync(file)}`).sort(),
  );
  for (const artifact of artifacts) {
    const [, key, versionId] = /^s3:\/\/[^/]+\/(.+)\?versionId=(.+)$/.exec(artifact.location)!;
    const original = fs.readFileSync(artifact.name.slice('file'.length));
    expect(sha256(await readObject(key, versionId))).toBe(sha256(original));
    // HeadObject reports the lock (moto routes GetObjectRetention to GetObject).
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, VersionId: versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 23 * 60 * MINUTE);
  }
});

test('moto refuses to delete a locked evidence version', async () => {
  const versions = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'cases/' }));
  const locked = versions.Versions!.find((version) => version.Key!.includes('/artifacts/'))!;
  await expect(aws.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: locked.Key!, VersionId: locked.VersionId! }))).rejects.toMatchObject({
    name: 'AccessDenied',
    $metadata: { httpStatusCode: 403 },
  });
  // Still there, unchanged.
  const again = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: locked.Key! }));
  expect(again.Versions!.map((version) => version.VersionId)).toContain(locked.VersionId);
});

test('quell evidence verify passes, then names the artifact whose stored copy changed', async () => {
  const intact = await runQuell(['evidence', 'verify', workflowId, '--json'], cliEnv());
  expect({ code: intact.code, problems: intact.stderr.match(/^quell: .*/gm) }).toEqual({ code: 0, problems: null });
  const report = JSON.parse(intact.stdout) as { status: string; stores: Array<{ store: string; entries: number; artifacts: number }> };
  expect(report.status).toBe('intact');
  expect(report.stores).toEqual([
    expect.objectContaining({ store: 's3-object-lock', entries: 2, artifacts: 3 }),
    expect.objectContaining({ store: 'local', entries: 3, artifacts: 4 }),
  ]);
  const text = await runQuell(['evidence', 'verify', workflowId], cliEnv());
  expect(text.code).toBe(0);
  expect(text.stdout).toContain(`evidence of ${workflowId}: intact`);

  // Change one byte of the local copy of the nginx log (read-only: make it writable first).
  const target = outputOf('local-host-files').artifacts.find((artifact) => artifact.name.endsWith('nginx/access.log'))!;
  expect(fs.statSync(target.location).mode & 0o777).toBe(0o444);
  fs.chmodSync(target.location, 0o644);
  const bytes = fs.readFileSync(target.location);
  bytes[100] ^= 0x01;
  fs.writeFileSync(target.location, bytes);

  const broken = await runQuell(['evidence', 'verify', workflowId], cliEnv());
  expect(broken.code).toBe(1);
  expect(broken.stderr).toContain(`artifact ${target.name}`);
  expect(broken.stdout).toContain(`expected: ${target.sha256}`);
  expect(broken.stdout).toContain(`actual:   ${sha256(bytes)}`);

  const json = await runQuell(['evidence', 'verify', workflowId, '--json'], cliEnv());
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout).broken).toMatchObject({
    store: 'local',
    entry: outputOf('local-host-files').custody_index,
    stepId: 'local-host-files',
    artifact: target.name,
    kind: 'artifact-sha256',
    expected: target.sha256,
    actual: sha256(bytes),
  });
});
