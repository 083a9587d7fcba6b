/**
 * The evidence.collect action against real loopback endpoints, for the
 * test/integration/live/evidence-collection-*.test.ts files: moto (S3 Object Lock, CloudWatch
 * Logs), a CloudTrail LookupEvents stub, an HTTP evidence endpoint, and files on disk (an allowed
 * folder, a folder outside it, and a symbolic link leading out).
 *
 * `useEvidenceCollectionRig()` starts all of it before the calling test file's tests and stops it
 * after them; the exported values are set in between (read them inside tests only). Jest loads
 * this module once per test file, so each file has its own endpoints, folders and run ids.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateLogGroupCommand, CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../connectors/aws/clients';
import { runFolder } from '../../activities/evidence/custody/layout';
import { openEvidenceStores, type OpenedEvidenceStores } from '../../activities/evidence/open-stores';
import type { EvidenceStore } from '../../connectors/evidence-roles';
import { loadConnectorsText, type ConnectorsConfig } from '../../connectors/connectors-file';
import type { Connector } from '../../connectors/connector';
import type { LiveAction } from '../../activities/action-performer';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import { EvidenceCollectWith } from '../../common/actions';
import { startCloudTrailStub, type CloudTrailStub } from './cloudtrail-stub';
import { buildEvidenceSetup } from './evidence-setup';
import { awsSectionLines, startMoto, type MotoServer } from './moto';
import { plantSecret } from './planted-secrets';

export const BUCKET = 'quell-evidence-collection';
export const UNLOCKED_BUCKET = 'quell-evidence-unlocked';
export const LOG_GROUP = '/quell/collection';
export const HTTP_TOKEN = plantSecret('evidence-endpoint-token-4b1d', 'evidence endpoint token');
export const MINUTE = 60_000;

let moto: MotoServer;
export let trail: CloudTrailStub;
export let http: { server: Server; url: string; requests: Array<{ url: URL; headers: IncomingHttpHeaders }>; expectedToken: string; body: string };
export let work: string;
let evidenceDir: string;
export let allowed: string;
export let outside: string;
export let aws: AwsClients;
let config: ConnectorsConfig;
export let collectAction: LiveAction;
export let connectors: Map<string, Connector>;
export let stores: Map<string, EvidenceStore>;
let opened: OpenedEvidenceStores;
let closeSetup: () => void;
let runCounter = 0;

export interface Collected {
  source: string;
  store: string;
  custody_index: number;
  custody_head: string;
  window: { start: string; end: string } | null;
  artifacts: Array<{ name: string; sha256: string; size: number; location: string; records?: number }>;
}

export function newRun(): string {
  runCounter += 1;
  return `quell:evidence-collection:INC-${runCounter}`;
}

export function contextFor(workflowId: string, idempotencyKey: string, stepId = 'collect'): ActionContext & { beats: unknown[] } {
  const beats: unknown[] = [];
  return { workflowId, runId: 'run-1', stepId, mode: 'live', idempotencyKey, heartbeat: (details) => beats.push(details), beats };
}

/** Validates like the activity does, then calls the action. */
export function collect(params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
  return collectAction.perform('evidence.collect', EvidenceCollectWith.parse(params) as Record<string, unknown>, context);
}

export async function collected(params: Record<string, unknown>, context: ActionContext): Promise<Collected> {
  return (await collect(params, context)).output as unknown as Collected;
}

export function connectorsYaml(options: { bucket?: string; logGroup?: string; filePaths?: string[]; httpUrl?: string } = {}): string {
  return [
    'version: 1',
    ...awsSectionLines(moto),
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

export function loadConfig(yaml: string): ConnectorsConfig {
  const file = path.join(work, `connectors-${Math.random().toString(16).slice(2)}.yaml`);
  const loaded = loadConnectorsText(yaml, file, { ...process.env, ...moto.env, EVIDENCE_HTTP_TOKEN: HTTP_TOKEN });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

/** The action as a worker builds it, with CloudTrail pointed at the stub (moto lacks LookupEvents). */
export function buildEvidence(cfg: ConnectorsConfig) {
  return buildEvidenceSetup(cfg, { dataDir: path.join(work, 'worker-data'), cloudtrailEndpoint: trail.endpoint });
}

export async function probe(id: string, cfg = config): Promise<Array<{ name: string; ok: boolean; detail: string }>> {
  const built = await buildEvidence(cfg);
  try {
    const connector = built.setup.connectors.get(id);
    if (!connector) throw new Error(`no connector ${id}`);
    return await connector.check();
  } finally {
    built.close();
  }
}

export function readLocal(location: string): string {
  return fs.readFileSync(location, 'utf8');
}

export function localRunDir(workflowId: string): string {
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

/** Starts the endpoints and builds the action before the calling test file's tests; stops them after. */
export function useEvidenceCollectionRig(): void {
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

    const built = await buildEvidence(config);
    collectAction = built.action;
    connectors = new Map(built.setup.connectors);
    closeSetup = built.close;
    opened = await openEvidenceStores(config, path.join(work, 'worker-data'));
    stores = new Map(opened.stores.map((store) => [store.kind, store]));
  });

  afterAll(async () => {
    if (aws) destroyAwsClients(aws);
    closeSetup?.();
    opened?.close();
    await Promise.all([moto?.stop(), trail?.stop(), new Promise((resolve) => http?.server.close(resolve))]);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });
}
