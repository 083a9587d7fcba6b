/**
 * Decision steps and early ends in the compliance dossier and the drill report, on the dev server.
 * Triage runs (tabletop) are answered through the client as deciders: a false positive ends the
 * run `completed: false-positive`, a confirmed compromise goes on, and a decision nobody answers
 * takes its default. With no worker running, `quell audit export` builds each dossier from the
 * history alone; the decision entry (question and its hash, options, each answer with actor,
 * person, surface, time, option, fields and reason, citing the Update's events, the quorum, how
 * it closed) and the outcome entry are compared with what the test did, the JSON verifies, and
 * the Markdown and HTML show the same facts. A drill over the triage runbook, with the first
 * decider unavailable, reports the question, the answer and who gave it, and the early end.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { buildApproversSetup } from '../../activities/approvers/build';
import { buildActivityDeps } from '../../activities/build-deps';
import { getDrillState, startDrill } from '../../client/drills';
import { answerDecision, getRunState, startRun } from '../../client/runs';
import type { RunResult, RunState } from '../../common/run-state';
import type { DecisionEntryData, DecisionStepEntryData, HumanActionEntryData, OutcomeEntryData, StepEntryData, CoverageEntryData } from '../../reports/audit/dossier-types';
import { buildDrillReport } from '../../reports/drill/build';
import { fetchDrillHistoriesWith } from '../../reports/drill/fetch-histories';
import { renderDrillReportHtml } from '../../reports/drill/html';
import { renderDrillReportMarkdown } from '../../reports/drill/markdown';
import { loadRunbookText } from '../../runbooks/load';
import { loadScenarioFile } from '../../runbooks/scenarios/load';
import type { Runbook } from '../../runbooks/schema';
import { screenshotPath, visitHtmlFile } from '../support/browser';
import { runQuell, type CliEnvironment } from '../support/cli';
import { eventually } from '../support/eventually';
import { waitForState } from '../support/run-driver';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, runLogger, startTestWorker, uniqueTaskQueue, type TestWorker } from '../support/temporal';
import { dossierEntries } from '../../reports/audit/dossier-view';
import { exportDossierJson, signedAuditCli } from '../support/audit-cli';

const TRIAGE = 'test/fixtures/runbooks/triage-decision.yaml';
const QUESTION = 'Is the alert on mallory a real compromise?';
const APPROVERS = `
version: 1
people:
  rita:  { cli: rita }
  alice: { cli: asmith }
  bob:   { cli: bsmith }
  lee:   { cli: lee }
groups:
  security-oncall: { people: [alice, bob, rita] }
  security-leads:  { people: [lee] }
`;
/** A decision nobody answers: after 2 s its timeout chooses the default. */
const QUIET = `id: quiet-decision
version: 1
title: A question nobody answers
severity: low
steps:
  - id: keep-or-drop
    decision:
      question: Keep the temporary block?
      deciders: [security-oncall]
      options: { keep: Keep it, drop: Drop it }
      timeout: 2s
      on_timeout: default
      default: keep
`;
const SCENARIO = `scenario: triage-drill
version: 1
title: Triage with the first decider away
runbook: triage-decision
duration: 10m
inputs: { principal: mallory }
participants: { facilitators: [security-leads], players: [security-oncall] }
objectives:
  - { id: triaged, description: The alert is triaged, steps: [triage], within: 5m }
injects:
  - { id: alice-away, at: 1s, title: Alice is on a flight, unavailable: { person: "cli:asmith" } }
`;

let work: string;
let taskQueue: string;
let client: Client;
let worker: TestWorker | undefined;
let env: CliEnvironment;
let triage: { runbook: Runbook; sha256: string };
const runs: Record<'falsePositive' | 'confirmed' | 'quiet', string> = { falsePositive: '', confirmed: '', quiet: '' };
const answered: Record<string, { before: number; after: number }> = {};

async function startWorker(): Promise<TestWorker> {
  const deps = await buildActivityDeps({ dataDir: work, tabletopLatencyMs: 0 }, runLogger('audit-decisions'));
  const approvers = buildApproversSetup(path.join(work, 'approvers.yaml'), undefined, runLogger('audit-decisions'));
  return startTestWorker({ taskQueue, deps: { ...deps, ...(approvers ? { approvers } : {}) } });
}

const stepOf = (state: RunState, id: string) => state.steps.find((step) => step.id === id)!;

async function startTriage(label: string, runbook = triage): Promise<string> {
  const handle = await startRun(client, {
    runbook: runbook.runbook,
    runbookSha256: runbook.sha256,
    inputs: runbook === triage ? { principal: 'mallory' } : {},
    mode: 'tabletop',
    requestedBy: 'rita',
    requestedVia: 'cli',
    incidentId: `AUD-DEC-${label}-${Date.now()}`,
    taskQueue,
  });
  return handle.workflowId;
}

/** Answers as a decider once the decision's membership is known, noting the call's bounds. */
async function answer(workflowId: string, actor: string, option: string, fields: Record<string, unknown>, reason?: string): Promise<void> {
  const open = await waitForState(() => getRunState(client, workflowId), (s) => stepOf(s, 'triage').decision?.policy === 'enforced', 20_000);
  const before = Date.now();
  await answerDecision(client, workflowId, { stepId: 'triage', actor, via: 'cli', option, fields, ...(reason ? { reason } : {}), questionSha256: stepOf(open, 'triage').decision!.questionSha256 });
  answered[workflowId] = { before, after: Date.now() };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-audit-decisions-'));
  fs.writeFileSync(path.join(work, 'approvers.yaml'), APPROVERS);
  taskQueue = uniqueTaskQueue('audit-decisions');
  client = await connectTestClient();
  worker = await startWorker();
  triage = await loadTestRunbook(TRIAGE);
  const quiet = loadRunbookText(QUIET, 'quiet-decision.yaml');
  if (!quiet.ok) throw new Error(JSON.stringify(quiet.errors));

  runs.falsePositive = await startTriage('FP');
  runs.confirmed = await startTriage('OK');
  runs.quiet = await startTriage('QUIET', { runbook: quiet.runbook, sha256: quiet.sha256 });
  await answer(runs.falsePositive, 'asmith', 'false-positive', { notes: 'Known scanner, ticket 4411', confidence: 'high' }, 'the source is our own scanner');
  await answer(runs.confirmed, 'bsmith', 'confirmed', { notes: 'Logins from two continents' });
  for (const id of Object.values(runs)) expect(((await client.workflow.getHandle(id).result()) as RunResult).status).toBe('completed');
  // Everything after this reads the histories alone: no worker polls the queue.
  await worker.stop();
  worker = undefined;
  env = signedAuditCli(work, taskQueue);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const exportDossier = (workflowId: string) => exportDossierJson(env, work, workflowId);

describe('decisions and early ends in the dossier', () => {
  test('a false positive: the question, the answer with its person, fields and events, and the run completed with that outcome', async () => {
    const workflowId = runs.falsePositive;
    const { dossier } = await exportDossier(workflowId);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const byId = new Map((history.events ?? []).map((event) => [Number(event.eventId), event]));

    const [decision, ...others] = dossierEntries<DecisionStepEntryData>(dossier, 'decision-step');
    expect(others).toEqual([]);
    expect(decision).toMatchObject({
      stepId: 'triage',
      question: QUESTION,
      questionSha256: createHash('sha256').update(QUESTION, 'utf8').digest('hex'),
      options: [
        { id: 'confirmed', label: 'Confirmed compromise, contain now' },
        { id: 'false-positive', label: 'False positive, close the incident' },
      ],
      deciders: ['security-oncall'],
      quorum: 1,
      policy: 'enforced',
      outcome: 'answered',
      chosen: 'false-positive',
      chosenLabel: 'False positive, close the incident',
      chosenBy: ['alice'],
      escalated: false,
    });
    expect(decision!.fields.map((field) => [field.name, field.type, field.required])).toEqual([
      ['notes', 'string', true],
      ['confidence', 'string', false],
    ]);
    expect(decision!.answers).toHaveLength(1);
    const [given] = decision!.answers;
    expect(given).toMatchObject({
      actor: 'asmith',
      person: 'alice',
      surface: 'cli',
      option: 'false-positive',
      fields: { notes: 'Known scanner, ticket 4411', confidence: 'high' },
      reason: 'the source is our own scanner',
      questionSha256: decision!.questionSha256,
      questionMatchesDecision: true,
      decisionAfter: 'answered: false-positive',
    });
    const at = Date.parse(given!.at);
    expect(at).toBeGreaterThanOrEqual(answered[workflowId]!.before - 5);
    expect(at).toBeLessThanOrEqual(answered[workflowId]!.after + 5);
    // The cited events are the accepted and completed answerDecision Update.
    const accepted = byId.get(given!.acceptedEventId)?.workflowExecutionUpdateAcceptedEventAttributes;
    expect(accepted?.acceptedRequest?.input?.name).toBe('answerDecision');
    const completed = byId.get(given!.completedEventId!)?.workflowExecutionUpdateCompletedEventAttributes;
    expect(Number(completed?.acceptedEventId)).toBe(given!.acceptedEventId);
    expect(Date.parse(decision!.askedAt!)).toBeLessThanOrEqual(at);
    expect(Date.parse(decision!.closedAt!)).toBeGreaterThanOrEqual(at);

    // An answer is neither an approval decision nor another human action.
    expect(dossierEntries<DecisionEntryData>(dossier, 'decision')).toEqual([]);
    expect(dossierEntries<HumanActionEntryData>(dossier, 'human-action')).toEqual([]);
    const [coverage] = dossierEntries<CoverageEntryData>(dossier, 'coverage');
    expect(coverage!.omitted.map((group) => group.reason)).not.toContain('Updates refused by the workflow');

    const steps = new Map(dossierEntries<StepEntryData>(dossier, 'step').map((step) => [step.stepId, step]));
    expect(steps.get('triage')).toMatchObject({ kind: 'decision', status: 'succeeded', actor: 'alice' });
    expect(steps.get('triage')!.eventIds).toEqual(expect.arrayContaining([given!.acceptedEventId, given!.completedEventId]));
    expect(steps.get('close-false-positive')).toMatchObject({ kind: 'end', status: 'succeeded' });
    for (const skipped of ['revoke-sessions', 'tell-the-team']) {
      expect(steps.get(skipped)).toMatchObject({ status: 'skipped', skippedBecause: 'the run ended at step close-false-positive (false-positive)' });
    }

    const [outcome] = dossierEntries<OutcomeEntryData>(dossier, 'outcome');
    expect(outcome).toMatchObject({ status: 'completed: false-positive', ended: { outcome: 'false-positive', step: 'close-false-positive', summary: 'Known scanner, ticket 4411' } });
    expect(Date.parse(outcome!.ended!.at)).toBeGreaterThanOrEqual(at);
    expect(Date.parse(outcome!.ended!.at)).toBeLessThanOrEqual(Date.parse(outcome!.closedAt!));
  });

  test('a confirmed compromise goes on, and a decision nobody answered records its default', async () => {
    const confirmed = (await exportDossier(runs.confirmed)).dossier;
    const [decision] = dossierEntries<DecisionStepEntryData>(confirmed, 'decision-step');
    expect(decision).toMatchObject({ outcome: 'answered', chosen: 'confirmed', chosenBy: ['bob'] });
    expect(decision!.answers.map((a) => [a.actor, a.person, a.option, a.fields])).toEqual([['bsmith', 'bob', 'confirmed', { notes: 'Logins from two continents' }]]);
    const [outcome] = dossierEntries<OutcomeEntryData>(confirmed, 'outcome');
    expect(outcome!.status).toBe('completed');
    expect(outcome!.ended).toBeUndefined();
    expect(dossierEntries<StepEntryData>(confirmed, 'step').find((step) => step.stepId === 'close-false-positive')).toMatchObject({ status: 'skipped', skippedBecause: expect.stringContaining('is false') });

    const quiet = (await exportDossier(runs.quiet)).dossier;
    const [defaulted] = dossierEntries<DecisionStepEntryData>(quiet, 'decision-step');
    expect(defaulted).toMatchObject({ stepId: 'keep-or-drop', question: 'Keep the temporary block?', outcome: 'defaulted', chosen: 'keep', chosenBy: [], answers: [] });
    // The default came after the 2 s timeout.
    expect(Date.parse(defaulted!.closedAt!) - Date.parse(defaulted!.askedAt!)).toBeGreaterThanOrEqual(2_000);
  });

  test('the dossier verifies, and its Markdown and HTML show the decision and the early end', async () => {
    const workflowId = runs.falsePositive;
    const { file } = await exportDossier(workflowId);
    const verified = await runQuell(['audit', 'verify', file, '--public-key', path.join(work, 'signing.pub')], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('chain: intact');
    expect(verified.stdout).toContain('signature: valid');
    const live = await runQuell(['audit', 'verify', file, '--live'], env);
    expect(live).toMatchObject({ code: 0, stderr: '' });
    expect(live.stdout).toContain('live history: matches the dossier');

    const markdown = await runQuell(['audit', 'export', workflowId, '--format', 'md'], env);
    expect(markdown.code).toBe(0);
    for (const fact of ['## Decisions', QUESTION, 'alice (asmith)', 'notes: Known scanner, ticket 4411; confidence: high', 'the source is our own scanner', 'answered: false-positive', '**completed: false-positive**', 'ended at step `close-false-positive`: Known scanner, ticket 4411', 'the run ended at step close-false-positive (false-positive)']) {
      expect(markdown.stdout).toContain(fact);
    }

    const html = path.join(work, 'dossier.html');
    expect((await runQuell(['audit', 'export', workflowId, '--format', 'html', '--out', html], env)).code).toBe(0);
    const visit = await visitHtmlFile(html, screenshotPath('audit-decisions'));
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.pageErrors).toEqual([]);
    expect(visit.requests).toEqual([]);
    expect(visit.visibleText).toContain('Verified: chain intact and signature valid');
    for (const fact of ['Decisions', QUESTION, 'alice (asmith)', 'notes: Known scanner, ticket 4411', 'completed: false-positive', 'step close-false-positive', 'the run ended at step close-false-positive (false-positive)']) {
      expect(visit.visibleText).toContain(fact);
    }
  });
});

describe('decisions and early ends in the drill report', () => {
  test('shows the question, who answered with what, the unavailable decider, and the run ended early', async () => {
    worker = await startWorker();
    fs.writeFileSync(path.join(work, 'triage-drill.drill.yaml'), SCENARIO);
    const loaded = loadScenarioFile(path.join(work, 'triage-drill.drill.yaml'), new Map([[triage.runbook.id, triage.runbook]]));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const handle = await startDrill(client, {
      scenario: loaded.scenario,
      scenarioSha256: loaded.sha256,
      runbook: triage.runbook,
      runbookSha256: triage.sha256,
      followUpRunbooks: {},
      exerciseId: `triage-${Date.now()}`,
      requestedBy: 'rita',
      requestedVia: 'cli',
      taskQueue,
    });
    const drillId = handle.workflowId;
    const runId = `${drillId}:run`;
    await eventually('alice-away fired', async () => (await getDrillState(client, drillId)).injects.find((inject) => inject.id === 'alice-away')?.status === 'fired');
    const open = await waitForState(() => getRunState(client, runId), (s) => stepOf(s, 'triage').decision?.policy === 'enforced', 20_000);
    const questionSha256 = stepOf(open, 'triage').decision!.questionSha256;
    // Alice is on a flight: her answer is refused; Bob (bsmith on the CLI) answers instead.
    await expect(answerDecision(client, runId, { stepId: 'triage', actor: 'asmith', via: 'cli', option: 'confirmed', fields: { notes: 'x' }, questionSha256 })).rejects.toMatchObject({
      code: 'refused',
      message: expect.stringContaining('asmith is unavailable for this drill (inject alice-away)'),
    });
    await answerDecision(client, runId, { stepId: 'triage', actor: 'bsmith', via: 'cli', option: 'false-positive', fields: { notes: 'Scanner again', confidence: 'medium' }, reason: 'seen last week', questionSha256 });
    await handle.result();

    const report = buildDrillReport(await fetchDrillHistoriesWith(client.workflow, drillId));
    expect(report.figures.approvals).toEqual([]);
    expect(report.figures.decisions).toEqual([
      expect.objectContaining({ stepId: 'triage', question: QUESTION, quorum: 1, outcome: 'answered', chosen: 'false-positive', chosenLabel: 'False positive, close the incident', answeredBy: ['bob'], closed: expect.objectContaining({ ref: expect.stringMatching(/^run#\d+$/) }) }),
    ]);
    expect(report.figures.decisions![0]!.answers).toEqual([
      expect.objectContaining({ what: 'answerDecision', stepId: 'triage', actor: 'bsmith', person: 'bob', via: 'cli', option: 'false-positive', fields: { notes: 'Scanner again', confidence: 'medium' }, reason: 'seen last week' }),
    ]);
    expect(report.figures.firstAction).toMatchObject({ what: 'answerDecision', actor: 'bsmith' });
    expect(report.objectives[0]).toMatchObject({ id: 'triaged', verdict: 'met' });
    expect(report.run).toMatchObject({ status: 'completed', ended: { outcome: 'false-positive', step: 'close-false-positive', summary: 'Scanner again' } });
    expect(report.figures.stepsSkipped.map((mark) => [mark.stepId, mark.detail])).toEqual([
      ['revoke-sessions', 'the run ended at step close-false-positive (false-positive)'],
      ['tell-the-team', 'the run ended at step close-false-positive (false-positive)'],
    ]);
    const away = report.injects.find((inject) => inject.id === 'alice-away')!;
    expect(away.handling).toMatchObject({ kind: 'unavailable', person: 'cli:asmith', gateStepId: 'triage', resolution: 'decided-by-others', decidedBy: ['bob'] });
    // Deciding is an approver's role, whether approving or answering.
    expect(report.participants.people.find((person) => person.actor === 'bsmith')?.roles).toEqual(['approver']);
    expect(report.timeline.find((line) => line.kind === 'decision.answer')).toMatchObject({ actor: 'bsmith', stepId: 'triage', text: 'answered false-positive at decision triage: seen last week' });

    const markdown = renderDrillReportMarkdown(report);
    for (const fact of ['### Decisions', QUESTION, 'answered: false-positive', 'notes: Scanner again; confidence: medium', 'completed: false-positive (ended at `close-false-positive`: Scanner again)']) expect(markdown).toContain(fact);
    const page = path.join(work, 'drill.html');
    fs.writeFileSync(page, renderDrillReportHtml(report));
    const visit = await visitHtmlFile(page, screenshotPath('audit-decisions-drill'));
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.requests).toEqual([]);
    for (const fact of ['Decisions', QUESTION, 'answered: false-positive', 'notes: Scanner again; confidence: medium', 'run completed: false-positive', 'false-positive at step close-false-positive']) expect(visit.visibleText).toContain(fact);
    await worker.stop();
    worker = undefined;
  }, 90_000);
});
