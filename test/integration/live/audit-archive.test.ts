/**
 * `quell audit archive` against moto's S3 Object Lock: a live run that collected real evidence and
 * a tabletop run that was cancelled are archived as signed dossiers (JSON and HTML) with anchors,
 * locked in COMPLIANCE mode (a delete of any version is refused); a second pass skips both after
 * checking their heads; `quell audit verify --archived` passes on the copies in the bucket; and a
 * dossier cut short and re-signed with the same key fails against its anchor.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { buildLiveSetup } from '../../../activities/live-setup';
import { cancelRun, getRunState } from '../../../client/runs';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../connectors/aws/clients';
import { loadConnectorsText } from '../../../connectors/connectors-file';
import { buildChain } from '../../../reports/audit/chain';
import type { DossierDocument, EvidenceEntryData } from '../../../reports/audit/dossier-types';
import { generateSigningKey, signHead, writePrivateKeyFile } from '../../../reports/audit/signing';
import { runQuell, type CliEnvironment } from '../../support/cli';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { awsSectionLines, startMoto, type MotoServer } from '../../support/moto';
import { eventually } from '../../support/eventually';
import { waitForState } from '../../support/run-driver';
import { runLogger, testServer } from '../../support/temporal';

const BUCKET = 'quell-audit-archive';
const PREFIX = 'archive/';
const MINUTE = 60_000;
const LOG_GROUP = '/quell/archive';

let moto: MotoServer;
let aws: AwsClients;
let engine: TestEngine;
let work: string;
let liveRun: string;
let tabletopRun: string;
let privatePem: string;

function cliEnv(): CliEnvironment {
  const server = testServer();
  return {
    address: server.address,
    namespace: server.namespace,
    taskQueue: engine.taskQueue,
    dataDir: path.join(work, 'cli-data'),
    extra: { QUELL_CONNECTORS_FILE: path.join(work, 'connectors.yaml'), QUELL_AUDIT_SIGNING_KEY: path.join(work, 'signing.pem'), ...moto.env },
  };
}

async function objectBytes(key: string): Promise<Buffer> {
  const response = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

function runFolderKey(workflowId: string, runId: string): string {
  return `${PREFIX}audit/runs/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/`;
}

beforeAll(async () => {
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-audit-archive-'));
  const hostLogs = path.join(work, 'host-logs');
  fs.mkdirSync(hostLogs);
  fs.writeFileSync(path.join(hostLogs, 'auth.log'), 'Accepted publickey for deploy from 198.51.100.7\n');
  const yaml = [
    'version: 1',
    ...awsSectionLines(moto),
    'evidence:',
    '  stores:',
    `    s3-object-lock: { bucket: ${BUCKET}, mode: COMPLIANCE, retention_days: 1, prefix: ${PREFIX} }`,
    `    local: { dir: ${JSON.stringify(path.join(work, 'evidence'))} }`,
    '  sources:',
    `    cloudwatch-logs: { log_groups: [${LOG_GROUP}] }`,
    `    file: { paths: [${JSON.stringify(hostLogs)}] }`,
    '  default_store: local',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(work, 'connectors.yaml'), yaml);
  const loaded = loadConnectorsText(yaml, path.join(work, 'connectors.yaml'), { ...process.env, ...moto.env });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  aws = createAwsClients(loaded.config.aws!);
  await aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
  const key = generateSigningKey();
  privatePem = key.privateKeyPem;
  writePrivateKeyFile(path.join(work, 'signing.pem'), key.privateKeyPem);

  engine = await startTestEngine('audit-archive', {
    live: await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, 'worker-data') }),
    auditArchive: { dataDir: path.join(work, 'worker-data'), keyFiles: { signingKeyFile: path.join(work, 'signing.pem') } },
  });
  liveRun = await engine.start('test/fixtures/live/evidence-runbook.yaml', { key_id: 'AKIAARCHIVE000000000', host_logs: hostLogs }, { mode: 'live' });
  const ended = await waitForState(() => getRunState(engine.client, liveRun), (s) => s.status !== 'running', 90_000);
  expect({ status: ended.status, failure: ended.failure }).toEqual({ status: 'completed', failure: undefined });
  tabletopRun = await engine.start('test/fixtures/runbooks/compensation.yaml');
  await waitForState(() => getRunState(engine.client, tabletopRun), (s) => s.steps.some((step) => step.id === 'hold' && step.status === 'waiting'), 30_000);
  await cancelRun(engine.client, tabletopRun, { actor: 'rita', via: 'cli', reason: 'archived cancelled run' });
  await engine.client.workflow.getHandle(tabletopRun).result();
}, 180_000);

afterAll(async () => {
  await engine?.stop();
  if (aws) destroyAwsClients(aws);
  await moto?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('archives each closed run into Object Lock (COMPLIANCE, deletes refused), then skips them on the next pass', async () => {
  const first = await runQuell(['audit', 'archive', '--since', '1h', '--to', 's3-object-lock'], cliEnv());
  expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
  expect(first.stdout).toContain(`archived ${liveRun}`);
  expect(first.stdout).toContain(`archived ${tabletopRun}`);
  expect(first.stdout).toMatch(/: 2 archived, 0 already archived, 0 failed; pass anchor s3:\/\//);

  const liveRunId = (await engine.client.workflow.getHandle(liveRun).describe()).runId;
  const folder = runFolderKey(liveRun, liveRunId);
  const versions = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: folder }));
  expect(versions.Versions!.map((version) => version.Key!.slice(folder.length)).sort()).toEqual(['anchor.json', 'dossier.html', 'dossier.json']);
  for (const version of versions.Versions!) {
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: version.Key!, VersionId: version.VersionId! }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 23 * 60 * MINUTE);
    await expect(aws.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: version.Key!, VersionId: version.VersionId! }))).rejects.toMatchObject({ name: 'AccessDenied' });
  }
  expect((await aws.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${folder}dossier.html` }))).ContentType).toBe('text/html; charset=utf-8');
  // The live run's dossier lists the evidence it really collected, hashes included.
  const dossier = JSON.parse((await objectBytes(`${folder}dossier.json`)).toString('utf8')) as DossierDocument;
  const evidence = dossier.entries.filter((entry) => entry.kind === 'evidence').map((entry) => entry.data as EvidenceEntryData);
  expect(evidence.map((item) => [item.stepId, item.tabletop])).toEqual(expect.arrayContaining([['host-files', false], ['local-host-files', false], ['findings', false]]));
  const state = await getRunState(engine.client, liveRun);
  const hostFiles = state.steps.find((step) => step.id === 'host-files')!.output as { artifacts: Array<{ sha256: string }> };
  expect(evidence.find((item) => item.stepId === 'host-files')!.artifacts.map((a) => a.sha256)).toEqual(hostFiles.artifacts.map((a) => a.sha256));

  const second = await runQuell(['audit', 'archive', '--since', '1h', '--to', 's3-object-lock'], cliEnv());
  expect(second.code).toBe(0);
  expect(second.stdout).toContain(`already archived ${liveRun}`);
  expect(second.stdout).toMatch(/: 0 archived, 2 already archived, 0 failed$/m);
  const after = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: `${PREFIX}audit/` }));
  expect(after.Versions!.length).toBe(versions.Versions!.length * 2 + 1);
});

test('quell audit verify passes on the archived copy; a copy cut short and re-signed fails against its anchor', async () => {
  const verified = await runQuell(['audit', 'verify', liveRun, '--archived', '--from', 's3-object-lock'], cliEnv());
  expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
  expect(verified.stdout).toContain('chain: intact');
  expect(verified.stdout).toContain('signature: valid');
  expect(verified.stdout).toMatch(/anchor: ok \(matches the anchor written .*, byte for byte the archived file\)/);

  const folder = runFolderKey(tabletopRun, (await engine.client.workflow.getHandle(tabletopRun).describe()).runId);
  const stored = JSON.parse((await objectBytes(`${folder}dossier.json`)).toString('utf8')) as DossierDocument;
  fs.writeFileSync(path.join(work, 'anchor.json'), await objectBytes(`${folder}anchor.json`));
  // Someone with the key drops the last two entries (outcome aside) and seals a new, valid chain.
  const kept = stored.entries.slice(0, -2).map(({ kind, data }) => ({ kind, data }));
  const chain = buildChain(kept, { historyEventCount: stored.head.historyEventCount, lastEventId: stored.head.lastEventId });
  const forged: DossierDocument = { ...stored, entries: chain.entries, head: chain.head, signature: signHead(chain.head, privatePem) };
  fs.writeFileSync(path.join(work, 'forged.json'), JSON.stringify(forged));
  const alone = await runQuell(['audit', 'verify', path.join(work, 'forged.json')], cliEnv());
  expect(alone.code).toBe(0);
  const anchored = await runQuell(['audit', 'verify', path.join(work, 'forged.json'), '--anchor', path.join(work, 'anchor.json')], cliEnv());
  expect(anchored.code).not.toBe(0);
  expect(anchored.stdout).toContain(`anchor: FAILED (the dossier's head ${chain.head.headSha256.slice(0, 16)}… is not the anchored head ${stored.head.headSha256.slice(0, 16)}…: the dossier has ${kept.length} entries, the anchor ${stored.entries.length} (entries were cut off))`);
});

test('a Temporal Schedule runs the same archive in the worker, into the local store', async () => {
  const set = await runQuell(['audit', 'archive-schedule', 'set', '--every', '1h', '--window', '2h', '--to', 'local'], cliEnv());
  expect({ code: set.code, stderr: set.stderr }).toEqual({ code: 0, stderr: '' });
  expect(set.stdout).toContain(`archive schedule quell-audit-archive:${engine.taskQueue}: every 60m, each pass looks back 120m, into local`);
  const handle = engine.client.schedule.getHandle(`quell-audit-archive:${engine.taskQueue}`);
  try {
    await handle.trigger();
    const passId = await eventually('the triggered pass', async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId);
    const pass = engine.client.workflow.getHandle(passId);
    const result = (await pass.result()) as { archived: number; skipped: number; failedCount: number; store: string };
    expect(result).toMatchObject({ archived: 2, skipped: 0, failedCount: 0 });
    expect(result.store).toBe(path.join(work, 'evidence'));
    const verified = await runQuell(['audit', 'verify', tabletopRun, '--archived', '--from', 'local'], cliEnv());
    expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
    expect(verified.stdout).toContain('anchor: ok');
    const shown = await runQuell(['audit', 'archive-schedule', 'show'], cliEnv());
    expect(shown.stdout).toMatch(/recent passes: \d{4}-/);
  } finally {
    await runQuell(['audit', 'archive-schedule', 'delete'], cliEnv());
  }
});
