/**
 * Loops and observation windows in the compliance dossier and the drill report, on the dev server.
 *
 * A tabletop run of foreach-keys.yaml works through four keys two at a time (AKIABROKEN fails its
 * own item, the others go on) and is then cancelled, which undoes each item's block. A tabletop
 * run of observe-tabletop.yaml opens two windows: one whose condition holds at its third check,
 * one whose condition never holds and closes when its 3 s are over, after four checks. With no
 * worker running, `quell audit export` builds both dossiers from the histories alone; the loop
 * entry (items, statuses, the failed item's step and error), each item's step entries (qualified
 * ids, attributed to the loop and the item, attempts as the history's ActivityTaskStarted says)
 * and the window entries (checks as scheduled in the history, each cited, outcome and times) are
 * compared with the runs' own records and the raw history. Both dossiers verify offline; the
 * Markdown and HTML show the sections. Two drills, one over each runbook, report the loop's items
 * and the windows' checks in their figures and timeline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { buildApproversSetup } from '../../activities/approvers/build';
import { buildActivityDeps } from '../../activities/build-deps';
import { startDrill } from '../../client/drills';
import { cancelRun, completeManual, getRunState, startRun } from '../../client/runs';
import type { RunResult, RunState, StepState } from '../../common/run-state';
import type { CompensationEntryData, CoverageEntryData, LoopEntryData, StepEntryData, WindowEntryData } from '../../reports/audit/dossier-types';
import { buildDrillReport } from '../../reports/drill/build';
import { fetchDrillHistoriesWith } from '../../reports/drill/fetch-histories';
import { renderDrillReportHtml } from '../../reports/drill/html';
import { renderDrillReportMarkdown } from '../../reports/drill/markdown';
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

const LOOP_RUNBOOK = 'test/fixtures/runbooks/foreach-keys.yaml';
const WINDOW_RUNBOOK = 'test/fixtures/runbooks/observe-tabletop.yaml';
const KEYS = ['AKIAONE', 'AKIATWO', 'AKIABROKEN', 'AKIAFOUR'];
const APPROVERS = `
version: 1
people:
  rita:  { cli: rita }
  bob:   { cli: bob }
groups:
  security-oncall: { people: [bob] }
  security-leads:  { people: [rita] }
`;
const scenario = (id: string, runbook: string, inputs: string, step: string) => `scenario: ${id}
version: 1
title: ${id}
runbook: ${runbook}
duration: 10m
inputs: ${inputs}
participants: { facilitators: [security-leads], players: [security-oncall] }
objectives:
  - { id: done, description: The step is done, steps: [${step}], within: 5m }
`;

type Event = temporal.api.history.v1.IHistoryEvent;

let work: string;
let taskQueue: string;
let client: Client;
let worker: TestWorker | undefined;
let env: CliEnvironment;
let loopRunbook: { runbook: Runbook; sha256: string };
let windowRunbook: { runbook: Runbook; sha256: string };
const runs = { loop: '', windows: '' };
const finals: Record<string, RunResult> = {};

async function startWorker(): Promise<TestWorker> {
  const deps = await buildActivityDeps({ dataDir: work, tabletopLatencyMs: 0 }, runLogger('audit-loops-windows'));
  const approvers = buildApproversSetup(path.join(work, 'approvers.yaml'), undefined, runLogger('audit-loops-windows'));
  return startTestWorker({ taskQueue, deps: { ...deps, ...(approvers ? { approvers } : {}) } });
}

const stepOf = (state: RunState, id: string): StepState | undefined => state.steps.find((step) => step.id === id);

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-audit-loops-'));
  fs.writeFileSync(path.join(work, 'approvers.yaml'), APPROVERS);
  taskQueue = uniqueTaskQueue('audit-loops');
  client = await connectTestClient();
  worker = await startWorker();
  loopRunbook = await loadTestRunbook(LOOP_RUNBOOK);
  windowRunbook = await loadTestRunbook(WINDOW_RUNBOOK);
  const start = (loaded: { runbook: Runbook; sha256: string }, inputs: Record<string, unknown>, label: string) =>
    startRun(client, { runbook: loaded.runbook, runbookSha256: loaded.sha256, inputs, mode: 'tabletop', requestedBy: 'rita', requestedVia: 'cli', incidentId: `AUD-${label}-${Date.now()}`, taskQueue });
  runs.loop = (await start(loopRunbook, { keys: KEYS }, 'LOOP')).workflowId;
  runs.windows = (await start(windowRunbook, { principal: 'mallory' }, 'WATCH')).workflowId;

  // The loop is done once the run holds at its manual task; the cancel then undoes each item's block.
  await waitForState(() => getRunState(client, runs.loop), (s) => stepOf(s, 'hold')?.status === 'waiting', 60_000);
  await cancelRun(client, runs.loop, { actor: 'rita', via: 'cli', reason: 'loop audited' });
  for (const id of Object.values(runs)) finals[id] = (await client.workflow.getHandle(id).result()) as RunResult;
  expect(finals[runs.loop]!.status).toBe('cancelled');
  expect(finals[runs.windows]!.status).toBe('completed');
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

/** One action activity as the raw history shows it (payloads are plain JSON in tests). */
interface RawCall {
  scheduled: Event;
  stepId: string;
  idempotencyKey: string;
  purpose: string;
  attempt?: number;
  end?: Event;
}

async function historyOf(workflowId: string): Promise<{ byId: Map<number, Event>; calls: RawCall[]; timeMs: (id: number) => number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const byId = new Map(events.map((event) => [Number(event.eventId), event]));
  const calls = new Map<number, RawCall>();
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const request = JSON.parse(Buffer.from(scheduled.input!.payloads![0]!.data!).toString('utf8')) as { stepId?: string; idempotencyKey?: string; purpose?: string };
      if (request.stepId && request.idempotencyKey) calls.set(Number(event.eventId), { scheduled: event, stepId: request.stepId, idempotencyKey: request.idempotencyKey, purpose: request.purpose ?? 'perform' });
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const call = calls.get(Number(started.scheduledEventId));
      if (call) call.attempt = started.attempt ?? undefined;
    }
    const ended = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (ended) {
      const call = calls.get(Number(ended.scheduledEventId));
      if (call) call.end = event;
    }
  }
  const timeMs = (id: number) => {
    const time = byId.get(id)!.eventTime!;
    return Number(time.seconds) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
  };
  return { byId, calls: [...calls.values()], timeMs };
}

const exportDossier = (workflowId: string) => exportDossierJson(env, work, workflowId);

describe('loops in the dossier', () => {
  test('the loop entry lists every item as the run recorded it, the failed one with its step and error', async () => {
    const { dossier } = await exportDossier(runs.loop);
    const recorded = finals[runs.loop]!.state.steps.find((step) => step.id === 'each-key')!;
    const [loop, ...others] = dossierEntries<LoopEntryData>(dossier, 'loop');
    expect(others).toEqual([]);
    expect(loop).toMatchObject({ stepId: 'each-key', status: recorded.status, concurrency: 2, onItemFailure: 'continue', total: 4, succeeded: 3, failed: 1, skipped: 0 });
    expect(recorded.status).toBe('succeeded');
    expect(loop!.items.map((item) => [item.index, item.label, item.status])).toEqual(recorded.foreach!.items.map((item) => [item.index, item.label, item.status]));
    expect(loop!.items.map((item) => item.label)).toEqual(KEYS);
    const broken = loop!.items[2]!;
    expect(broken).toMatchObject({ status: 'failed', failedStep: 'each-key[2].check', error: recorded.foreach!.items[2]!.error!.message });
    expect(broken.error).toContain('could not evaluate when');
    expect(loop!.items.filter((item) => item.status === 'succeeded').every((item) => item.failedStep === undefined && item.error === undefined)).toBe(true);
    for (const item of loop!.items) expect(item.steps).toEqual(['check', 'pause', 'block'].map((inner) => `each-key[${item.index}].${inner}`));
  });

  test("each item's steps are step entries of their own, attributed to the loop and the item, with the history's attempts", async () => {
    const { dossier } = await exportDossier(runs.loop);
    const { byId, calls } = await historyOf(runs.loop);
    const steps = dossierEntries<StepEntryData>(dossier, 'step');
    const recorded = finals[runs.loop]!.state.steps.filter((step) => step.parent === 'each-key');
    expect(recorded).toHaveLength(12);

    // The loop's body appears under qualified ids only, right after the loop, item by item.
    const ids = steps.map((step) => step.stepId);
    expect(ids.filter((id) => ['check', 'pause', 'block'].includes(id))).toEqual([]);
    const itemIds = ids.slice(ids.indexOf('each-key') + 1, ids.indexOf('summary'));
    expect(itemIds).toEqual(recorded.map((step) => step.id));
    for (const state of recorded) {
      const entry = steps.find((step) => step.stepId === state.id)!;
      expect(entry).toMatchObject({ parent: 'each-key', item: state.item, status: state.status, kind: state.kind });
      if (state.skippedBecause) expect(entry.skippedBecause).toBe(state.skippedBecause);
    }
    expect(steps.find((step) => step.stepId === 'each-key[2].check')).toMatchObject({ status: 'failed', error: expect.stringContaining('could not evaluate when') });
    expect(steps.find((step) => step.stepId === 'each-key[2].block')).toMatchObject({ status: 'skipped', skippedBecause: 'item 2 stopped at each-key[2].check' });

    // An item step's attempts are its own activity's, as ActivityTaskStarted.attempt says.
    const performed = steps.filter((step) => step.item !== undefined && step.action);
    expect(performed.map((step) => step.stepId)).toEqual(['each-key[0].check', 'each-key[0].block', 'each-key[1].check', 'each-key[1].block', 'each-key[2].check', 'each-key[2].block', 'each-key[3].check', 'each-key[3].block']);
    for (const step of performed.filter((candidate) => candidate.status !== 'failed' && candidate.status !== 'skipped')) {
      const [call, ...again] = calls.filter((candidate) => candidate.stepId === step.stepId && candidate.purpose === 'perform');
      expect(again).toEqual([]);
      expect(call!.idempotencyKey.endsWith(`/${step.stepId}/perform`)).toBe(true);
      expect(step.attempts).toBe(call!.attempt);
      expect(step.eventIds).toEqual([Number(call!.scheduled.eventId), Number(call!.end!.eventId)]);
    }
    // The loop entry counts each item's activities and attempts from the same events.
    const [loop] = dossierEntries<LoopEntryData>(dossier, 'loop');
    for (const item of loop!.items) {
      const own = calls.filter((call) => call.stepId.startsWith(`each-key[${item.index}].`) && call.purpose === 'perform');
      expect(item.activities).toBe(own.length);
      expect(item.attempts).toBe(own.reduce((sum, call) => sum + (call.attempt ?? 0), 0));
      expect(item.eventIds).toEqual(own.flatMap((call) => [Number(call.scheduled.eventId), Number(call.end!.eventId)]).sort((a, b) => a - b));
    }
    expect(loop!.items.map((item) => item.activities)).toEqual([2, 2, 0, 2]);

    // The cancel undid each block with its own item's compensation, attributed alike.
    const undone = dossierEntries<CompensationEntryData>(dossier, 'compensation');
    expect(undone.map((entry) => [entry.stepId, entry.parent, entry.item, entry.action, entry.outcome]).sort()).toEqual([
      ['each-key[0].block', 'each-key', 0, 'egress.unblock', 'succeeded'],
      ['each-key[1].block', 'each-key', 1, 'egress.unblock', 'succeeded'],
      ['each-key[3].block', 'each-key', 3, 'egress.unblock', 'succeeded'],
    ]);

    // Every cited event exists, and the accounting still adds up.
    const cited = [...steps.flatMap((step) => step.eventIds), ...loop!.items.flatMap((item) => item.eventIds), ...undone.flatMap((entry) => entry.eventIds)];
    expect(cited.filter((id) => !byId.has(id))).toEqual([]);
    const [coverage] = dossierEntries<CoverageEntryData>(dossier, 'coverage');
    expect(coverage!.citedEvents + coverage!.omitted.reduce((sum, group) => sum + group.count, 0)).toBe(coverage!.historyEventCount);
  });
});

describe('observation windows in the dossier', () => {
  test('each window: its check, every and for, every check cited as the history scheduled it, when it closed and how', async () => {
    const { dossier } = await exportDossier(runs.windows);
    const { byId, calls, timeMs } = await historyOf(runs.windows);
    const state = (id: string) => finals[runs.windows]!.state.steps.find((step) => step.id === id)!;
    const windows = dossierEntries<WindowEntryData>(dossier, 'observation-window');
    expect(windows.map((window) => window.stepId)).toEqual(['until-third-check', 'never-holds']);

    for (const window of windows) {
      const scheduled = calls.filter((call) => call.stepId === window.stepId);
      expect(window.checks).toBe(scheduled.length);
      expect(window.checks).toBe(state(window.stepId).observe!.checks);
      expect(window.checkCalls.map((check) => check.check)).toEqual(scheduled.map((_, index) => index + 1));
      for (const check of window.checkCalls) {
        const call = scheduled.find((candidate) => Number(candidate.scheduled.eventId) === check.scheduledEventId)!;
        expect(call.idempotencyKey.endsWith(`/${window.stepId}/perform/check-${check.check}`)).toBe(true);
        expect(byId.get(check.scheduledEventId)!.activityTaskScheduledEventAttributes!.activityType!.name).toBe('identity.access_report');
        expect(Number(byId.get(check.endEventId!)!.activityTaskCompletedEventAttributes!.scheduledEventId)).toBe(check.scheduledEventId);
        expect(check).toMatchObject({ outcome: 'succeeded', attempts: call.attempt });
      }
      expect(window).toMatchObject({ action: 'identity.access_report', every: '1s', status: 'succeeded', startedAt: state(window.stepId).startedAt, endedAt: state(window.stepId).endedAt, endsAt: state(window.stepId).observe!.endsAt });
      // The step entry cites the same checks.
      const step = dossierEntries<StepEntryData>(dossier, 'step').find((candidate) => candidate.stepId === window.stepId)!;
      expect(step.eventIds).toEqual(window.checkCalls.flatMap((check) => [check.scheduledEventId, check.endEventId!]));
    }

    const [met, elapsed] = windows;
    expect(met).toMatchObject({ for: '10s', until: '${{ check.attempt >= 3 }}', outcome: 'condition-met', checks: 3, metAt: state('until-third-check').output!.met_at });
    // Met at the third check, right after it completed, well before the 10 s were over.
    const third = met!.checkCalls[2]!;
    expect(Date.parse(met!.metAt!)).toBeGreaterThanOrEqual(timeMs(third.endEventId!));
    expect(Date.parse(met!.endedAt!)).toBeLessThan(Date.parse(met!.endsAt!));
    expect(Date.parse(met!.endedAt!) - Date.parse(met!.startedAt!)).toBeGreaterThanOrEqual(2_000);

    expect(elapsed).toMatchObject({ for: '3s', until: '${{ check.remaining > 0 }}', outcome: 'window-elapsed', checks: 4 });
    expect(elapsed!.metAt).toBeUndefined();
    expect(Date.parse(elapsed!.endsAt!) - Date.parse(elapsed!.startedAt!)).toBe(3_000);
    // The last check falls on the window's end, and the window closes after it.
    const last = elapsed!.checkCalls[3]!;
    expect(timeMs(last.scheduledEventId)).toBeGreaterThanOrEqual(Date.parse(elapsed!.endsAt!));
    expect(Date.parse(elapsed!.endedAt!)).toBeGreaterThanOrEqual(timeMs(last.endEventId!));
    expect(elapsed!.lastCheckedAt).toBe(state('never-holds').observe!.lastCheckedAt);

    // Every check is cited: none is left out as an unexplained engine activity.
    const [coverage] = dossierEntries<CoverageEntryData>(dossier, 'coverage');
    expect(coverage!.omitted.map((group) => group.reason)).not.toContain('engine activities (identity.access_report)');
    expect(coverage!.citedEvents + coverage!.omitted.reduce((sum, group) => sum + group.count, 0)).toBe(coverage!.historyEventCount);
  });
});

describe('both dossiers for people', () => {
  test('verify offline; Markdown and HTML show the loops and the windows', async () => {
    for (const workflowId of Object.values(runs)) {
      const { file } = await exportDossier(workflowId);
      const verified = await runQuell(['audit', 'verify', file, '--public-key', path.join(work, 'signing.pub')], env);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toContain('chain: intact');
      expect(verified.stdout).toContain('signature: valid');
    }

    const loopMarkdown = await runQuell(['audit', 'export', runs.loop, '--format', 'md'], env);
    expect(loopMarkdown.code).toBe(0);
    // Markdown escapes brackets in text cells: `each-key\[2\].check`.
    for (const fact of ['## Loops', '## Observation windows', '4 items: 3 succeeded, 1 failed', 'AKIABROKEN', 'each-key\\[2\\].check', 'could not evaluate when', '↳ each-key\\[3\\].block', 'No observation windows.']) {
      expect(loopMarkdown.stdout).toContain(fact);
    }
    const windowMarkdown = await runQuell(['audit', 'export', runs.windows, '--format', 'md'], env);
    expect(windowMarkdown.code).toBe(0);
    for (const fact of ['## Observation windows', '## Loops', 'No loops.', 'identity.access\\_report', 'condition met at', 'after 3 checks', 'window elapsed after 4 checks, the condition never held']) {
      expect(windowMarkdown.stdout).toContain(fact);
    }

    for (const [name, workflowId, facts] of [
      ['loop', runs.loop, ['Loops', 'Items', '4 items: 3 succeeded, 1 failed', 'each-key[2].check', 'could not evaluate when', '↳ each-key[0].block', 'each-key done: 4 items']],
      ['windows', runs.windows, ['Observation windows', 'Checks', '${{ check.attempt >= 3 }}', 'condition-met', 'window elapsed after 4 checks', 'until-third-check: condition met after 3 checks']],
    ] as const) {
      const page = path.join(work, `${name}.html`);
      expect((await runQuell(['audit', 'export', workflowId, '--format', 'html', '--out', page], env)).code).toBe(0);
      const visit = await visitHtmlFile(page, screenshotPath(`audit-loops-windows-${name}`));
      expect(visit.consoleErrors).toEqual([]);
      expect(visit.pageErrors).toEqual([]);
      expect(visit.requests).toEqual([]);
      expect(visit.visibleText).toContain('Verified: chain intact and signature valid');
      for (const fact of facts) expect(visit.visibleText).toContain(fact);
    }
  });
});

describe('loops and windows in the drill report', () => {
  async function drill(id: string, runbook: { runbook: Runbook; sha256: string }, inputs: string, step: string) {
    const file = path.join(work, `${id}.drill.yaml`);
    fs.writeFileSync(file, scenario(id, runbook.runbook.id, inputs, step));
    const loaded = loadScenarioFile(file, new Map([[runbook.runbook.id, runbook.runbook]]));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    return startDrill(client, {
      scenario: loaded.scenario,
      scenarioSha256: loaded.sha256,
      runbook: runbook.runbook,
      runbookSha256: runbook.sha256,
      followUpRunbooks: {},
      exerciseId: `${id}-${Date.now()}`,
      requestedBy: 'rita',
      requestedVia: 'cli',
      taskQueue,
    });
  }

  test("shows each loop's items and failures and each window's checks and outcome, in the figures and the timeline", async () => {
    worker = await startWorker();
    const loopDrill = await drill('loop-drill', loopRunbook, `{ keys: [${KEYS.join(', ')}] }`, 'each-key');
    const windowDrill = await drill('window-drill', windowRunbook, '{ principal: mallory }', 'never-holds');
    const loopRun = `${loopDrill.workflowId}:run`;
    // The drill starts its run a moment after launch.
    await eventually('the drill started its run', async () => (await getRunState(client, loopRun).catch(() => undefined)) !== undefined);
    await waitForState(() => getRunState(client, loopRun), (s) => stepOf(s, 'hold')?.status === 'waiting', 60_000);
    await completeManual(client, loopRun, { stepId: 'hold', actor: 'bob', via: 'cli', note: 'loop done' });
    await Promise.all([loopDrill.result(), windowDrill.result()]);

    const loopReport = buildDrillReport(await fetchDrillHistoriesWith(client.workflow, loopDrill.workflowId));
    expect(loopReport.run.status).toBe('completed');
    expect(loopReport.figures.loops).toEqual([
      expect.objectContaining({ stepId: 'each-key', status: 'succeeded', concurrency: 2, onItemFailure: 'continue', total: 4, succeeded: 3, failed: 1, skipped: 0, ended: expect.objectContaining({ ref: expect.stringMatching(/^run#\d+$/) }) }),
    ]);
    expect(loopReport.figures.loops![0]!.items.map((item) => [item.label, item.status, item.failedStep])).toEqual([
      ['AKIAONE', 'succeeded', undefined],
      ['AKIATWO', 'succeeded', undefined],
      ['AKIABROKEN', 'failed', 'each-key[2].check'],
      ['AKIAFOUR', 'succeeded', undefined],
    ]);
    expect(loopReport.figures.loops![0]!.items[2]!.error).toContain('could not evaluate when');
    expect(loopReport.figures.windows).toEqual([]);
    const blocked = loopReport.timeline.filter((line) => line.kind === 'action.succeeded' && /^each-key\[\d\]\.block$/.test(line.stepId ?? ''));
    expect(blocked.map((line) => line.text).sort()).toEqual(['egress.block succeeded (item 0 of each-key: AKIAONE)', 'egress.block succeeded (item 1 of each-key: AKIATWO)', 'egress.block succeeded (item 3 of each-key: AKIAFOUR)']);
    const loopMarkdown = renderDrillReportMarkdown(loopReport);
    for (const fact of ['### Loops', '**Failed items**', 'AKIABROKEN', '`each-key[2].check`', 'could not evaluate when']) expect(loopMarkdown).toContain(fact);

    const windowReport = buildDrillReport(await fetchDrillHistoriesWith(client.workflow, windowDrill.workflowId));
    expect(windowReport.objectives[0]).toMatchObject({ id: 'done', verdict: 'met' });
    const windows = windowReport.figures.windows!;
    expect(windows.map((window) => [window.stepId, window.action, window.every, window.for, window.status, window.outcome, window.checks])).toEqual([
      ['until-third-check', 'identity.access_report', '1s', '10s', 'succeeded', 'condition-met', 3],
      ['never-holds', 'identity.access_report', '1s', '3s', 'succeeded', 'window-elapsed', 4],
    ]);
    const checkLines = windowReport.timeline.filter((line) => line.kind === 'observe.check-succeeded');
    expect(checkLines).toHaveLength(7);
    for (const window of windows) {
      const own = checkLines.filter((line) => line.stepId === window.stepId);
      expect(own.map((line) => line.text.split(':')[0])).toEqual(own.map((_, index) => `check ${index + 1} of ${window.stepId}`));
      // The timeline's last check is the window's; each check's scheduled event is cited in the figure.
      expect(own[own.length - 1]!.ref).toBe(window.lastCheck!.ref);
      expect(window.checkRefs).toHaveLength(window.checks);
      expect(window.firstCheck!.ref).toBe(window.checkRefs[0]);
    }
    expect(checkLines.find((line) => line.stepId === 'until-third-check' && line.text.startsWith('check 3 '))!.text).toContain('; condition met after 3 checks');
    expect(checkLines.find((line) => line.stepId === 'never-holds' && line.text.startsWith('check 4 '))!.text).toContain('; window elapsed after 4 checks');
    expect(checkLines.filter((line) => line.text.includes('; ')).length).toBe(2);

    const windowMarkdown = renderDrillReportMarkdown(windowReport);
    for (const fact of ['### Observation windows', '`until-third-check`', 'condition-met', 'window-elapsed', '1s / 3s']) expect(windowMarkdown).toContain(fact);
    const page = path.join(work, 'window-drill.html');
    fs.writeFileSync(page, renderDrillReportHtml(windowReport));
    const visit = await visitHtmlFile(page, screenshotPath('audit-loops-windows-drill'));
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.requests).toEqual([]);
    for (const fact of ['Observation windows', 'until-third-check', 'condition-met', 'window-elapsed', 'check 3 of until-third-check']) expect(visit.visibleText).toContain(fact);
    await worker.stop();
    worker = undefined;
  }, 120_000);
});
