/**
 * The AWS evidence sources added beside CloudTrail and CloudWatch Logs, through the live
 * evidence.collect action as a worker builds it: the IAM credential report from moto_server, and
 * GuardDuty findings from a loopback stub of its REST-JSON API (test/support/guardduty-stub.ts;
 * moto has no findings). Also the absolute start of a window (`since`), honoured by CloudTrail and
 * GuardDuty and refused, naming the field, when it cannot be used.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import type { LiveAction } from '../../../activities/action-performer';
import { FileEffectJournal } from '../../../activities/effects/file-journal';
import { parseInstant } from '../../../activities/evidence/collection-window';
import { runFolder } from '../../../activities/evidence/custody/layout';
import { readCustodyLog } from '../../../activities/evidence/custody/log';
import { openEvidenceStores, type OpenedEvidenceStores } from '../../../activities/evidence/open-stores';
import { TabletopSimulator } from '../../../activities/tabletop/simulator';
import { EvidenceCollectWith } from '../../../common/actions';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../connectors/aws/clients';
import type { Connector } from '../../../connectors/connector';
import { loadConnectorsText } from '../../../connectors/connectors-file';
import type { EvidenceStore } from '../../../connectors/evidence-roles';
import { GUARDDUTY_CONNECTOR } from '../../../connectors/guardduty/connector-id';
import { IAM_CREDENTIAL_REPORT_CONNECTOR } from '../../../connectors/iam-credential-report/connector-id';
import { rowsOfPrincipal } from '../../../connectors/iam-credential-report/report-rows';
import { actionWithSchema } from '../../../connectors/with-schemas';
import { loadRunbookText } from '../../../runbooks/load';
import { startCloudTrailStub, type CloudTrailStub } from '../../support/cloudtrail-stub';
import { buildEvidenceSetup } from '../../support/evidence-setup';
import { startGuardDutyStub, type GuardDutyStub, type StubFinding } from '../../support/guardduty-stub';
import { awsSectionLines, startMoto, type MotoServer } from '../../support/moto';

const MINUTE = 60_000;
const DETECTOR = 'det-quell-1';

let moto: MotoServer;
let trail: CloudTrailStub;
let guardduty: GuardDutyStub;
let work: string;
let evidenceDir: string;
let aws: AwsClients;
let action: LiveAction;
let local: EvidenceStore;
let closeSetup: () => void;
let connectors: ReadonlyMap<string, Connector>;
let opened: OpenedEvidenceStores;
let runs = 0;

interface Collected {
  source: string;
  window: { start: string; end: string } | null;
  artifacts: Array<{ name: string; sha256: string; size: number; location: string; records?: number }>;
}

beforeAll(async () => {
  [moto, trail, guardduty] = await Promise.all([startMoto(), startCloudTrailStub(), startGuardDutyStub()]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-evidence-aws-'));
  evidenceDir = path.join(work, 'evidence');
  const yaml = [
    'version: 1',
    ...awsSectionLines(moto),
    'evidence:',
    '  stores:',
    `    local: { dir: ${JSON.stringify(evidenceDir)} }`,
    '  sources:',
    '    cloudtrail: {}',
    '    iam-credential-report: {}',
    '    guardduty: {}',
    '  default_store: local',
    '',
  ].join('\n');
  const loaded = loadConnectorsText(yaml, path.join(work, 'connectors.yaml'), { ...process.env, ...moto.env });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  aws = createAwsClients(loaded.config.aws!);
  const dataDir = path.join(work, 'worker-data');
  const built = await buildEvidenceSetup(loaded.config, { dataDir, cloudtrailEndpoint: trail.endpoint, endpoints: { [GUARDDUTY_CONNECTOR]: guardduty.endpoint } });
  action = built.action;
  closeSetup = built.close;
  connectors = built.setup.connectors;
  opened = await openEvidenceStores(loaded.config, dataDir);
  local = opened.stores.find((store) => store.kind === 'local')!;

  await aws.iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await aws.iam.send(new CreateUserCommand({ UserName: 'bob' }));
  await aws.iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
});

afterAll(async () => {
  if (aws) destroyAwsClients(aws);
  closeSetup?.();
  opened?.close();
  await Promise.all([moto?.stop(), trail?.stop(), guardduty?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function newRun(): string {
  runs += 1;
  return `quell:evidence-aws:INC-${runs}`;
}

function contextFor(workflowId: string, idempotencyKey: string): ActionContext {
  return { workflowId, runId: 'run-1', stepId: 'collect', mode: 'live', idempotencyKey, heartbeat: () => undefined };
}

/** Validates like the activity does, then calls the action. */
function collect(params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
  return action.perform('evidence.collect', EvidenceCollectWith.parse(params) as Record<string, unknown>, context);
}

async function collected(params: Record<string, unknown>, context: ActionContext): Promise<Collected> {
  return (await collect(params, context)).output as unknown as Collected;
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `at` written with a +02:00 offset, whole seconds (what an input such as first_seen looks like). */
function withPlusTwo(at: number): string {
  const shifted = new Date(at + 2 * 60 * MINUTE).toISOString().slice(0, 19);
  return `${shifted}+02:00`;
}

function finding(id: string, userName: string, updatedAt: number): StubFinding {
  return {
    id,
    accountId: '123456789012',
    arn: `arn:aws:guardduty:us-east-1:123456789012:detector/${DETECTOR}/finding/${id}`,
    region: 'us-east-1',
    schemaVersion: '2.0',
    type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
    title: `Credentials of ${userName} used from outside AWS`,
    severity: 8,
    createdAt: new Date(updatedAt - 5 * MINUTE).toISOString(),
    updatedAt: new Date(updatedAt).toISOString(),
    resource: { resourceType: 'AccessKey', accessKeyDetails: { userName, accessKeyId: `AKIA${userName.toUpperCase()}` } },
    service: { count: 1, archived: false },
  };
}

describe('iam-credential-report', () => {
  test('the whole report is stored byte for byte, with its SHA-256 in the custody entry', async () => {
    const workflowId = newRun();
    const output = await collected({ source: 'iam-credential-report' }, contextFor(workflowId, 'cr-1'));

    const [artifact] = output.artifacts;
    expect(artifact.name).toBe('iam-credential-report/credential-report.csv');
    const stored = fs.readFileSync(artifact.location);
    const report = Buffer.from((await aws.iam.send(new GetCredentialReportCommand({}))).Content!);
    expect(stored.equals(report)).toBe(true);
    const text = stored.toString('utf8');
    expect(text.split('\n')[0]).toMatch(/^user,arn,user_creation_time,/);
    expect(text.trimEnd().split('\n').slice(1).map((line) => line.split(',')[0]).sort()).toEqual(['alice', 'bob']);
    expect(artifact).toMatchObject({ sha256: sha256(stored), size: stored.length, records: 2 });

    const custody = await readCustodyLog(local, runFolder(workflowId));
    expect(custody).toHaveLength(1);
    expect(custody[0].entry).toMatchObject({
      idempotency_key: 'cr-1',
      source: 'iam-credential-report',
      window: null,
      artifacts: [{ name: artifact.name, sha256: sha256(report), size: report.length, media_type: 'text/csv', records: 2 }],
    });
  });

  test('with a principal only the header and that user\'s row are kept', async () => {
    const output = await collected({ source: 'iam-credential-report', principal: 'alice' }, contextFor(newRun(), 'cr-alice'));

    const [artifact] = output.artifacts;
    const report = Buffer.from((await aws.iam.send(new GetCredentialReportCommand({}))).Content!).toString('utf8');
    const [header, ...rows] = report.split('\n');
    const aliceRow = rows.find((row) => row.startsWith('alice,'))!;
    expect(aliceRow).toMatch(/^alice,arn:aws:iam::\d+:user\/alice,/);
    expect(fs.readFileSync(artifact.location, 'utf8')).toBe(`${header}\n${aliceRow}${report.endsWith('\n') ? '\n' : ''}`);
    expect(artifact.records).toBe(1);
  });

  test('a query is refused before the run and when the step runs, and nothing is stored', async () => {
    expect(action.needs('evidence.collect', { source: 'iam-credential-report', query: 'alice' }).problems).toEqual([
      expect.stringMatching(/^iam-credential-report: query "alice" cannot be used/),
    ]);
    const workflowId = newRun();
    await expect(collect({ source: 'iam-credential-report', query: 'alice' }, contextFor(workflowId, 'cr-query'))).rejects.toMatchObject({
      type: 'QuellInvalidInput',
      nonRetryable: true,
    });
    expect(fs.existsSync(path.join(evidenceDir, runFolder(workflowId)))).toBe(false);
  });
});

describe('guardduty', () => {
  test('findings updated in the window are fetched page after page, the window sent in the criteria', async () => {
    const now = Date.now();
    const inWindow = Array.from({ length: 120 }, (_, i) => finding(`alice-${String(i).padStart(3, '0')}`, 'alice', now - 100 * MINUTE + i * 30_000));
    guardduty.addFindings(DETECTOR, [
      ...inWindow,
      finding('alice-too-old', 'alice', now - 3 * 60 * MINUTE),
      ...Array.from({ length: 10 }, (_, i) => finding(`bob-${i}`, 'bob', now - 30 * MINUTE)),
    ]);
    const before = guardduty.requests.length;

    const workflowId = newRun();
    const output = await collected({ source: 'guardduty', principal: 'alice', window: '2h' }, contextFor(workflowId, 'gd-1'));

    const [artifact] = output.artifacts;
    expect(artifact).toMatchObject({ name: `guardduty/${DETECTOR}.ndjson`, records: 120 });
    const lines = fs
      .readFileSync(artifact.location, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { detector_id: string; finding_id: string; user_name: string; finding: { Id: string; Severity: number } });
    expect(lines.map((line) => line.finding_id)).toEqual(inWindow.map((f) => f.id));
    expect(lines.every((line) => line.detector_id === DETECTOR && line.user_name === 'alice' && line.finding.Severity === 8)).toBe(true);

    const asked = guardduty.requests.slice(before);
    const lists = asked.filter((request) => request.operation === 'ListFindings');
    const gets = asked.filter((request) => request.operation === 'GetFindings');
    expect(gets.map((request) => request.input.findingIds!.length)).toEqual([50, 50, 20]);
    expect(lists.length).toBeGreaterThanOrEqual(3);
    const window = output.window!;
    for (const request of lists) {
      expect(request.input.maxResults).toBeLessThanOrEqual(50);
      expect(request.input.findingCriteria!.criterion).toEqual({
        updatedAt: { greaterThanOrEqual: Date.parse(window.start), lessThanOrEqual: Date.parse(window.end) },
        'resource.accessKeyDetails.userName': { equals: ['alice'] },
      });
    }
    expect(Date.parse(window.end) - Date.parse(window.start)).toBe(120 * MINUTE);
    const [entry] = await readCustodyLog(local, runFolder(workflowId));
    expect(entry.entry).toMatchObject({ source: 'guardduty', principal: 'alice', window, artifacts: [{ sha256: sha256(fs.readFileSync(artifact.location)), records: 120 }] });
  });

  test('quell doctor\'s probes read without changing anything and name what they found', async () => {
    const before = guardduty.requests.length;
    expect(await connectors.get(GUARDDUTY_CONNECTOR)!.check()).toEqual([{ name: 'detectors', ok: true, detail: `detector ${DETECTOR} in us-east-1` }]);
    expect(guardduty.requests.slice(before).map((request) => request.operation)).toEqual(['ListDetectors']);
    expect(await connectors.get(IAM_CREDENTIAL_REPORT_CONNECTOR)!.check()).toEqual([expect.objectContaining({ name: 'credential-report', ok: true })]);
  });

  test('the permission probes ask about exactly the read-only calls each source makes', async () => {
    const question = { action: 'evidence.collect' as const, params: {} };
    const asked = async (id: string) => (await connectors.get(id)!.permissionProbe!(question)).map(({ permission, target }) => `${permission} on ${target}`);
    expect(await asked(GUARDDUTY_CONNECTOR)).toEqual([
      'guardduty:ListDetectors on GuardDuty detectors',
      'guardduty:ListFindings on GuardDuty findings in us-east-1',
      'guardduty:GetFindings on GuardDuty findings in us-east-1',
    ]);
    expect(await asked(IAM_CREDENTIAL_REPORT_CONNECTOR)).toEqual([
      'iam:GenerateCredentialReport on the account credential report',
      'iam:GetCredentialReport on the account credential report',
    ]);
  });
});

describe('since: an absolute start of the window', () => {
  test('cloudtrail looks events up from since until now', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000;
    const since = withPlusTwo(now - 90 * MINUTE);
    trail.addEvents([
      { EventId: 'carol-before', EventName: 'ListBuckets', EventTime: new Date(now - 100 * MINUTE), Username: 'carol' },
      { EventId: 'carol-after-1', EventName: 'GetObject', EventTime: new Date(now - 80 * MINUTE), Username: 'carol' },
      { EventId: 'carol-after-2', EventName: 'PutObject', EventTime: new Date(now - 5 * MINUTE), Username: 'carol' },
    ]);
    const before = trail.requests.length;

    const output = await collected({ source: 'cloudtrail', principal: 'carol', since }, contextFor(newRun(), 'ct-since'));

    expect(output.window!.start).toBe(new Date(now - 90 * MINUTE).toISOString());
    const [request] = trail.requests.slice(before);
    expect(request.StartTime! * 1000).toBe(now - 90 * MINUTE);
    const lines = fs.readFileSync(output.artifacts[0].location, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { event_id: string }).event_id);
    expect(lines).toEqual(['carol-after-2', 'carol-after-1']);
  });

  test('guardduty asks for findings updated since then', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000;
    const since = withPlusTwo(now - 90 * MINUTE);
    guardduty.addFindings(DETECTOR, [finding('dave-before', 'dave', now - 100 * MINUTE), finding('dave-after', 'dave', now - 60 * MINUTE)]);
    const before = guardduty.requests.length;

    const output = await collected({ source: 'guardduty', principal: 'dave', since }, contextFor(newRun(), 'gd-since'));

    expect(output.window!.start).toBe(new Date(now - 90 * MINUTE).toISOString());
    const list = guardduty.requests.slice(before).find((request) => request.operation === 'ListFindings')!;
    expect(list.input.findingCriteria!.criterion!.updatedAt.greaterThanOrEqual).toBe(now - 90 * MINUTE);
    const ids = fs.readFileSync(output.artifacts[0].location, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { finding_id: string }).finding_id);
    expect(ids).toEqual(['dave-after']);
  });

  test.each([
    ['in the future', () => withPlusTwo(Date.now() + 60 * MINUTE), /^since: ".+" is in the future/],
    ['unparsable', () => 'yesterday', /^since: "yesterday" is not an ISO 8601 time with a UTC offset/],
    ['without an offset', () => '2026-01-01T00:00:00', /^since: ".+" has no UTC offset/],
    ['not a real date', () => '2026-02-30T00:00:00Z', /^since: ".+" is not a real date and time/],
    ['years back', () => '2016-03-01T00:00:00Z', /^since: ".+" is too long ago: a window may span at most/],
  ])('a since %s is refused before the run and when the step runs, naming since', async (_what, since, message) => {
    const params = { source: 'guardduty', since: since() };
    expect(action.needs('evidence.collect', params).problems).toEqual([expect.stringMatching(message)]);
    const before = guardduty.requests.length;
    const workflowId = newRun();
    const failure = (await collect(params, contextFor(workflowId, 'bad-since')).catch((error: unknown) => error)) as Error;
    expect(failure).toMatchObject({ type: 'QuellInvalidInput', nonRetryable: true });
    expect(failure.message).toMatch(/since: /);
    expect(guardduty.requests.length).toBe(before);
    expect(fs.existsSync(path.join(evidenceDir, runFolder(workflowId)))).toBe(false);
  });

  test('since and window together are refused, naming since', async () => {
    const params = { source: 'cloudtrail', since: withPlusTwo(Date.now() - 60 * MINUTE), window: '1h' };
    expect(action.needs('evidence.collect', params).problems).toEqual([expect.stringMatching(/^since: give either since .* or window .*, not both/)]);
    const before = trail.requests.length;
    await expect(collect(params, contextFor(newRun(), 'both'))).rejects.toMatchObject({ type: 'QuellInvalidInput', message: expect.stringContaining('since: give either since') });
    expect(trail.requests.length).toBe(before);
  });

  test('the linter refuses since and window together at since, and takes a templated since alone', () => {
    const runbook = (withBlock: string) =>
      `id: sample\nversion: 1\ntitle: Sample\nseverity: low\ninputs:\n  first_seen: { type: string }\nsteps:\n  - id: c\n    action: evidence.collect\n    with: ${withBlock}\n`;
    const both = loadRunbookText(runbook('{ source: guardduty, since: "${{ inputs.first_seen }}", window: 1h }'), 'sample.yaml');
    expect(both.ok ? [] : both.errors.map((error) => `${error.line}:${error.col}: ${error.message}`)).toEqual([
      expect.stringMatching(/^10:\d+: give either since \(a start time, up to now\) or window \(a duration back from now\), not both$/),
    ]);
    const alone = loadRunbookText(runbook('{ source: guardduty, since: "${{ inputs.first_seen }}" }'), 'sample.yaml');
    expect(alone.ok ? [] : alone.errors.map((error) => error.message)).toEqual([]);
  });
});

describe('what the sources compute without a server', () => {
  test('since reads offsets, fractions and leap days exactly, and refuses times that do not exist', () => {
    expect(parseInstant('2026-03-01T09:30:00Z')).toEqual({ ok: true, ms: Date.UTC(2026, 2, 1, 9, 30) });
    expect(parseInstant('2026-03-01T04:00:00.250-05:30')).toEqual({ ok: true, ms: Date.UTC(2026, 2, 1, 9, 30, 0, 250) });
    expect(parseInstant('2024-02-29T23:59Z')).toEqual({ ok: true, ms: Date.UTC(2024, 1, 29, 23, 59) });
    for (const impossible of ['2023-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-03-01T24:00:00Z', '2026-03-01T10:00:00+24:00', '2026-13-01T00:00:00Z']) {
      expect(parseInstant(impossible)).toMatchObject({ ok: false, message: expect.stringContaining('is not a real date and time') });
    }
  });

  test('the credential report keeps a principal\'s row by user name or ARN, quoted names included', () => {
    const report = 'user,arn,mfa_active\n"ops,admin",arn:aws:iam::1:user/ops-admin,true\nalice,arn:aws:iam::1:user/alice,false\n';
    expect(rowsOfPrincipal(report, 'ops,admin')).toEqual({ text: 'user,arn,mfa_active\n"ops,admin",arn:aws:iam::1:user/ops-admin,true\n', rows: 1 });
    expect(rowsOfPrincipal(report, 'arn:aws:iam::1:user/alice')).toEqual({ text: 'user,arn,mfa_active\nalice,arn:aws:iam::1:user/alice,false\n', rows: 1 });
    expect(rowsOfPrincipal(report, 'ops')).toEqual({ text: 'user,arn,mfa_active\n', rows: 0 });
  });
});

describe('tabletop', () => {
  test.each(['iam-credential-report', 'guardduty'])('%s is a source the linter accepts and a drill simulates without calling AWS', async (source) => {
    const since = withPlusTwo(Date.now() - 30 * MINUTE);
    const params = actionWithSchema('evidence.collect').parse({ source, principal: 'alice', since }) as Record<string, unknown>;
    const asked = guardduty.requests.length + trail.requests.length;
    const simulator = new TabletopSimulator(new FileEffectJournal(path.join(work, `tabletop-${source}.jsonl`)));

    const outcome = await simulator.perform('evidence.collect', params, { ...contextFor(newRun(), `tt-${source}`), mode: 'tabletop' });

    expect(outcome.output).toMatchObject({ simulated: true, source, would_do: [expect.stringContaining(`${source} records (principal alice) from ${since} until now`)] });
    expect(guardduty.requests.length + trail.requests.length).toBe(asked);
    expect(actionWithSchema('evidence.collect').safeParse({ source: 'guard-duty' }).success).toBe(false);
  });
});
