/**
 * The run dossier, end to end on the dev server: a tabletop run with evidence, two approvals (CLI
 * and Slack) around a worker restart, an escalation, a rejection that undoes a block, and a
 * sensitive input. With no worker running, `quell audit export` builds the dossier from the
 * history alone; each fact is compared with what the test did and when. Then the JSON verifies
 * offline and against Temporal, and tampering with it (a byte, a removed entry, a swap, a wrong
 * key) fails naming the entry. The HTML rendering opens in headless Chromium with no console
 * errors and no requests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { buildApproversSetup } from '../../activities/approvers/build';
import { buildActivityDeps } from '../../activities/build-deps';
import { decideApproval, getRunState, startRun } from '../../client/runs';
import type { DecisionSource, RunResult, RunState } from '../../common/run-state';
import type { DossierDocument, RunEntryData, DecisionEntryData, EscalationEntryData, CompensationEntryData, EvidenceEntryData, OutcomeEntryData, CoverageEntryData, ControlsEntryData, StepEntryData } from '../../reports/audit/dossier-types';
import { generateSigningKey, writePublicKeyFile } from '../../reports/audit/signing';
import { screenshotPath, visitHtmlFile } from '../support/browser';
import { runQuell, type CliEnvironment } from '../support/cli';
import { waitForState } from '../support/run-driver';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, runLogger, startTestWorker, uniqueTaskQueue, type TestWorker } from '../support/temporal';
import { dossierEntries } from '../../reports/audit/dossier-view';
import { signedAuditCli } from '../support/audit-cli';

const RUNBOOK = 'test/fixtures/runbooks/audit-dossier.yaml';
const TOKEN = 'tok-audit-9f8e7d6c5b4a';
const APPROVERS = `
version: 1
people:
  rita:  { cli: rita }
  alice: { cli: alice }
  bob:   { slack: U0BOB }
  lee:   { cli: lee }
groups:
  security-oncall: { people: [rita, alice, bob] }
  security-leads:  { people: [lee] }
`;

let work: string;
let taskQueue: string;
let client: Client;
let worker: TestWorker | undefined;
let workflowId: string;
let sha256: string;
let env: CliEnvironment;
const did: Record<string, { before: number; after: number }> = {};

async function startWorker(): Promise<TestWorker> {
  const deps = await buildActivityDeps({ dataDir: work, tabletopLatencyMs: 0 }, runLogger('audit-dossier'));
  const approvers = buildApproversSetup(path.join(work, 'approvers.yaml'), undefined, runLogger('audit-dossier'));
  return startTestWorker({ taskQueue, deps: { ...deps, ...(approvers ? { approvers } : {}) } });
}

const state = () => getRunState(client, workflowId);
const step = (s: RunState, id: string) => s.steps.find((candidate) => candidate.id === id)!;

async function decide(stepId: string, actor: string, via: DecisionSource, decision: 'approve' | 'reject', reason: string): Promise<void> {
  const opened = await waitForState(state, (s) => step(s, stepId).approval?.policy !== undefined, 20_000);
  const before = Date.now();
  await decideApproval(client, workflowId, { stepId, actor, via, decision, reason, summarySha256: step(opened, stepId).approval!.summarySha256! });
  did[`${stepId}:${actor}`] = { before, after: Date.now() };
}

function withinCall(at: string, key: string): void {
  const time = Date.parse(at);
  // Event times are truncated to the millisecond; the call's bounds are the test's own clock.
  expect(time).toBeGreaterThanOrEqual(did[key]!.before - 5);
  expect(time).toBeLessThanOrEqual(did[key]!.after + 5);
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-audit-dossier-'));
  fs.writeFileSync(path.join(work, 'approvers.yaml'), APPROVERS);
  taskQueue = uniqueTaskQueue('audit-dossier');
  client = await connectTestClient();
  worker = await startWorker();
  const loaded = await loadTestRunbook(RUNBOOK);
  sha256 = loaded.sha256;
  const handle = await startRun(client, {
    runbook: loaded.runbook,
    runbookSha256: sha256,
    inputs: { principal: 'mallory', api_token: TOKEN },
    mode: 'tabletop',
    requestedBy: 'rita',
    requestedVia: 'cli',
    incidentId: `AUD-${Date.now()}`,
    taskQueue,
  });
  workflowId = handle.workflowId;
  await decide('approve-revoke', 'alice', 'cli', 'approve', 'keys are in a public repo');
  // The worker dies between the two approvals; a new one carries the run on.
  await worker.stop();
  worker = await startWorker();
  await decide('approve-revoke', 'U0BOB', 'slack', 'approve', 'agreed');
  // Nobody answers the closing gate for 3 s: it escalates to the leads, and lee rejects.
  await waitForState(state, (s) => step(s, 'approve-close').approval?.escalated === true, 30_000);
  await decide('approve-close', 'lee', 'cli', 'reject', 'attacker still active');
  const result = (await client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(result.status).toBe('rejected');
  // Everything after this reads the history alone: no worker is polling the queue.
  await worker.stop();
  worker = undefined;
  env = signedAuditCli(work, taskQueue);
  const other = generateSigningKey();
  writePublicKeyFile(path.join(work, 'other.pub'), other.publicKeyPem);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function exportJson(): Promise<{ file: string; dossier: DossierDocument }> {
  const file = path.join(work, 'dossier.json');
  const exported = await runQuell(['audit', 'export', workflowId, '--format', 'json', '--out', file], env);
  expect(exported).toMatchObject({ code: 0, stderr: '' });
  expect(exported.stdout).toContain(`dossier of ${workflowId} written to`);
  return { file, dossier: JSON.parse(fs.readFileSync(file, 'utf8')) as DossierDocument };
}

describe('the run dossier, from the history alone', () => {
  test('records each fact with the right actor, surface and time, and counts what it leaves out', async () => {
    const { dossier } = await exportJson();
    const final = (await client.workflow.getHandle(workflowId).describe()).closeTime!;
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    expect(JSON.stringify(dossier)).not.toContain(TOKEN);

    const [run] = dossierEntries<RunEntryData>(dossier, 'run');
    expect(run).toMatchObject({ workflowId, requestedBy: 'rita', surface: 'cli', mode: 'tabletop', taskQueue, runbook: { id: 'audit-dossier', version: 3, sha256 } });
    expect(run!.inputs).toEqual({ principal: 'mallory', api_token: '[redacted]' });
    expect(run!.redactedInputs).toEqual(['api_token']);

    const decisions = dossierEntries<DecisionEntryData>(dossier, 'decision');
    expect(decisions.map((d) => [d.stepId, d.decision, d.actor, d.person, d.surface, d.reason, d.gateAfter])).toEqual([
      ['approve-revoke', 'approve', 'alice', 'alice', 'cli', 'keys are in a public repo', 'open (1 of 2 approvals)'],
      ['approve-revoke', 'approve', 'U0BOB', 'bob', 'slack', 'agreed', 'approved'],
      ['approve-close', 'reject', 'lee', 'lee', 'cli', 'attacker still active', 'rejected'],
    ]);
    withinCall(decisions[0]!.at, 'approve-revoke:alice');
    withinCall(decisions[1]!.at, 'approve-revoke:U0BOB');
    withinCall(decisions[2]!.at, 'approve-close:lee');
    expect(decisions.every((d) => d.summaryMatchesGate === true && /^[0-9a-f]{64}$/.test(d.summarySha256!))).toBe(true);

    const [escalation] = dossierEntries<EscalationEntryData>(dossier, 'escalation');
    expect(escalation).toMatchObject({ stepId: 'approve-close', groups: ['security-leads'] });
    const steps = dossierEntries<StepEntryData>(dossier, 'step');
    const closeGate = steps.find((s) => s.stepId === 'approve-close')!;
    const waited = Date.parse(escalation!.at) - Date.parse(closeGate.startedAt!);
    expect(waited).toBeGreaterThanOrEqual(3_000);
    expect(waited).toBeLessThan(10_000);
    expect(escalation!.notifyEventIds.length).toBe(2);

    expect(dossierEntries<CompensationEntryData>(dossier, 'compensation')).toEqual([
      expect.objectContaining({ stepId: 'block-egress', action: 'egress.unblock', outcome: 'succeeded', attempts: 1 }),
    ]);
    const [evidence] = dossierEntries<EvidenceEntryData>(dossier, 'evidence');
    expect(evidence).toMatchObject({ stepId: 'collect-logs', source: 'cloudtrail', tabletop: true });
    expect(evidence!.artifacts[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);

    expect(steps.map((s) => [s.stepId, s.status])).toEqual([
      ['collect-logs', 'succeeded'],
      ['block-egress', 'compensated'],
      ['tell-team', 'succeeded'],
      ['approve-revoke', 'succeeded'],
      ['revoke', 'succeeded'],
      ['approve-close', 'failed'],
      ['all-clear', 'pending'],
    ]);
    // The notice quoted the token; its output summary keeps the sentence and drops the value.
    expect(steps.find((s) => s.stepId === 'tell-team')!.outputSummary).toContain('[redacted]');

    const [outcome] = dossierEntries<OutcomeEntryData>(dossier, 'outcome');
    expect(outcome).toMatchObject({ status: 'rejected', closedAt: final.toISOString().replace(/\.\d+Z$/, (ms) => ms) });
    expect(outcome!.phases.map((p) => p.phase)).toEqual(['detect', 'contain', 'eradicate', 'recover']);
    expect(outcome!.phases.every((p) => typeof p.durationMs === 'number' && p.durationMs >= 0)).toBe(true);

    const [controls] = dossierEntries<ControlsEntryData>(dossier, 'controls');
    const cc74 = controls!.controls.find((c) => c.control === 'SOC2:CC7.4')!;
    expect(cc74.steps.map((s) => s.stepId)).toEqual(['block-egress', 'revoke']);
    expect(controls!.controls.find((c) => c.control === 'ISO27001:A.5.28')!.evidence).toEqual([{ stepId: 'collect-logs', name: evidence!.artifacts[0]!.name, sha256: evidence!.artifacts[0]!.sha256 }]);

    const [coverage] = dossierEntries<CoverageEntryData>(dossier, 'coverage');
    expect(coverage!.historyEventCount).toBe(history.events!.length);
    expect(coverage!.citedEvents + coverage!.omitted.reduce((sum, o) => sum + o.count, 0)).toBe(history.events!.length);
    expect(coverage!.omitted.find((o) => o.reason.startsWith('workflow tasks'))!.count).toBeGreaterThan(10);
    expect(dossier.head).toMatchObject({ historyEventCount: history.events!.length, lastEventId: Number(history.events![history.events!.length - 1]!.eventId) });
  });

  test('verifies offline and against Temporal; a changed byte, a removed entry, a swap or a wrong key fail naming the entry', async () => {
    const { file, dossier } = await exportJson();
    const ok = await runQuell(['audit', 'verify', file, '--public-key', path.join(work, 'signing.pub')], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('chain: intact');
    expect(ok.stdout).toContain('signature: valid');
    const live = await runQuell(['audit', 'verify', file, '--live'], env);
    expect(live).toMatchObject({ code: 0, stderr: '' });
    expect(live.stdout).toContain('live history: matches the dossier');

    const tampered = (name: string, change: (d: DossierDocument) => void): string => {
      const copy = JSON.parse(JSON.stringify(dossier)) as DossierDocument;
      change(copy);
      const target = path.join(work, `${name}.json`);
      fs.writeFileSync(target, JSON.stringify(copy, null, 2));
      return target;
    };
    const decisionIndex = dossier.entries.findIndex((e) => e.kind === 'decision');
    // One byte: the rejection's reason loses a letter where it first appears (the gate's error).
    const text = fs.readFileSync(file, 'utf8');
    const byteFile = path.join(work, 'byte.json');
    fs.writeFileSync(byteFile, text.replace('attacker still active', 'attacker still activ'));
    const rejectIndex = dossier.entries.findIndex((e) => JSON.stringify(e.data).includes('attacker still active'));
    expect(dossier.entries[rejectIndex]!.kind).toBe('step');
    const byte = await runQuell(['audit', 'verify', byteFile], env);
    expect(byte.code).not.toBe(0);
    expect(byte.stdout).toContain(`chain: BROKEN at entry ${rejectIndex}:`);

    const removed = await runQuell(['audit', 'verify', tampered('removed', (d) => d.entries.splice(decisionIndex, 1))], env);
    expect(removed.code).not.toBe(0);
    expect(removed.stdout).toContain(`chain: BROKEN at entry ${decisionIndex}: entry ${decisionIndex} is numbered seq ${decisionIndex + 1}`);

    const swapped = await runQuell(['audit', 'verify', tampered('swapped', (d) => ([d.entries[decisionIndex], d.entries[decisionIndex + 1]] = [d.entries[decisionIndex + 1]!, d.entries[decisionIndex]!]))], env);
    expect(swapped.code).not.toBe(0);
    expect(swapped.stdout).toContain(`chain: BROKEN at entry ${decisionIndex}:`);

    // Rehashing everything after an edit makes a consistent chain, but not the signed head.
    const wrongKey = await runQuell(['audit', 'verify', file, '--public-key', path.join(work, 'other.pub')], env);
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.stdout).toContain('signature: FAILED (key id mismatch');
  });

  test('quell audit controls answers "everything for CC7.4 since then" from the histories', async () => {
    const text = await runQuell(['audit', 'controls', '--since', '1h', '--control', 'SOC2:CC7.4'], env);
    expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: '' });
    expect(text.stdout).toContain('SOC2:CC7.4: 1 run(s) since');
    expect(text.stdout).toContain(`${workflowId}  audit-dossier v3  tabletop  rejected`);
    expect(text.stdout).toContain('steps: block-egress (compensated), revoke (succeeded)');
    const json = JSON.parse((await runQuell(['audit', 'controls', '--since', '1h', '--json'], env)).stdout) as Array<{ control: string; runs: Array<{ workflowId: string; evidence: Array<{ name: string }> }> }>;
    expect(json.map((report) => report.control)).toEqual(['ISO27001:A.5.26', 'ISO27001:A.5.28', 'NIST-800-61r3:RS.MI', 'SOC2:CC7.3', 'SOC2:CC7.4', 'SOC2:CC7.5']);
    expect(json.find((report) => report.control === 'SOC2:CC7.3')!.runs[0]!.evidence).toHaveLength(1);
    const csv = (await runQuell(['audit', 'controls', '--since', '1h', '--control', 'SOC2:CC7.5', '--csv'], env)).stdout.split('\n');
    expect(csv[0]).toBe('control,workflow_id,runbook,incident,mode,status,started_at,steps,evidence');
    expect(csv[1]).toMatch(new RegExp(`^SOC2:CC7\\.5,${workflowId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},audit-dossier v3,AUD-\\d+,tabletop,rejected,`));
    const bad = await runQuell(['audit', 'controls', '--since', 'last quarter'], env);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--since "last quarter" is not a time') });
  });

  test('the HTML dossier renders in headless Chromium with no console errors and no network requests', async () => {
    const file = path.join(work, 'dossier.html');
    const exported = await runQuell(['audit', 'export', workflowId, '--format', 'html', '--out', file], env);
    expect(exported.code).toBe(0);
    const visit = await visitHtmlFile(file, screenshotPath('audit-dossier'));
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.pageErrors).toEqual([]);
    expect(visit.requests).toEqual([]);
    expect(visit.activeElements).toEqual([]);
    expect(visit.title).toContain('[EXERCISE] Run dossier: Audit dossier fixture');
    expect(visit.visibleText).toContain('Verified: chain intact and signature valid');
    for (const fact of ['attacker still active', 'security-leads', 'egress.unblock', 'SOC2:CC7.4', 'bob (U0BOB)']) expect(visit.visibleText).toContain(fact);
    expect(visit.visibleText).not.toContain(TOKEN);
    expect(visit.screenshotBytes).toBeGreaterThan(10_000);

    const markdown = await runQuell(['audit', 'export', workflowId, '--format', 'md'], env);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('## Approvals and rejections');
    expect(markdown.stdout).not.toContain(TOKEN);
  });
});
