/**
 * Child runs and severity changes in the compliance dossier, on the dev server.
 *
 * A tabletop run of sub/contain-host.yaml starts block-and-hold as a child run; a tabletop run of
 * regrade.yaml is re-graded from medium to critical by the answer to its decision. With no worker
 * running, `quell audit export` builds the dossiers from the histories alone: the parent's
 * child-run entry (the child's id, runbook and version, when it started and closed, how it ended,
 * the step's output) is compared with the runs' own records and its cited events with the raw
 * history; the export names the child's own dossier; the child's dossier names its parent; the
 * re-graded run's outcome lists the change, citing the search attribute update that set it. All
 * verify offline, and the Markdown and HTML show the same facts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { answerDecision, getRunState } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import type { ChildRunEntryData, CoverageEntryData, OutcomeEntryData, RunEntryData, StepEntryData } from '../../reports/audit/dossier-types';
import { childRunFigures, childTimelineWords, severityFigure } from '../../reports/drill/child-figures';
import { HistoryDrillClock } from '../../reports/drill/drill-time';
import { HistoryView } from '../../reports/drill/history';
import { ChildRunFigure, SeverityFigure } from '../../reports/drill/report-types';
import { readRunFacts } from '../../reports/drill/run-facts';
import { screenshotPath, visitHtmlFile } from '../support/browser';
import { runQuell, type CliEnvironment } from '../support/cli';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitForState } from '../support/run-driver';
import { connectTestClient } from '../support/temporal';
import { dossierEntries } from '../../reports/audit/dossier-view';
import { exportDossierJson, signedAuditCli } from '../support/audit-cli';

const PARENT = 'test/fixtures/runbooks/sub/contain-host.yaml';
const REGRADE = 'test/fixtures/runbooks/regrade.yaml';
const SEQUENCES = 'test/fixtures/runbooks/parallel-sequences.yaml';

type Event = temporal.api.history.v1.IHistoryEvent;

let work: string;
let engine: TestEngine | undefined;
let client: Client;
let env: CliEnvironment;
const runs = { parent: '', child: '', regrade: '', sequences: '' };
const finals: Record<string, RunResult> = {};

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-audit-children-'));
  engine = await startTestEngine('audit-children');
  runs.parent = await engine.start(PARENT, { cidr: '192.0.2.40/32' });
  runs.regrade = await engine.start(REGRADE);
  runs.sequences = await engine.start(SEQUENCES);
  const open = await waitForState(() => getRunState(engine!.client, runs.regrade), (s) => s.steps[0]!.decision?.policy !== undefined);
  await answerDecision(engine.client, runs.regrade, { stepId: 'assess', actor: 'rita.requester', via: 'api', option: 'spreading', fields: { severity: 'critical' }, questionSha256: open.steps[0]!.decision!.questionSha256 });
  finals[runs.parent] = (await engine.client.workflow.getHandle(runs.parent).result()) as RunResult;
  finals[runs.regrade] = (await engine.client.workflow.getHandle(runs.regrade).result()) as RunResult;
  runs.child = finals[runs.parent]!.state.steps[0]!.child!.workflowId;
  finals[runs.child] = (await engine.client.workflow.getHandle(runs.child).result()) as RunResult;
  finals[runs.sequences] = (await engine.client.workflow.getHandle(runs.sequences).result()) as RunResult;
  for (const id of Object.values(runs)) expect(finals[id]!.status).toBe('completed');
  // Everything after this reads the histories alone: no worker polls the queue.
  const taskQueue = engine.taskQueue;
  await engine.stop();
  engine = undefined;
  client = await connectTestClient();
  env = signedAuditCli(work, taskQueue);
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await client?.connection.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function eventsOf(workflowId: string): Promise<Map<number, Event>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return new Map((history.events ?? []).map((event) => [Number(event.eventId), event]));
}

const isoOf = (event: Event): string => new Date(Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6)).toISOString();

const exportDossier = (workflowId: string) => exportDossierJson(env, work, workflowId);

describe('a parent and its child run', () => {
  test("the parent's child-run entry matches the run and cites the child-workflow events", async () => {
    const { dossier, stdout } = await exportDossier(runs.parent);
    const contain = finals[runs.parent]!.state.steps.find((step) => step.id === 'contain')!;
    const [child, ...others] = dossierEntries<ChildRunEntryData>(dossier, 'child-run');
    expect(others).toEqual([]);
    expect(child).toMatchObject({
      stepId: 'contain',
      workflowId: runs.child,
      runbookId: contain.child!.runbookId,
      version: contain.child!.version,
      status: contain.child!.status,
      ownDossier: `quell audit export ${runs.child}`,
    });
    expect(child!.workflowId).toBe(`${runs.parent}/contain`);
    expect(child!.runbookId).toBe('block-and-hold');
    expect(child!.status).toBe('completed');
    expect(child!.outputSummary).toContain(`workflow_id=${runs.child}`);
    expect(child!.outputSummary).toContain('status=completed');

    const events = await eventsOf(runs.parent);
    const initiated = events.get(child!.initiatedEventId!)!;
    const started = events.get(child!.startedEventId!)!;
    const closed = events.get(child!.closedEventId!)!;
    expect(initiated.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId).toBe(runs.child);
    expect(started.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId).toBe(runs.child);
    expect(Number(started.childWorkflowExecutionStartedEventAttributes?.initiatedEventId)).toBe(child!.initiatedEventId);
    expect(closed.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId).toBe(runs.child);
    expect([child!.initiatedAt, child!.startedAt, child!.closedAt]).toEqual([isoOf(initiated), isoOf(started), isoOf(closed)]);
    // The child's own record agrees: it started after the parent asked for it and ended before the parent heard.
    const childState = finals[runs.child]!.state;
    expect(Date.parse(childState.startedAt)).toBeGreaterThanOrEqual(Date.parse(child!.initiatedAt!) - 1);
    expect(Date.parse(childState.endedAt!)).toBeLessThanOrEqual(Date.parse(child!.closedAt!) + 1);

    // The child-workflow events are cited, so none of them is counted as left out.
    const [coverage] = dossierEntries<CoverageEntryData>(dossier, 'coverage');
    const leftOut = coverage!.omitted.flatMap((group) => Object.keys(group.eventTypes));
    expect(leftOut.filter((type) => type.includes('ChildWorkflow'))).toEqual([]);
    // The export says where the child's own steps are.
    expect(stdout).toContain(`child run ${runs.child} (step contain) has its own dossier: quell audit export ${runs.child}`);
  });

  test("the child's dossier names its parent from its own history", async () => {
    const { dossier } = await exportDossier(runs.child);
    const [run] = dossierEntries<RunEntryData>(dossier, 'run');
    expect(run!.workflowId).toBe(runs.child);
    expect(run!.parent).toEqual({ workflowId: runs.parent, stepId: 'contain', startEventNamesParent: true });
    expect(dossierEntries(dossier, 'child-run')).toEqual([]);
    const start = (await eventsOf(runs.child)).get(run!.startEventId)!;
    expect(start.workflowExecutionStartedEventAttributes?.parentWorkflowExecution?.workflowId).toBe(runs.parent);
  });

  test('both verify offline; Markdown and HTML show the link both ways', async () => {
    for (const workflowId of [runs.parent, runs.child]) {
      const { file } = await exportDossier(workflowId);
      const verified = await runQuell(['audit', 'verify', file, '--public-key', path.join(work, 'signing.pub')], env);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toContain('chain: intact');
      expect(verified.stdout).toContain('signature: valid');
    }
    const parentMarkdown = await runQuell(['audit', 'export', runs.parent, '--format', 'md'], env);
    expect(parentMarkdown.code).toBe(0);
    for (const fact of ['## Child runs', 'block-and-hold v1', `Each child run has its own dossier: \`quell audit export ${runs.child}\``, 'Severity: high throughout']) {
      expect(parentMarkdown.stdout).toContain(fact);
    }
    // Printed to the terminal, the pointer to the child's dossier goes beside the document.
    expect(parentMarkdown.stderr).toContain(`has its own dossier: quell audit export ${runs.child}`);
    const childMarkdown = await runQuell(['audit', 'export', runs.child, '--format', 'md'], env);
    expect(childMarkdown.stdout).toContain(`Child run of \`${runs.parent}\`, started by its step \`contain\``);

    const page = path.join(work, 'parent.html');
    expect((await runQuell(['audit', 'export', runs.parent, '--format', 'html', '--out', page], env)).code).toBe(0);
    const visit = await visitHtmlFile(page, screenshotPath('audit-children-parent'));
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.requests).toEqual([]);
    for (const fact of ['Verified: chain intact and signature valid', 'Child runs', runs.child, `quell audit export ${runs.child}`, 'completed']) expect(visit.visibleText).toContain(fact);
  });
});

describe('a run re-graded by its severity step', () => {
  test('the outcome lists the change with its step and time, citing the search attribute update', async () => {
    const { dossier, file } = await exportDossier(runs.regrade);
    const recorded = finals[runs.regrade]!.state.severity!;
    const [outcome] = dossierEntries<OutcomeEntryData>(dossier, 'outcome');
    expect(outcome!.severity).toEqual({
      declared: 'medium',
      final: recorded.current,
      changes: recorded.changes.map((change) => ({ ...change, eventId: expect.any(Number) })),
    });
    expect(outcome!.severity!.final).toBe('critical');
    const [change] = outcome!.severity!.changes;
    expect(change).toMatchObject({ from: 'medium', to: 'critical', step: 'regrade', reason: 'the assessment says so' });

    const cited = (await eventsOf(runs.regrade)).get(change!.eventId!)!;
    const payload = cited.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.QuellSeverity;
    expect(payload).toBeDefined();
    expect([defaultPayloadConverter.fromPayload(payload!)].flat()).toEqual(['critical']);
    // The update happened while the step ran: not before the change was recorded, and before the run ended.
    expect(Date.parse(isoOf(cited))).toBeGreaterThanOrEqual(Date.parse(change!.at) - 1000);
    expect(Date.parse(isoOf(cited))).toBeLessThanOrEqual(Date.parse(outcome!.closedAt!));

    const verified = await runQuell(['audit', 'verify', file, '--public-key', path.join(work, 'signing.pub')], env);
    expect(verified.code).toBe(0);
    const markdown = await runQuell(['audit', 'export', runs.regrade, '--format', 'md'], env);
    for (const fact of ['Severity: declared medium, final critical (1 change)', '## Severity changes', `#${change!.eventId}`, 'the assessment says so', 'severity medium → critical by regrade']) {
      expect(markdown.stdout).toContain(fact);
    }
  });
});

describe('background steps and sequences', () => {
  test('step entries say which step runs in the background and where it joins, and which sequence holds a step', async () => {
    const { dossier } = await exportDossier(runs.sequences);
    const steps = new Map(dossierEntries<StepEntryData>(dossier, 'step').map((step) => [step.stepId, step]));
    expect(steps.get('legal-clock')).toMatchObject({ kind: 'sequence', background: { joinsAt: 'close' } });
    expect(steps.get('notify-legal')).toMatchObject({ parent: 'legal-clock', inSequence: 'legal-clock' });
    expect(steps.get('revoke')).toMatchObject({ parent: 'identity', inSequence: 'identity' });
    // A branch sits in a parallel step, not a sequence; a step in turn says neither.
    expect(steps.get('identity')).toMatchObject({ parent: 'contain' });
    expect(steps.get('identity')!.inSequence).toBeUndefined();
    for (const id of ['close', 'contain', 'notify-legal']) expect(steps.get(id)!.background).toBeUndefined();
    const recorded = finals[runs.sequences]!.state.steps;
    for (const state of recorded) expect([state.id, steps.get(state.id)?.status]).toEqual([state.id, state.status]);
    const markdown = await runQuell(['audit', 'export', runs.sequences, '--format', 'md'], env);
    for (const fact of ['sequence, background (joins at close)', 'in sequence legal-clock', 'in sequence identity']) expect(markdown.stdout).toContain(fact);
  });
});

describe("the drill report's figures and timeline, over the same histories", () => {
  // A drill's run is read the same way as these runs: its history, on a clock from the drill's launch.
  async function factsOf(workflowId: string) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const run = readRunFacts(new HistoryView('run', history), workflowId);
    return { run, clock: new HistoryDrillClock(run.view.started!.timeMs, []) };
  }

  test('a child run shows with its start, end and status; a re-grade with its update', async () => {
    const parent = await factsOf(runs.parent);
    const [figure, ...others] = childRunFigures(parent, parent.run).map((entry) => ChildRunFigure.parse(entry));
    expect(others).toEqual([]);
    const { dossier } = await exportDossier(runs.parent);
    const [entry] = dossierEntries<ChildRunEntryData>(dossier, 'child-run');
    expect(figure).toMatchObject({ stepId: 'contain', workflowId: runs.child, runbookId: 'block-and-hold', version: 1, status: 'completed' });
    expect([figure!.started?.ref, figure!.ended?.ref]).toEqual([`run#${entry!.startedEventId}`, `run#${entry!.closedEventId}`]);
    expect(figure!.ended!.drillMs).toBeGreaterThanOrEqual(figure!.started!.drillMs);
    const words = childTimelineWords(parent.run);
    expect(words.get(entry!.startedEventId!)).toEqual({ kind: 'child.started', stepId: 'contain', text: `child run ${runs.child} started (block-and-hold v1)` });
    expect(words.get(entry!.closedEventId!)).toEqual({ kind: 'child.ended', stepId: 'contain', text: `child run ${runs.child} ended completed` });

    const regrade = await factsOf(runs.regrade);
    const severity = SeverityFigure.parse(severityFigure(regrade, regrade.run));
    expect(severity).toMatchObject({ declared: 'medium', final: 'critical', changes: [{ from: 'medium', to: 'critical', step: 'regrade', reason: 'the assessment says so' }] });
    const eventId = Number(severity.changes[0]!.changed!.ref.split('#')[1]);
    expect(childTimelineWords(regrade.run).get(eventId)).toMatchObject({ kind: 'run.severity', stepId: 'regrade' });
    const [outcome] = dossierEntries<OutcomeEntryData>((await exportDossier(runs.regrade)).dossier, 'outcome');
    expect(eventId).toBe(outcome!.severity!.changes[0]!.eventId);
  });
});
