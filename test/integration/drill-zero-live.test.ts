/**
 * Drills never reach a live system. The worker has EVERY live connector configured, each with its
 * real local endpoint up behind a counting proxy (moto for AWS, CloudTrail's stub, OpenBao, SCIM,
 * the GitHub fake, a vendor's deletion API, an HTTP evidence source), an SMTP server counting its
 * connections, nft wrapped first on PATH counting invocations, and the run's Slack surface on the
 * fake Slack API. Each shipped scenario is played to its end — injects fired (those that would hold
 * the run for minutes or forever skipped), twists' follow-up runs started, every gate, wait and
 * task answered — and every action of every run is simulated while no connector endpoint sees a
 * single request. Slack is the exercise's own surface: the runs may post there, but no post of the
 * `notify` action's live path (metadata `quell_notification`) may appear.
 *
 * With --probe-readiness the same drills ask the connectors read-only: zero mutating calls, at
 * least one read, and with iam:UpdateAccessKey taken from the worker's AWS policy the finding
 * names that permission and the revoke-key step.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LiveSetup } from '../../activities/action-performer';
import { buildLiveSetup } from '../../activities/live-setup';
import { buildSlackSurface } from '../../activities/slack-surface';
import { NOTIFICATION_EVENT_TYPE } from '../../activities/notify/post-to-slack';
import { renderDrillState } from '../../cli/commands/drill-render';
import { findScenario } from '../../cli/commands/drill-scenario';
import { startDrill, injectNow, skipInject, startFollowUp, getDrillState } from '../../client/drills';
import type { DrillState } from '../../common/drill-state';
import { drillFollowUpWorkflowId } from '../../common/drill-state';
import type { RunState } from '../../common/run-state';
import { loadConnectorsFile } from '../../connectors/connectors-file';
import type { Runbook, RunbookStep } from '../../runbooks/schema';
import { startCloudTrailStub, type CloudTrailStub } from '../support/cloudtrail-stub';
import { clientResponder } from '../support/client-responder';
import { classifyAws, classifyOpenBao, classifyRest, classifyScim, isCloudTrail } from '../support/counting-classify';
import { installCountingNft, type CountingNft } from '../support/counting-nft';
import { startCountingProxy, type CallKind, type CountingProxy } from '../support/counting-proxy';
import { startCountingSmtp, type CountingSmtp } from '../support/counting-smtp';
import { startTestEngine, type TestEngine } from '../support/engine';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { startFakeSlackApi, type FakeSlackApi, type SlackCall } from '../support/fake-slack-api';
import { startMoto, type MotoServer } from '../support/moto';
import { createNetworkLab, type NetworkLab } from '../support/netns';
import { startOpenBao, type OpenBaoServer } from '../support/openbao';
import { plantSecret } from '../support/planted-secrets';
import { driveToEnd } from '../support/run-driver';
import { startScimServer, type ScimTestServer } from '../support/scim-server';
import { runLogger } from '../support/temporal';
import { startVendorApi, type VendorApi } from '../support/vendor-api';

const DRILLS_DIR = path.join(__dirname, '..', '..', 'runbooks', 'drills');
const SCENARIOS = fs.readdirSync(DRILLS_DIR).filter((file) => file.endsWith('.drill.yaml')).sort();
const GITHUB_TOKEN = plantSecret('ghp_drillZeroLiveToken0123456789', 'github token');
const SLACK_TOKEN = plantSecret('xoxb-drill-zero-live-0123456789', 'slack bot token');
const GLOBEX_SECRET = plantSecret('globex-drill-hmac-secret-0123', 'vendor hmac secret');
const CHANNEL = { id: 'C0DRILLS01', name: 'incident-drills' };
const APPROVERS = ['sam.security', 'olga.oncall'];
const FACILITATOR = 'fiona.facilitator';
const WORKER_USER = 'quell-worker';
/** Every permission except the one a key revoke needs to deactivate the key. */
const WITHOUT_UPDATE_ACCESS_KEY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: ['iam:UpdateAccessKey'], Resource: '*' }] };
const EVERYTHING = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

let moto: MotoServer;
let bao: OpenBaoServer;
let scim: ScimTestServer;
let github: FakeGitHub;
let vendor: VendorApi;
let trail: CloudTrailStub;
let smtp: CountingSmtp;
let slack: FakeSlackApi;
let lab: NetworkLab;
let nft: CountingNft;
let proxies: CountingProxy[] = [];
let engine: TestEngine;
let live: LiveSetup;
let work: string;
let exercise = 0;
let setWorkerPolicy: (document: object) => Promise<void>;
let adminIam: IAMClient | undefined;

type Call = { endpoint: string; operation: string; kind: CallKind };
/** Where each counter stood: one position per proxy, then SMTP sessions, then nft invocations. */
type Mark = number[];

const ENDPOINTS = ['moto', 'cloudtrail', 'openbao', 'scim', 'github', 'vendor-globex', 'http-evidence', 'smtp', 'nft'];

function counters(): Call[][] {
  return [
    ...proxies.map((proxy) => proxy.calls),
    smtp.sessions.map((session) => ({ endpoint: 'smtp', operation: `session ${session.id}`, kind: session.kind })),
    nft.invocations().map((call) => ({ endpoint: 'nft', operation: `nft ${call.args.join(' ')}`, kind: call.kind })),
  ];
}

function mark(): Mark {
  return counters().map((calls) => calls.length);
}

/** Every request any endpoint saw since `from`, as read or mutating. */
function trafficSince(from: Mark): Call[] {
  return counters().flatMap((calls, index) => calls.slice(from[index]));
}

function countsOf(calls: readonly Call[]): Record<string, { read: number; mutating: number }> {
  const counts = Object.fromEntries(ENDPOINTS.map((endpoint) => [endpoint, { read: 0, mutating: 0 }]));
  for (const call of calls) counts[call.endpoint][call.kind] += 1;
  return counts;
}

/** The endpoint each connector's requests reach in this test. */
function endpointOf(system: string): string {
  if (system === 'evidence-source:cloudtrail') return 'cloudtrail';
  if (['aws-iam', 'aws-sg', 'evidence-source:cloudwatch-logs', 'evidence-store:s3-object-lock'].includes(system)) return 'moto';
  if (system === 'vendor:acme') return 'smtp';
  if (system === 'vendor:globex') return 'vendor-globex';
  if (system === 'evidence-source:http') return 'http-evidence';
  if (system === 'nftables') return 'nft';
  return system;
}

/** Slack calls that are the `notify` action's live path: posts carrying its delivery metadata. */
function notifyPosts(calls: readonly SlackCall[]): SlackCall[] {
  return calls.filter((call) => {
    if (call.method !== 'chat.postMessage') return false;
    const metadata = typeof call.params.metadata === 'string' ? (JSON.parse(call.params.metadata) as Record<string, unknown>) : (call.params.metadata as Record<string, unknown> | undefined);
    return metadata?.event_type === NOTIFICATION_EVENT_TYPE;
  });
}

/** Steps (branches included) that set their own retry for `action`: a fault there would wait minutes. */
function slowRetries(runbook: Runbook, action: string): boolean {
  const steps: RunbookStep[] = runbook.steps.flatMap((step) => ('parallel' in step ? [step, ...(step.parallel as RunbookStep[])] : [step]));
  return steps.some((step) => 'action' in step && step.action === action && step.retry?.initial_interval !== undefined);
}

interface PlayedDrill {
  drill: DrillState;
  runs: RunState[];
  skipped: string[];
}

/** Plays a shipped scenario to its end, as a facilitator and players would. */
async function playDrill(file: string, probeReadiness: boolean): Promise<PlayedDrill> {
  const found = await findScenario(path.join(DRILLS_DIR, file), path.join(DRILLS_DIR, '..'));
  exercise += 1;
  const handle = await startDrill(engine.client, {
    scenario: found.scenario,
    scenarioSha256: found.sha256,
    runbook: found.runbook.runbook,
    runbookSha256: found.runbook.sha256,
    followUpRunbooks: found.followUpRunbooks,
    exerciseId: `zero-live-${Date.now()}-${exercise}`,
    requestedBy: 'rita.requester',
    requestedVia: 'api',
    taskQueue: engine.taskQueue,
    ...(probeReadiness ? { probeReadiness: true } : {}),
  });
  const drillId = handle.workflowId;
  const control = { actor: FACILITATOR, via: 'api' as const };
  const skipped: string[] = [];
  const followUps: string[] = [];
  for (const inject of found.scenario.injects) {
    // Late or withheld events hold a wait for an hour or for good, and a fault on a step with its
    // own long retry interval costs minutes: skipped, so the run reaches its end and every action runs.
    if (inject.event || (inject.fault && slowRetries(found.runbook.runbook, inject.fault.action))) {
      await skipInject(engine.client, drillId, { injectId: inject.id, ...control });
      skipped.push(inject.id);
      continue;
    }
    await injectNow(engine.client, drillId, { injectId: inject.id, ...control });
    if (inject.twist) {
      await startFollowUp(engine.client, drillId, { injectId: inject.id, ...control });
      followUps.push(drillFollowUpWorkflowId(drillId, inject.id));
    }
  }
  const responder = clientResponder(engine.client);
  const drive = (workflowId: string) => driveToEnd(responder, workflowId, { approvers: APPROVERS, operator: 'olga.oncall', timeoutMs: 90_000 });
  // Follow-ups first: the drill closes when its main run does.
  const runs: RunState[] = [];
  for (const id of followUps) runs.push(await drive(id));
  const { childWorkflowId } = await getDrillState(engine.client, drillId);
  runs.unshift(await drive(childWorkflowId));
  return { drill: await handle.result(), runs, skipped };
}

/** Every action step of every run ran (or was ruled out by its `when`), in the tabletop simulator. */
function expectEverythingSimulated(played: PlayedDrill): void {
  for (const run of played.runs) {
    expect({ run: run.workflowId, status: run.status, mode: run.mode }).toEqual({ run: run.workflowId, status: 'completed', mode: 'tabletop' });
    const actions = run.steps.filter((step) => step.kind === 'action');
    expect(actions.length).toBeGreaterThan(0);
    for (const step of actions) {
      const settled = step.status === 'skipped' ? { id: step.id, status: 'skipped' } : { id: step.id, status: step.status, actor: step.actor };
      expect(settled).toEqual(step.status === 'skipped' ? { id: step.id, status: 'skipped' } : { id: step.id, status: 'succeeded', actor: 'provider:tabletop' });
    }
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-drill-zero-live-'));
  [moto, bao, scim, github, vendor, trail, smtp, slack, lab] = await Promise.all([
    startMoto(),
    startOpenBao(),
    startScimServer(),
    startFakeGitHub({ org: 'acme', token: GITHUB_TOKEN }),
    startVendorApi({ secret: GLOBEX_SECRET }),
    startCloudTrailStub(),
    startCountingSmtp(),
    startFakeSlackApi({ token: SLACK_TOKEN, channels: [CHANNEL] }),
    createNetworkLab(),
  ]);
  const netns = await lab.addNamespace('drill');
  // The real nft, found before the wrapper goes first on PATH.
  nft = installCountingNft(path.join(work, 'nft-wrapper'), execFileSync('sh', ['-c', 'command -v nft'], { encoding: 'utf8' }).trim());

  // The worker's own AWS identity: an IAM user with a key and one inline policy the tests swap.
  // Set up straight on moto, not through the counting proxy: only the worker's calls are counted.
  const direct = { region: moto.region, endpoint: moto.endpoint, credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY } };
  const admin = { iam: new IAMClient(direct), s3: new S3Client({ ...direct, forcePathStyle: true }), logs: new CloudWatchLogsClient(direct) };
  await admin.iam.send(new CreateUserCommand({ UserName: WORKER_USER }));
  adminIam = admin.iam;
  const key = (await admin.iam.send(new CreateAccessKeyCommand({ UserName: WORKER_USER }))).AccessKey!;
  plantSecret(key.SecretAccessKey!, 'aws secret access key of the drill worker');
  setWorkerPolicy = async (document) => {
    await adminIam!.send(new PutUserPolicyCommand({ UserName: WORKER_USER, PolicyName: 'quell-worker', PolicyDocument: JSON.stringify(document) }));
  };
  await setWorkerPolicy(EVERYTHING);
  await admin.s3.send(new CreateBucketCommand({ Bucket: 'drill-evidence', ObjectLockEnabledForBucket: true }));
  await admin.logs.send(new CreateLogGroupCommand({ logGroupName: '/app/payments' }));
  admin.s3.destroy();
  admin.logs.destroy();

  proxies = await Promise.all([
    startCountingProxy([
      { endpoint: 'cloudtrail', target: trail.endpoint, matches: isCloudTrail, classify: classifyAws },
      { endpoint: 'moto', target: moto.endpoint, classify: classifyAws },
    ]),
    startCountingProxy([{ endpoint: 'openbao', target: bao.address, classify: classifyOpenBao }]),
    startCountingProxy([{ endpoint: 'scim', target: new URL(scim.baseUrl).origin, classify: classifyScim }]),
    startCountingProxy([{ endpoint: 'github', target: github.apiUrl, classify: classifyRest }]),
    startCountingProxy([{ endpoint: 'vendor-globex', target: vendor.origin, classify: classifyRest }]),
    startCountingProxy([{ endpoint: 'http-evidence', target: vendor.origin, classify: classifyRest }]),
  ]);
  const [awsProxy, baoProxy, scimProxy, githubProxy, vendorProxy, evidenceProxy] = proxies;
  fs.mkdirSync(path.join(work, 'app-logs'));
  fs.writeFileSync(path.join(work, 'app-logs', 'app.log'), 'a line of application log\n');

  const file = path.join(work, 'connectors.yaml');
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'aws:',
      `  region: ${moto.region}`,
      `  endpoint: ${awsProxy.url}`,
      '  access_key_id: { env: DRILL_AWS_ID }',
      '  secret_access_key: { env: DRILL_AWS_SECRET }',
      // The connector runs nft only as nft_path (inside `ip netns exec`): the wrapper sees every call.
      `nftables: { table: quell_drill, netns: ${netns}, nft_path: ${path.join(nft.dir, 'nft')} }`,
      `openbao: { address: ${baoProxy.url}, token: { env: DRILL_BAO_TOKEN } }`,
      `github: { api_url: ${githubProxy.url}, org: acme, token: { env: DRILL_GITHUB_TOKEN } }`,
      `scim: { base_url: ${scimProxy.url}${new URL(scim.baseUrl).pathname}, token: { env: DRILL_SCIM_TOKEN } }`,
      `smtp: { host: ${smtp.host}, port: ${smtp.port}, from: security@acme.example }`,
      `slack: { bot_token: { env: DRILL_SLACK_TOKEN }, channel: ${CHANNEL.id}, api_url: ${slack.apiUrl} }`,
      'evidence:',
      '  stores:',
      '    s3-object-lock: { bucket: drill-evidence, mode: GOVERNANCE, retention_days: 1 }',
      `    local: { dir: ${path.join(work, 'evidence-store')} }`,
      '  sources:',
      '    cloudwatch-logs: { log_groups: [/app/payments] }',
      '    cloudtrail: {}',
      `    file: { paths: [${path.join(work, 'app-logs')}/**] }`,
      `    http: { url: ${evidenceProxy.url}/, format: ndjson }`,
      '  default_store: s3-object-lock',
      'vendors:',
      '  acme: { channel: email, name: Acme Analytics, email: privacy@acme-analytics.example }',
      `  globex: { channel: http, name: Globex, url: ${vendorProxy.url}/v1/deletion-requests, hmac_secret: { env: DRILL_GLOBEX_HMAC } }`,
      'access_report: { systems: [scim, aws-iam, github, openbao] }',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(file, {
    DRILL_AWS_ID: key.AccessKeyId!,
    DRILL_AWS_SECRET: key.SecretAccessKey!,
    DRILL_BAO_TOKEN: bao.rootToken,
    DRILL_GITHUB_TOKEN: GITHUB_TOKEN,
    DRILL_SCIM_TOKEN: scim.token,
    DRILL_SLACK_TOKEN: SLACK_TOKEN,
    DRILL_GLOBEX_HMAC: GLOBEX_SECRET,
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const logger = runLogger('drill-zero-live');
  const dataDir = path.join(work, 'worker-data');
  live = await buildLiveSetup(loaded.config, { logger, dataDir });
  const slackSurface = buildSlackSurface(loaded.config.slack, dataDir, logger);
  engine = await startTestEngine('drill-zero-live', { live, logger, ...(slackSurface ? { slackSurface } : {}) });
  // Building a live setup talks to nothing.
  expect(trafficSince(ENDPOINTS.map(() => 0))).toEqual([]);
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  adminIam?.destroy();
  await Promise.all([...proxies.map((proxy) => proxy.stop()), moto?.stop(), bao?.stop(), scim?.stop(), github?.stop(), vendor?.stop(), trail?.stop(), smtp?.stop(), slack?.stop(), lab?.destroy()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the four shipped scenarios are the ones played', () => {
  expect(SCENARIOS).toEqual(['credential-compromise.drill.yaml', 'offboarding.drill.yaml', 'vendor-breach.drill.yaml', 'vendor-offboarding.drill.yaml']);
});

test('every counter sees its connector: each health probe reaches its endpoint, read-only', async () => {
  const before = mark();
  const slackBefore = slack.calls.length;
  const probed = [...live.connectors.values()].filter((connector) => !connector.checkWrites);
  const results = await Promise.all(probed.map(async (connector) => ({ id: connector.id, failing: (await connector.check()).filter((probe) => !probe.ok) })));
  expect(results.filter((result) => result.failing.length > 0)).toEqual([]);
  const counts = countsOf(trafficSince(before));
  console.log(`health probes of ${probed.map((c) => c.id).join(', ')}: ${JSON.stringify(counts)}`);
  for (const endpoint of ENDPOINTS) expect({ endpoint, ...counts[endpoint], seen: counts[endpoint].read > 0 }).toEqual({ endpoint, read: counts[endpoint].read, mutating: 0, seen: true });
  expect(slack.calls.slice(slackBefore).map((call) => call.method)).toEqual(['auth.test']);
});

describe.each(SCENARIOS)('%s', (file) => {
  test('played to its end, every action simulated: zero requests reach any connector endpoint', async () => {
    const before = mark();
    const slackBefore = slack.calls.length;
    const played = await playDrill(file, false);
    const counts = countsOf(trafficSince(before));
    const surfaceCalls = slack.calls.slice(slackBefore);
    console.log(`${file} without probe: ${JSON.stringify(counts)}; Slack exercise surface ${surfaceCalls.length} calls (${notifyPosts(surfaceCalls).length} notify posts); skipped injects ${played.skipped.join(', ') || 'none'}; runs ${played.runs.length}`);

    expectEverythingSimulated(played);
    expect(played.drill.status).toBe('completed');
    expect(played.drill.readiness).toBeUndefined();
    expect(trafficSince(before)).toEqual([]);
    expect(notifyPosts(surfaceCalls)).toEqual([]);
    // The local evidence store was never written to (even its folder is still missing).
    expect(fs.existsSync(path.join(work, 'evidence-store'))).toBe(false);
  });

  test('with --probe-readiness: only read calls, at least one, and findings for every simulated action', async () => {
    const before = mark();
    const slackBefore = slack.calls.length;
    const played = await playDrill(file, true);
    const calls = trafficSince(before);
    const counts = countsOf(calls);
    const problems = played.drill.readiness!.findings.filter((f) => !f.ok).map((f) => `  ${f.stepId} ${f.system ?? '-'}: ${f.detail}`);
    console.log(`${file} with probe: ${JSON.stringify(counts)}; ${played.drill.readiness!.findings.length} findings, not ok:\n${problems.join('\n')}`);

    expectEverythingSimulated(played);
    expect(calls.filter((call) => call.kind === 'mutating')).toEqual([]);
    expect(calls.filter((call) => call.kind === 'read').length).toBeGreaterThan(0);
    expect(notifyPosts(slack.calls.slice(slackBefore))).toEqual([]);
    expect(fs.existsSync(path.join(work, 'evidence-store'))).toBe(false);

    const readiness = played.drill.readiness!;
    // Every connector whose health the probe reported was really asked, at its own endpoint.
    const asked = [...new Set(readiness.findings.filter((f) => f.check === 'connector' && f.system).map((f) => endpointOf(f.system!)))];
    expect(asked.length).toBeGreaterThan(0);
    const slackReads = slack.calls.slice(slackBefore).filter((call) => call.method === 'auth.test').length;
    for (const endpoint of asked) {
      // The fake Slack keeps its own record (the exercise surface posts there too): the probe's read is auth.test.
      const reads = endpoint === 'slack' ? slackReads : counts[endpoint].read;
      expect({ endpoint, reads: reads > 0 }).toEqual({ endpoint, reads: true });
    }
    const probedSteps = new Set(readiness.findings.map((finding) => finding.stepId));
    // A loop's steps are probed once, by their id in the runbook (the items are not known before the run).
    const runbookStepId = (id: string) => id.replace(/^[a-z0-9-]+\[\d+\]\./, '');
    const actionSteps = new Set(played.runs[0].steps.filter((step) => step.kind === 'action' && step.status !== 'skipped').map((step) => runbookStepId(step.id)));
    if (file === 'credential-compromise.drill.yaml') expect(actionSteps).toContain('deactivate-key');
    for (const stepId of actionSteps) expect({ stepId, probed: probedSteps.has(stepId) }).toEqual({ stepId, probed: true });
    // With a policy that allows everything, no AWS permission is reported missing.
    expect(readiness.findings.filter((finding) => finding.check === 'permission' && !finding.ok && finding.detail.includes('iam:'))).toEqual([]);
  });
});

test('a permission the worker lacks is named with the step that needs it; the probe still changes nothing', async () => {
  await setWorkerPolicy(WITHOUT_UPDATE_ACCESS_KEY);
  try {
    const before = mark();
    const played = await playDrill('credential-compromise.drill.yaml', true);
    const calls = trafficSince(before);
    console.log(`credential-compromise with iam:UpdateAccessKey missing: ${JSON.stringify(countsOf(calls))}`);

    expect(calls.filter((call) => call.kind === 'mutating')).toEqual([]);
    const missing = played.drill.readiness!.findings.filter((finding) => !finding.ok && finding.check === 'permission' && finding.detail.includes('iam:UpdateAccessKey'));
    // Every step that would call it: the loop's deactivation, its undo, and the final deletion.
    const needing = (stepId: string, action: string, effect: string) =>
      expect.objectContaining({
        stepId,
        action,
        system: 'aws-iam',
        target: 'IAM user ci-deployer',
        detail: expect.stringMatching(new RegExp(`^the key ${effect} would have failed: permission iam:UpdateAccessKey missing on IAM user ci-deployer \\(`)),
      });
    expect(missing).toEqual([
      needing('deactivate-key', 'credentials.deactivate', 'deactivation'),
      needing('deactivate-key', 'credentials.reactivate', 'reactivation'),
      needing('delete-leaked-key', 'credentials.revoke', 'revoke'),
    ]);
    // `quell drill status` shows it as a failure, with the step and the system.
    expect(renderDrillState(played.drill)).toContain(`✗ deactivate-key (credentials.deactivate, aws-iam): ${missing[0].detail}`);
    // Everything else the policy still allows: no other IAM permission is reported missing.
    const otherIam = played.drill.readiness!.findings.filter((f) => !f.ok && f.check === 'permission' && /iam:/.test(f.detail) && !f.detail.includes('iam:UpdateAccessKey'));
    expect(otherIam).toEqual([]);
    expectEverythingSimulated(played);
  } finally {
    await setWorkerPolicy(EVERYTHING);
  }
});
