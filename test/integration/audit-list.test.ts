/**
 * Finding runs (issue 14): live and tabletop runs of the three shipped runbooks and one drill, some
 * completed, rejected or cancelled, then `quell audit list` (the real CLI) and the client function
 * must return exactly the expected runs for every filter, closed runs included; JSON and CSV parse
 * back, and paging with a small page size returns every run once, in order. `quell list` puts
 * open runs first and pages with Temporal's own token.
 *
 * Live runs use a connectors file naming real local servers for every section the runbooks need
 * (moto for IAM, EC2, S3 Object Lock and CloudWatch Logs, the CloudTrail LookupEvents stub, nftables
 * in a throw-away network namespace, a fake Slack Web API, SCIM, SMTP): each live run passes the
 * connectors' readiness probes before its first step. The live offboarding then runs to its end
 * against SCIM (deprovisioning, sessions, the access report; its closing e-mail names no recipient
 * and is refused, so it ends failed); the live credential-compromise and vendor-breach runs are closed before
 * their actions (rejected at the containment gate, cancelled while scoping), since what this test
 * needs of them is their mode, their people and how they ended, and the actions themselves are
 * the subject of the live connector tests.
 *
 * Expected sets are computed from what the test did and from Temporal's own record of each run
 * (describe), never copied from the listing. The worker's task queue is unique to this file and
 * every incident id carries a unique prefix, so other suites' runs on the shared server cannot leak in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { buildLiveSetup } from '../../activities/live-setup';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../connectors/aws/clients';
import { CLOUDTRAIL_CONNECTOR } from '../../connectors/cloudtrail/connector-id';
import type { ConnectorDefinition } from '../../connectors/definition';
import { CONNECTORS } from '../../connectors/registry';
import { listRunsNewestFirst, type ListRunsFilter, type RunSummary } from '../../client/list-runs';
import { startDrill } from '../../client/drills';
import { answerDecision, cancelRun, completeManual, decideApproval, getRunState } from '../../client/runs';
import { drillRunWorkflowId } from '../../common/drill-state';
import type { RunState, RunStatus } from '../../common/run-state';
import { loadApproversText } from '../../config/approvers-file';
import { loadConnectorsFile } from '../../connectors/connectors-file';
import { runbookControls } from '../../runbooks/controls';
import { formatRunbookError } from '../../runbooks/load';
import { loadScenarioFile } from '../../runbooks/scenarios/load';
import type { Runbook } from '../../runbooks/schema';
import { quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { clientResponder } from '../support/client-responder';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { driveToEnd, waitForState } from '../support/run-driver';
import { loadTestRunbook, REPO } from '../support/runbooks';
import { startScimServer, type ScimTestServer, type ScimUser } from '../support/scim-server';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';
import { awsSectionLines, startMoto, type MotoServer } from '../support/moto';
import { createNetworkLab, type NetworkLab } from '../support/netns';
import { plantSecret } from '../support/planted-secrets';
import { startCloudTrailStub, type CloudTrailStub } from '../support/cloudtrail-stub';
import { runLogger, testServer } from '../support/temporal';

jest.setTimeout(480_000);

const RUNBOOKS = ['credential-compromise', 'offboarding', 'vendor-breach'] as const;
type RunbookId = (typeof RUNBOOKS)[number];
const PREFIX = `AUDL${Date.now().toString(36)}`;
const FINAL = ['completed', 'failed', 'rejected', 'cancelled'];
const PERSON = 'leaver@example.com';
const SLACK_TOKEN = plantSecret('xoxb-audit-list-test-token-0123456789', 'slack bot token');
const INCIDENT_CHANNEL = { id: 'C0AUDITLST', name: 'incident-response' };

/** What the test knows about each run it made. */
interface Made {
  workflowId: string;
  runbook: RunbookId;
  incident: string;
  mode: 'live' | 'tabletop' | 'drill';
  requester: string;
  approvers: string[];
  status: string;
  startedAt: number;
  closedAt?: number;
}

let scim: ScimTestServer;
let sink: SmtpSink;
let moto: MotoServer;
let slack: FakeSlackApi;
let lab: NetworkLab;
let trail: CloudTrailStub;
let leaver: ScimUser;
let aws: AwsClients;
let work: string;
let engine: TestEngine;
let env: CliEnvironment;
const runbooks = new Map<RunbookId, Runbook>();
const made: Made[] = [];
/** Between the first batch of runs (started and closed before it) and the second. */
let pivot: Date;

async function start(runbook: RunbookId, mode: 'live' | 'tabletop', requester: string, inputs: Record<string, unknown>): Promise<Made> {
  const incident = `${PREFIX}-${made.length + 1}`;
  const workflowId = await engine.start(`runbooks/${runbook}.yaml`, inputs, { mode, requester, incident });
  const run: Made = { workflowId, runbook, incident, mode, requester, approvers: [], status: 'running', startedAt: 0 };
  made.push(run);
  return run;
}

const waiting = (id: string) => (state: RunState) => state.steps.some((step) => step.id === id && step.status === 'waiting' && (!step.approval || step.approval.policy !== undefined));

async function waitFor(run: Made, stepId: string): Promise<RunState> {
  return waitForState(() => getRunState(engine.client, run.workflowId), waiting(stepId), 60_000);
}

async function reject(run: Made, stepId: string, actor: string): Promise<void> {
  const state = await waitFor(run, stepId);
  const gate = state.steps.find((step) => step.id === stepId)!.approval!;
  await decideApproval(engine.client, run.workflowId, { stepId, actor, decision: 'reject', via: 'api', reason: 'not this way', summarySha256: gate.summarySha256 });
  run.approvers.push(actor);
}

async function answer(run: Made, stepId: string, option: string, actor: string): Promise<void> {
  const state = await waitForState(() => getRunState(engine.client, run.workflowId), (s) => s.steps.some((step) => step.id === stepId && step.status === 'waiting' && step.decision?.policy !== undefined), 60_000);
  const gate = state.steps.find((step) => step.id === stepId)!.decision!;
  await answerDecision(engine.client, run.workflowId, { stepId, actor, option, via: 'api', questionSha256: gate.questionSha256 });
  // Whoever answers a decision decided in the run, as an approver did: --approver finds it.
  run.approvers.push(actor);
}

async function drive(run: Made, approvers: string[]): Promise<void> {
  const state = await driveToEnd(clientResponder(engine.client), run.workflowId, { approvers, operator: 'olga.ops', timeoutMs: 120_000 });
  for (const step of state.steps) for (const decision of [...(step.approval?.decisions ?? []), ...(step.decision?.decisions ?? [])]) run.approvers.push(decision.person ?? decision.actor);
}

/** Status and times as Temporal itself records them (not through visibility). */
async function settle(run: Made): Promise<void> {
  const state = await getRunState(engine.client, run.workflowId);
  run.status = state.status;
  const described = await engine.client.workflow.getHandle(run.workflowId).describe();
  run.startedAt = described.startTime.getTime();
  if (described.closeTime) run.closedAt = described.closeTime.getTime();
}

/** The connector registry with CloudTrail's AWS clients pointed at the LookupEvents stub (moto has none). */
function withCloudTrailAt(endpoint: string): ConnectorDefinition[] {
  return CONNECTORS.map((definition) =>
    definition.id !== CLOUDTRAIL_CONNECTOR
      ? definition
      : {
          ...definition,
          live: async () => {
            const module = await definition.live();
            return {
              build: (settings, shared) =>
                module.build(settings, {
                  ...shared,
                  settingsAt: (at) => (at.join('.') === 'aws' ? { ...(shared.settingsAt(at) as object), endpoint } : shared.settingsAt(at)),
                  shared: <T>(key: string, make: () => T): T => shared.shared(`${key}@${endpoint}`, make),
                }),
            };
          },
        },
  );
}

const ids = (runs: Made[]) => runs.map((run) => run.workflowId).sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  [scim, sink, moto, slack, lab, trail] = await Promise.all([
    startScimServer(),
    startSmtpSink(),
    startMoto(),
    startFakeSlackApi({ token: SLACK_TOKEN, channels: [INCIDENT_CHANNEL] }),
    createNetworkLab(),
    startCloudTrailStub(),
  ]);
  leaver = await scim.createUser(PERSON, { emails: [PERSON] });
  const netns = await lab.addNamespace('egress');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-audit-list-'));
  const connectors = path.join(work, 'connectors.yaml');
  // Every section the three runbooks need live, each naming a server running now.
  fs.writeFileSync(
    connectors,
    [
      'version: 1',
      'slack:',
      '  bot_token: { env: AUDIT_LIST_SLACK_TOKEN }',
      `  channel: ${INCIDENT_CHANNEL.id}`,
      `  api_url: ${slack.apiUrl}`,
      ...awsSectionLines(moto),
      'nftables:',
      '  table: quell_audit_list',
      `  netns: ${netns}`,
      'evidence:',
      '  stores:',
      '    s3-object-lock: { bucket: quell-audit-list-evidence, retention_days: 1 }',
      '  sources:',
      '    cloudwatch-logs: { log_groups: [/quell/audit-list] }',
      '    cloudtrail: {}',
      'scim:',
      `  base_url: ${scim.baseUrl}`,
      '  token: { env: AUDIT_LIST_SCIM_TOKEN }',
      'smtp:',
      '  host: 127.0.0.1',
      `  port: ${sink.port}`,
      '  from: quell@example.org',
      'access_report:',
      '  systems: [scim, aws-iam]',
      'vendors:',
      '  acme: { channel: email, name: Acme Analytics, email: privacy@acme.example }',
      '  globex: { channel: email, name: Globex, email: privacy@globex.example }',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(connectors, { AUDIT_LIST_SCIM_TOKEN: scim.token, AUDIT_LIST_SLACK_TOKEN: SLACK_TOKEN, ...moto.env });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  // The evidence the runs would keep needs its bucket (Object Lock) and log group to exist.
  aws = createAwsClients(loaded.config.aws!);
  await aws.s3.send(new CreateBucketCommand({ Bucket: 'quell-audit-list-evidence', ObjectLockEnabledForBucket: true }));
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/quell/audit-list' }));
  // The live compromise lists the principal's keys before its approval gate: the user exists.
  await aws.iam.send(new CreateUserCommand({ UserName: 'ci-deployer' }));
  await aws.iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deployer' }));
  const live = await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, 'worker-data'), connectors: withCloudTrailAt(trail.endpoint) });
  const approvers = loadApproversText(
    [
      'version: 1',
      'people:',
      ...['rita.requester', 'olga.ops', 'sam.security', 'tom.security', 'ivy.it', 'val.vendor', 'lee.lead'].map((person) => `  ${person}: { api: ${person} }`),
      'groups:',
      '  security-oncall: { people: [sam.security, tom.security] }',
      '  security-leads: { people: [lee.lead] }',
      '  it-admins: { people: [ivy.it] }',
      '  vendor-owners: { people: [val.vendor] }',
      '  legal: { people: [lee.lead] }',
    ].join('\n'),
    path.join(work, 'approvers.yaml'),
  );
  if (!approvers.ok) throw new Error(JSON.stringify(approvers.errors));
  engine = await startTestEngine('audit-list', { live, approvers: { config: approvers.config } });
  const server = testServer();
  env = { address: server.address, namespace: server.namespace, taskQueue: engine.taskQueue, dataDir: work };
  for (const id of RUNBOOKS) runbooks.set(id, (await loadTestRunbook(`runbooks/${id}.yaml`)).runbook);

  // First batch: tabletop runs of all three runbooks, two of them closed.
  const tabletopCompromise = await start('credential-compromise', 'tabletop', 'rita.requester', { principal: 'ci-deployer', access_key_id: 'AKIAIOSFODNN7EXAMPLE', cidrs: ['203.0.113.7/32'] });
  await start('offboarding', 'tabletop', 'olga.ops', { person: 'someone@example.com' });
  const tabletopVendor = await start('vendor-breach', 'tabletop', 'rita.requester', { vendor: 'acme', integration_principal: 'acme-sync' });
  await drive(tabletopCompromise, ['sam.security', 'tom.security']);
  await waitFor(tabletopVendor, 'scope-exposure');
  await completeManual(engine.client, tabletopVendor.workflowId, { stepId: 'scope-exposure', actor: 'olga.ops', via: 'api', fields: { personal_data: true } });
  await reject(tabletopVendor, 'approve-cutoff', 'val.vendor');
  await waitForState(() => getRunState(engine.client, tabletopVendor.workflowId), (state) => FINAL.includes(state.status));

  await sleep(1_100);
  pivot = new Date();
  await sleep(1_100);

  // Second batch: live runs of all three (offboarding against real SCIM and SMTP) and a drill.
  const liveCompromise = await start('credential-compromise', 'live', 'rita.requester', { principal: 'ci-deployer', access_key_id: 'AKIAIOSFODNN7EXAMPLE' });
  const liveOffboarding = await start('offboarding', 'live', 'olga.ops', { person: PERSON });
  const liveVendor = await start('vendor-breach', 'live', 'rita.requester', { vendor: 'globex', integration_principal: 'globex-sync' });
  await answer(liveCompromise, 'triage', 'confirmed', 'sam.security');
  await reject(liveCompromise, 'approve-containment', 'tom.security');
  await drive(liveOffboarding, ['ivy.it']);
  await waitFor(liveVendor, 'scope-exposure');
  await cancelRun(engine.client, liveVendor.workflowId, { actor: 'rita.requester', via: 'api', reason: 'vendor notice was a phishing test' });
  await waitForState(() => getRunState(engine.client, liveVendor.workflowId), (state) => FINAL.includes(state.status), 60_000);

  const scenario = loadScenarioFile(path.join(REPO, 'runbooks', 'drills', 'credential-compromise.drill.yaml'), new Map<string, Runbook>(runbooks));
  if (!scenario.ok) throw new Error(scenario.errors.map(formatRunbookError).join('\n'));
  const compromise = await loadTestRunbook('runbooks/credential-compromise.yaml');
  const drill = await startDrill(engine.client, {
    scenario: scenario.scenario,
    scenarioSha256: scenario.sha256,
    runbook: compromise.runbook,
    runbookSha256: compromise.sha256,
    exerciseId: `${PREFIX.toLowerCase()}-drill`,
    requestedBy: 'rita.requester',
    requestedVia: 'api',
    taskQueue: engine.taskQueue,
    followUpRunbooks: { 'credential-compromise': { runbook: compromise.runbook, sha256: compromise.sha256 } },
  });
  const drillRun: Made = { workflowId: drillRunWorkflowId(drill.workflowId), runbook: 'credential-compromise', incident: '', mode: 'drill', requester: 'rita.requester', approvers: [], status: 'running', startedAt: 0 };
  made.push(drillRun);
  await eventually('the drill starts its run', async () => (await getRunState(engine.client, drillRun.workflowId).catch(() => undefined))?.incidentId);
  drillRun.incident = (await getRunState(engine.client, drillRun.workflowId)).incidentId;

  for (const run of made) await settle(run);
});

afterAll(async () => {
  await engine?.stop();
  if (aws) destroyAwsClients(aws);
  await Promise.all([scim?.stop(), sink?.stop(), moto?.stop(), slack?.stop(), lab?.destroy(), trail?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** `quell audit list --json` with these flags, parsed. */
async function auditList(flags: string[]): Promise<RunSummary[]> {
  return JSON.parse((await quellOk(['audit', 'list', '--json', '--all', ...flags], env)).stdout) as RunSummary[];
}

/** Until visibility has caught up: the CLI and the client function both return exactly `expected`. */
async function expectListed(flags: string[], filter: ListRunsFilter, expected: Made[]): Promise<void> {
  const want = ids(expected);
  let last: unknown;
  await eventually(`audit list ${flags.join(' ')} to return ${want.join(', ')}`, async () => {
    const cli = (await auditList(flags)).map((run) => run.workflowId).sort();
    const client = (await listRunsNewestFirst(engine.client, { ...filter, taskQueue: engine.taskQueue }, { pageSize: Infinity })).runs.map((run) => run.workflowId).sort();
    last = { cli, client };
    return JSON.stringify(cli) === JSON.stringify(want) && JSON.stringify(client) === JSON.stringify(want);
  }, 20_000).catch((error: Error) => {
    throw new Error(`${error.message}; last seen ${JSON.stringify(last)}`);
  });
}

test('the runs ended as the test drove them (the facts the filters are checked against)', () => {
  expect(made.map((run) => [run.mode, run.runbook, run.status])).toEqual([
    ['tabletop', 'credential-compromise', 'completed'],
    ['tabletop', 'offboarding', 'running'],
    ['tabletop', 'vendor-breach', 'rejected'],
    ['live', 'credential-compromise', 'rejected'],
    ['live', 'offboarding', made[4].status],
    ['live', 'vendor-breach', 'cancelled'],
    ['drill', 'credential-compromise', 'running'],
  ]);
});

test('the live offboarding really ran: its gate was decided and the SCIM account is deactivated or gone', async () => {
  // Its last step e-mails the manager without a `to` (the runbook has no manager input), which the
  // SMTP connector refuses, so the run ends failed there; the listing takes whatever status it has.
  expect(FINAL).toContain(made[4].status);
  expect(made[4].approvers).toEqual(['ivy.it']);
  const after = await scim.getUser(leaver.id);
  expect(after === undefined || after.active === false).toBe(true);
});

test('every filter returns exactly the expected runs, closed runs included', async () => {
  await expectListed([], {}, made);
  for (const id of RUNBOOKS) await expectListed(['--runbook', id], { runbook: id }, made.filter((run) => run.runbook === id));
  for (const version of new Set([...runbooks.values()].map((runbook) => runbook.version))) {
    await expectListed(['--runbook-version', String(version)], { runbookVersion: version }, made.filter((run) => runbooks.get(run.runbook)!.version === version));
  }
  await expectListed(['--incident', made[3].incident], { incidentId: made[3].incident }, [made[3]]);
  await expectListed(['--incident-prefix', PREFIX], { incidentPrefix: PREFIX }, made.filter((run) => run.incident.startsWith(PREFIX)));
  for (const mode of ['live', 'tabletop', 'drill'] as const) await expectListed(['--mode', mode], { mode }, made.filter((run) => run.mode === mode));
  for (const requester of ['rita.requester', 'olga.ops']) {
    await expectListed(['--requester', requester], { requestedBy: requester }, made.filter((run) => run.requester === requester));
  }
  for (const approver of ['sam.security', 'tom.security', 'val.vendor', 'ivy.it', 'lee.lead']) {
    await expectListed(['--approver', approver], { approver }, made.filter((run) => run.approvers.includes(approver)));
  }
  for (const status of new Set(made.map((run) => run.status))) {
    await expectListed(['--status', status], { status: status as RunStatus }, made.filter((run) => run.status === status));
  }
  for (const control of ['SOC2:CC7.4', 'ISO27001:A.5.28', 'ISO27001:A.5.18', 'NIST-800-61r3:RS.CO']) {
    await expectListed(['--control', control], { control }, made.filter((run) => runbookControls(runbooks.get(run.runbook)!).includes(control)));
  }
});

test('time ranges: started and closed before or after a moment, absolute or relative', async () => {
  const at = pivot.toISOString();
  const t = pivot.getTime();
  await expectListed(['--started-after', at], { startedAfter: pivot }, made.filter((run) => run.startedAt >= t));
  await expectListed(['--started-before', at], { startedBefore: pivot }, made.filter((run) => run.startedAt < t));
  await expectListed(['--closed-after', at], { closedAfter: pivot }, made.filter((run) => run.closedAt !== undefined && run.closedAt >= t));
  await expectListed(['--closed-before', at], { closedBefore: pivot }, made.filter((run) => run.closedAt !== undefined && run.closedAt < t));
  // Relative: everything this file started lies within the last hour, nothing before it.
  await expectListed(['--started-after', '1h'], { startedAfter: new Date(Date.now() - 3_600_000) }, made);
  await expectListed(['--started-before', '1h', '--incident-prefix', PREFIX], { startedBefore: new Date(Date.now() - 3_600_000), incidentPrefix: PREFIX }, []);
  // Filters combine: closed live runs of one requester.
  await expectListed(['--mode', 'live', '--requester', 'rita.requester', '--closed-after', at], { mode: 'live', requestedBy: 'rita.requester', closedAfter: pivot }, [made[3], made[5]]);
});

test('JSON and CSV parse back to the same runs, newest first, with approvers and controls', async () => {
  await expectListed([], {}, made);
  const listed = await auditList([]);
  expect(listed.map((run) => run.workflowId)).toEqual([...made].sort((a, b) => b.startedAt - a.startedAt).map((run) => run.workflowId));
  const vendorRejected = listed.find((run) => run.workflowId === made[2].workflowId)!;
  expect(vendorRejected).toMatchObject({ runbook: 'vendor-breach', runbookVersion: runbooks.get('vendor-breach')!.version, mode: 'tabletop', status: 'rejected', approvers: ['val.vendor'], requestedBy: 'rita.requester' });
  expect(vendorRejected.controls).toEqual(runbookControls(runbooks.get('vendor-breach')!));
  expect(listed.find((run) => run.workflowId === made[6].workflowId)?.drillId).toEqual(expect.stringContaining('drill'));

  const csv = await quellOk(['audit', 'list', '--csv', '--all'], env);
  // The helper trims the output's last line break; every record before it must end CRLF.
  const [header, ...records] = parseCsv(`${csv.stdout}\r\n`);
  expect(header).toEqual(['RUN', 'STATUS', 'MODE', 'RUNBOOK', 'VERSION', 'INCIDENT', 'REQUESTER', 'APPROVERS', 'STARTED', 'CLOSED', 'CONTROLS']);
  const column = (name: string) => header.indexOf(name);
  expect(records.map((record) => record[column('RUN')])).toEqual(listed.map((run) => run.workflowId));
  for (const record of records) {
    const run = listed.find((candidate) => candidate.workflowId === record[column('RUN')])!;
    expect(record[column('MODE')]).toBe(run.drillId ? 'drill' : run.mode);
    expect(record[column('APPROVERS')]).toBe((run.approvers ?? []).join(' '));
    expect(record[column('CONTROLS')]).toBe((run.controls ?? []).join(' '));
    expect(record[column('CLOSED')]).toBe(run.closedAt ?? '');
  }

  // The table marks every exercise line (tabletop and drill runs) and no live one.
  const table = (await quellOk(['audit', 'list', '--all'], env)).stdout.split('\n').slice(1);
  for (const run of made) {
    const line = table.find((candidate) => candidate.includes(run.workflowId))!;
    expect([run.workflowId, line.startsWith('[EXERCISE]')]).toEqual([run.workflowId, run.mode !== 'live']);
  }
});

test('paging with a small page size returns every run once, in order, for both listings', async () => {
  await expectListed([], {}, made);
  for (const command of [['audit', 'list'], ['list']]) {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const result = await quellOk([...command, '--json', '--limit', '2', ...(token ? ['--page-token', token] : [])], env);
      const page = JSON.parse(result.stdout) as RunSummary[];
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page.map((run) => run.workflowId));
      token = /--page-token (\S+)/.exec(result.stderr)?.[1];
      pages += 1;
      expect(pages).toBeLessThan(20);
    } while (token);
    expect([command.join(' '), [...seen].sort()]).toEqual([command.join(' '), ids(made)]);
    expect(new Set(seen).size).toBe(seen.length);
    if (command[0] === 'list') {
      // Responders see open runs first.
      const open = made.filter((run) => run.closedAt === undefined).length;
      expect(seen.slice(0, open).sort()).toEqual(ids(made.filter((run) => run.closedAt === undefined)));
    } else {
      expect(seen).toEqual([...made].sort((a, b) => b.startedAt - a.startedAt).map((run) => run.workflowId));
    }
  }
});

test('bad flag values are refused naming the flag, before anything is listed', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--mode', 'practice'], /--mode "practice" must be one of: live, tabletop, drill/],
    [['--status', 'done'], /--status "done" must be one of/],
    [['--started-after', 'last tuesday'], /--started-after "last tuesday" is not a time/],
    [['--runbook-version', 'two'], /--runbook-version "two" must be a whole number/],
    [['--limit', '0'], /--limit "0" must be a whole number from 1 to 1000/],
    [['--control', "SOC2:CC7.4' OR 1=1"], /--control .* is not valid/],
    [['--json', '--csv'], /--json and --csv cannot be combined/],
    [['--page-token', 'nonsense'], /page token "nonsense" is not one quell audit list printed/],
  ];
  for (const [flags, message] of cases) {
    const result = await runQuell(['audit', 'list', ...flags], env);
    expect({ flags, code: result.code, stdout: result.stdout }).toEqual({ flags, code: 2, stdout: '' });
    expect(result.stderr).toMatch(message);
  }
});

/** RFC 4180, read independently of the code that writes it: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || record.length > 0) throw new Error(`CSV ends without CRLF: ${JSON.stringify(text.slice(-40))}`);
  return records;
}
