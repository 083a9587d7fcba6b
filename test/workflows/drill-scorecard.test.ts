/**
 * The drill scorecard on the real dev server: a drill of the drill-score fixture is played to the
 * end (an unavailable approver, a faulted key revocation, a late and a withheld event, a twist's
 * follow-up, a pause, an inject fired by hand and one skipped), the improvement plan is filled in
 * through the CLI, and the report built from the histories is checked against figures this test
 * computes itself by walking the raw history events (not through the report's code).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { buildApproversSetup } from '../../activities/approvers/build';
import { fetchDrillHistories, getDrillReport } from '../../client/drill-report';
import { getDrillState, injectNow, noteDrill, pauseDrill, resumeDrill, skipInject, startDrill, startFollowUp } from '../../client/drills';
import { completeManual, decideApproval, deliverEvent, getRunState } from '../../client/runs';
import { EXERCISE_BANNER, EXERCISE_MARK } from '../../common/exercise';
import type { RunState } from '../../common/run-state';
import { buildDrillReport } from '../../reports/drill/build';
import { formatDrillMs } from '../../reports/drill/drill-time';
import { DrillReportSchema, parseEventRef, type DrillReport } from '../../reports/drill/report-types';
import { summarizeDrillReport } from '../../reports/drill/summary';
import { quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { DRILL_APPROVERS, DRILL_FACILITATOR, loadTestDrill } from '../support/drills';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { runLogger, testServer } from '../support/temporal';

type RawEvent = temporal.api.history.v1.IHistoryEvent;

const SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'docs', 'drill-report.schema.json');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stepOf = (state: RunState, id: string) => state.steps.find((step) => step.id === id)!;

// ---- The test's own reading of raw history events (independent of reports/drill) ----

const timeOf = (event: RawEvent): number => Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6);
const decode = (payloads: temporal.api.common.v1.IPayloads | null | undefined, index = 0): unknown =>
  payloads?.payloads?.[index] ? defaultPayloadConverter.fromPayload(payloads.payloads[index]) : undefined;
const updateName = (event: RawEvent) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
const updateArgs = (event: RawEvent) => decode(event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args) as Record<string, string>;

/** Drill time by hand: wall time since launch minus the paused intervals (pause/resume Updates) before it. */
function handClock(drillEvents: RawEvent[]) {
  const launch = timeOf(drillEvents[0]!);
  const intervals: Array<[number, number]> = [];
  let openAt: number | undefined;
  for (const event of drillEvents) {
    if (updateName(event) === 'pauseDrill') openAt = timeOf(event);
    if (updateName(event) === 'resumeDrill' && openAt !== undefined) {
      intervals.push([openAt, timeOf(event)]);
      openAt = undefined;
    }
  }
  if (openAt !== undefined) intervals.push([openAt, Number.POSITIVE_INFINITY]);
  return (time: number) => time - launch - intervals.reduce((sum, [from, to]) => sum + Math.max(0, Math.min(to, time) - Math.max(from, launch)), 0);
}

describe('drill scorecard and after-action report', () => {
  let engine: TestEngine;
  let work: string;
  let env: CliEnvironment;
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-drill-score-'));
    const file = path.join(work, 'approvers.yaml');
    fs.writeFileSync(file, DRILL_APPROVERS);
    engine = await startTestEngine('drill-score', { approvers: buildApproversSetup(file, undefined, runLogger('approvers')) });
    const server = testServer();
    env = { address: server.address, namespace: server.namespace, taskQueue: engine.taskQueue, dataDir: work };
  });
  afterAll(async () => {
    await engine.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** Plays the drill-score scenario to the end as players and a facilitator would. */
  async function playDrill(client: Client): Promise<string> {
    const drill = await loadTestDrill('drill-score');
    const handle = await startDrill(client, { ...drill, exerciseId: `score-${Date.now()}`, requestedBy: 'rita', requestedVia: 'cli', taskQueue: engine.taskQueue });
    const drillId = handle.workflowId;
    const runId = `${drillId}:run`;
    const runState = () => getRunState(client, runId);
    const gate = await eventually('gate open with its approvers', async () => {
      const state = await runState().catch(() => undefined);
      const step = state && stepOf(state, 'approve');
      return step?.approval?.policy !== undefined && step.approval;
    });
    await eventually('first injects fired', async () => {
      const state = await getDrillState(client, drillId);
      return ['detection', 'alice-away', 'key-throttled'].every((id) => state.injects.find((inject) => inject.id === id)?.status === 'fired');
    });
    await expect(decideApproval(client, runId, { stepId: 'approve', actor: 'alice', via: 'cli', decision: 'approve', summarySha256: gate.summarySha256 })).rejects.toMatchObject({ code: 'refused' });
    await decideApproval(client, runId, { stepId: 'approve', actor: 'bob', via: 'cli', decision: 'approve', summarySha256: gate.summarySha256 });
    await eventually('twist fired', async () => (await getDrillState(client, drillId)).injects.find((inject) => inject.id === 'second-key')?.status === 'fired');
    await pauseDrill(client, drillId, { actor: DRILL_FACILITATOR, via: 'cli' });
    await sleep(1_500);
    await resumeDrill(client, drillId, { actor: DRILL_FACILITATOR, via: 'cli' });
    const followUp = await startFollowUp(client, drillId, { injectId: 'second-key', actor: DRILL_FACILITATOR, via: 'cli' });
    await noteDrill(client, drillId, { text: 'Bob stepped in for Alice at once', actor: DRILL_FACILITATOR, via: 'cli' });
    await skipInject(client, drillId, { injectId: 'unused', actor: DRILL_FACILITATOR, via: 'cli' });
    await eventually('handover waiting', async () => stepOf(await runState(), 'handover').status === 'waiting', 60_000);
    await injectNow(client, drillId, { injectId: 'press-call', actor: DRILL_FACILITATOR, via: 'cli' });
    await sleep(300);
    await completeManual(client, runId, { stepId: 'handover', actor: 'bob', via: 'cli', note: 'rotation ticket filed' });
    await eventually('follow-up running', async () => (await getRunState(client, followUp.workflowId).catch(() => undefined))?.status === 'running');
    await deliverEvent(client, followUp.workflowId, { event: 'drill-ended', actor: 'bob', via: 'cli' });
    const final = await handle.result();
    expect(final.status).toBe('completed');
    return drillId;
  }

  test('the report equals figures computed by hand from the histories', async () => {
    const drillId = await playDrill(engine.client);
    const histories = await fetchDrillHistories(engine.client, drillId);
    const report = buildDrillReport(histories, { generatedAt: new Date() });
    const drillEvents = histories.drill.events ?? [];
    const runEvents = histories.run!.events ?? [];
    const followEvents = histories.followUps!['second-key']!.events ?? [];
    const clock = handClock(drillEvents);
    const moment = (source: string, event: RawEvent) => ({ drillMs: clock(timeOf(event)), at: new Date(timeOf(event)).toISOString(), ref: `${source}#${Number(event.eventId)}` });

    // Drill time and the pause.
    const pause = drillEvents.find((event) => updateName(event) === 'pauseDrill')!;
    const resume = drillEvents.find((event) => updateName(event) === 'resumeDrill')!;
    const closing = drillEvents[drillEvents.length - 1]!;
    expect(closing.workflowExecutionCompletedEventAttributes).toBeTruthy();
    expect(report.drillTime).toEqual({ totalMs: clock(timeOf(closing)), pausedMs: timeOf(resume) - timeOf(pause), wallMs: timeOf(closing) - timeOf(drillEvents[0]!), final: true });
    expect(report.drillTime.pausedMs).toBeGreaterThanOrEqual(1_400);
    expect(report.pauses).toEqual([{ paused: moment('drill', pause), pausedBy: DRILL_FACILITATOR, resumed: moment('drill', resume), resumedBy: DRILL_FACILITATOR, durationMs: timeOf(resume) - timeOf(pause) }]);

    // The run's action activities and the players' Updates, read by hand.
    const scheduledById = new Map(runEvents.filter((event) => event.activityTaskScheduledEventAttributes).map((event) => [Number(event.eventId), event]));
    const requestOf = (scheduledId: unknown) => decode(scheduledById.get(Number(scheduledId))?.activityTaskScheduledEventAttributes?.input) as { stepId?: string; drillFault?: { injectId: string } } | undefined;
    const completedFor = (stepId: string) => runEvents.find((event) => event.activityTaskCompletedEventAttributes && requestOf(event.activityTaskCompletedEventAttributes.scheduledEventId)?.stepId === stepId)!;
    const playerUpdates = runEvents.filter((event) => ['decideApproval', 'completeManual', 'deliverEvent', 'cancelRun'].includes(updateName(event) ?? ''));
    const updateCompletion = (accepted: RawEvent) => runEvents.find((event) => String(event.workflowExecutionUpdateCompletedEventAttributes?.acceptedEventId) === String(accepted.eventId))!;

    // Time to first action: the first player Update accepted on the run.
    const first = playerUpdates[0]!;
    expect(report.figures.firstAction).toEqual({ ...moment('run', first), actor: 'bob', via: 'cli', what: updateName(first), stepId: 'approve' });
    // Time to each approval, and who gave it.
    expect(report.figures.approvals.map(({ stepId, actor, decision, drillMs, ref }) => ({ stepId, actor, decision, drillMs, ref }))).toEqual(
      playerUpdates.filter((event) => updateName(event) === 'decideApproval').map((event) => ({ stepId: updateArgs(event).stepId, actor: updateArgs(event).actor, decision: updateArgs(event).decision, drillMs: clock(timeOf(event)), ref: `run#${Number(event.eventId)}` })),
    );
    // When each step was done: the gate's closing Update, each action's completed activity, the late event's arrival, the task's Update.
    const approval = playerUpdates.find((event) => updateName(event) === 'decideApproval')!;
    const arrival = runEvents.find((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'drillEventArrives')!;
    const manual = playerUpdates.find((event) => updateName(event) === 'completeManual')!;
    const done: Record<string, RawEvent> = { approve: updateCompletion(approval), 'revoke-key': completedFor('revoke-key'), page: completedFor('page'), 'await-vendor': arrival, handover: updateCompletion(manual) };
    const doneAt = (stepId: string) => (done[stepId] ? clock(timeOf(done[stepId]!)) : undefined);

    // Time to containment: the last step of the contain_within objective, against the runbook's 2m.
    const containmentSteps = ['approve', 'revoke-key', 'page'];
    const lastContained = containmentSteps.map((stepId) => done[stepId]!).sort((a, b) => timeOf(a) - timeOf(b)).pop()!;
    expect(report.figures.containment).toMatchObject({ measured: true, steps: containmentSteps, target: '2m', targetMs: 120_000, contained: moment('run', lastContained), withinTarget: true, marginMs: 120_000 - clock(timeOf(lastContained)) });

    // Retries: attempts beyond the first of every action activity; the fault made the revocation take three.
    const retries = runEvents.filter((event) => event.activityTaskStartedEventAttributes && requestOf(event.activityTaskStartedEventAttributes.scheduledEventId)?.stepId).reduce((sum, event) => sum + (event.activityTaskStartedEventAttributes!.attempt! - 1), 0);
    expect(report.figures.retriesTotal).toBe(retries);
    expect(retries).toBe(2);

    // Steps skipped and timed out, from the run's final result.
    const result = decode(runEvents[runEvents.length - 1]!.workflowExecutionCompletedEventAttributes!.result) as { state: RunState };
    expect(report.figures.stepsSkipped.map((mark) => mark.stepId)).toEqual(result.state.steps.filter((step) => step.status === 'skipped').map((step) => step.id));
    expect(report.figures.stepsTimedOut.map((mark) => mark.stepId)).toEqual(result.state.steps.filter((step) => step.status === 'failed' && /within/.test(step.error?.message ?? '')).map((step) => step.id));
    expect(report.figures.stepsFailed).toEqual([]);

    // Each objective's verdict by the rule: every step done by the limit → met; some → partly; none → not met.
    const started = decode(drillEvents[0]!.workflowExecutionStartedEventAttributes!.input) as { objectives: Array<{ id: string; steps: string[]; within?: string; target?: string }> };
    const limits: Record<string, number> = { '1m': 60_000, '30s': 30_000, contain_within: 120_000, resolve_within: 300_000 };
    const verdicts = started.objectives.map((objective) => {
      const limit = limits[objective.within ?? objective.target!]!;
      const inTime = objective.steps.filter((stepId) => doneAt(stepId) !== undefined && doneAt(stepId)! <= limit).length;
      return { id: objective.id, stepsInTime: inTime, verdict: inTime === objective.steps.length ? 'met' : inTime > 0 ? 'partly-met' : 'not-met' };
    });
    expect(report.objectives.map(({ id, stepsInTime, verdict }) => ({ id, stepsInTime, verdict }))).toEqual(verdicts);
    expect(verdicts.map((objective) => objective.verdict)).toEqual(['met', 'partly-met', 'not-met', 'met']);
    expect(report.score).toEqual({ met: 2, partlyMet: 1, notMet: 1, open: 0, total: 4 });

    // Injects: when each fired (the drill's signal to its run) or was skipped, and how it was handled.
    const firedSignal = (injectId: string) => drillEvents.find((event) => event.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'drillInject' && (decode(event.signalExternalWorkflowExecutionInitiatedEventAttributes.input) as { injectId: string }).injectId === injectId)!;
    const inject = (id: string) => report.injects.find((candidate) => candidate.id === id)!;
    for (const id of ['detection', 'alice-away', 'key-throttled', 'vendor-late', 'legal-silent', 'second-key', 'press-call']) {
      expect({ id, status: inject(id).status, settled: inject(id).settled }).toEqual({ id, status: 'fired', settled: moment('drill', firedSignal(id)) });
    }
    const skip = drillEvents.find((event) => updateName(event) === 'skipInject')!;
    expect(inject('unused')).toMatchObject({ status: 'skipped', settledBy: DRILL_FACILITATOR, settled: moment('drill', skip) });
    expect(inject('press-call').settledBy).toBe(DRILL_FACILITATOR);
    expect(inject('detection').settledBy).toBe('schedule');
    const firedMs = (id: string) => clock(timeOf(firedSignal(id)));

    // fault: the call that carried the inject, its attempts, and when it finally succeeded.
    const faulted = runEvents.find((event) => (decode(event.activityTaskScheduledEventAttributes?.input) as { drillFault?: { injectId: string } } | undefined)?.drillFault?.injectId === 'key-throttled')!;
    const faultedStart = runEvents.find((event) => String(event.activityTaskStartedEventAttributes?.scheduledEventId) === String(faulted.eventId))!;
    const faultedEnd = runEvents.find((event) => String(event.activityTaskCompletedEventAttributes?.scheduledEventId) === String(faulted.eventId))!;
    expect(inject('key-throttled').handling).toEqual({ kind: 'fault', action: 'credentials.revoke', fail: 2, stepId: 'revoke-key', purpose: 'perform', called: moment('run', faulted), attempts: faultedStart.activityTaskStartedEventAttributes!.attempt, outcome: 'succeeded', settled: moment('run', faultedEnd) });
    expect(inject('key-throttled').tookMs).toBe(clock(timeOf(faultedEnd)) - firedMs('key-throttled'));
    // unavailable: Bob decided the gate instead; it closed with the Update's completion.
    expect(inject('alice-away').handling).toEqual({ kind: 'unavailable', person: 'cli:alice', gateStepId: 'approve', resolution: 'decided-by-others', decidedBy: ['bob'], resolved: moment('run', done.approve!) });
    // late event: delivered by the drill's signal; the wait ended when the run took it.
    const delivered = drillEvents.find((event) => event.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'drillEventArrives')!;
    expect(inject('vendor-late').handling).toEqual({ kind: 'event', event: 'vendor-ack', mode: 'late', delayMs: 3_000, arrived: moment('drill', delivered), waitStepId: 'await-vendor', waitEnd: 'arrived', waitEnded: moment('run', arrival) });
    expect(inject('vendor-late').tookMs).toBe(clock(timeOf(arrival)) - firedMs('vendor-late'));
    // never: the wait timed out.
    expect(inject('legal-silent').handling).toMatchObject({ kind: 'event', mode: 'never', waitStepId: 'await-legal', waitEnd: 'timed-out' });
    // message: the players' next Update on the run after it fired.
    const nextAfter = (id: string) => playerUpdates.find((event) => timeOf(event) >= timeOf(firedSignal(id)))!;
    expect(inject('detection').handling).toMatchObject({ kind: 'message', nextAction: { ...moment('run', nextAfter('detection')), what: updateName(nextAfter('detection')) } });
    expect(inject('press-call').handling).toMatchObject({ kind: 'message', nextAction: { ...moment('run', nextAfter('press-call')), what: 'completeManual', actor: 'bob' } });
    expect(inject('press-call').tookMs).toBe(clock(timeOf(nextAfter('press-call'))) - firedMs('press-call'));
    // twist: the follow-up run's own start.
    expect(inject('second-key').handling).toEqual({ kind: 'twist', followUpStarted: true, followUpWorkflowId: `${drillId}:follow-up:second-key`, started: moment('follow-up:second-key', followEvents[0]!), startedBy: DRILL_FACILITATOR });

    // Notes, the run and the follow-up.
    const note = drillEvents.find((event) => updateName(event) === 'noteDrill')!;
    expect(report.notes).toEqual([{ ...moment('drill', note), actor: DRILL_FACILITATOR, text: 'Bob stepped in for Alice at once' }]);
    expect(report.run).toMatchObject({ status: 'completed', started: moment('run', runEvents[0]!), closed: moment('run', runEvents[runEvents.length - 1]!) });
    expect(report.followUps).toEqual([expect.objectContaining({ injectId: 'second-key', status: 'completed', runbookId: 'drill-hold', startedBy: DRILL_FACILITATOR })]);
    expect(report.warnings).toEqual([]);

    // Every timeline line names an event of the history it cites, of the type it says, at its drill time.
    const bySource: Record<string, RawEvent[]> = { drill: drillEvents, run: runEvents, 'follow-up:second-key': followEvents };
    for (const line of report.timeline) {
      const { source, eventId } = parseEventRef(line.ref);
      const event = bySource[source]?.find((candidate) => Number(candidate.eventId) === eventId);
      expect({ ref: line.ref, found: event !== undefined }).toEqual({ ref: line.ref, found: true });
      const attributes = Object.keys(event!).find((key) => key.endsWith('EventAttributes') && (event as Record<string, unknown>)[key]);
      expect({ ref: line.ref, type: `${attributes!.charAt(0).toUpperCase()}${attributes!.slice(1, -'EventAttributes'.length)}` }).toEqual({ ref: line.ref, type: line.eventType });
      expect({ ref: line.ref, drillMs: line.drillMs }).toEqual({ ref: line.ref, drillMs: clock(timeOf(event!)) });
    }
    const cited = new Set(report.timeline.map((line) => line.ref));
    for (const id of ['detection', 'key-throttled', 'press-call']) expect(cited.has(`drill#${Number(firedSignal(id).eventId)}`)).toBe(true);
    for (const event of [...playerUpdates, pause, resume, note, skip, faultedEnd]) expect(cited.has(`${runEvents.includes(event) ? 'run' : 'drill'}#${Number(event.eventId)}`)).toBe(true);
    expect(report.timeline.map((line) => timeOf(bySource[parseEventRef(line.ref).source]!.find((event) => Number(event.eventId) === parseEventRef(line.ref).eventId)!))).toEqual(
      [...report.timeline].map((line) => Date.parse(line.at)).sort((a, b) => a - b),
    );

    // The plan, through the CLI: two items, one about an objective; mistakes are refused naming the flag.
    const add = (extra: string[]) => runQuell(['drill', 'plan', 'add', drillId, '--as', DRILL_FACILITATOR, ...extra], env);
    const added = await add(['--finding', 'Only Bob could approve | when Alice flew', '--action', 'Add a third approver to security-oncall', '--owner', 'lee', '--due', '2030-01-31', '--objective', 'contained']);
    expect(added).toMatchObject({ code: 0, stdout: `[${EXERCISE_MARK}] plan item 1 added to ${drillId}: Only Bob could approve | when Alice flew → Add a third approver to security-oncall (lee, due 2030-01-31)` });
    await quellOk(['drill', 'plan', 'add', drillId, '--as', DRILL_FACILITATOR, '--finding', 'Legal never signed off', '--action', 'Agree a legal on-call rota', '--owner', 'counsel', '--due', '2030-02-28'], env);
    // A player may not write the plan: the debrief checks the drill's facilitator groups.
    const byPlayer = await runQuell(['drill', 'plan', 'add', drillId, '--as', 'bob', '--finding', 'x', '--action', 'y', '--owner', 'z', '--due', '2030-02-01'], env);
    expect(byPlayer).toMatchObject({ code: 1, stderr: expect.stringContaining('bob (cli) may not steer this drill: only members of security-leads may') });
    const badDate = await add(['--finding', 'x', '--action', 'y', '--owner', 'z', '--due', '2030-02-30']);
    expect(badDate).toMatchObject({ code: 2, stderr: expect.stringContaining('--due 2030-02-30 is not a day of the calendar') });
    const badObjective = await add(['--finding', 'x', '--action', 'y', '--owner', 'z', '--due', '2030-02-01', '--objective', 'nope']);
    expect(badObjective).toMatchObject({ code: 2, stderr: expect.stringContaining(`--objective: the scenario of ${drillId} has no objective "nope"; its objectives: contained, live-parity, legal-informed, handed-over`) });
    const listed = JSON.parse((await quellOk(['drill', 'plan', 'list', drillId, '--json'], env)).stdout) as { exercise: boolean; status: string; items: Array<{ id: number; finding: string; objectiveId?: string }> };
    expect(listed).toMatchObject({ exercise: true, status: 'open', items: [{ id: 1, finding: 'Only Bob could approve | when Alice flew', objectiveId: 'contained' }, { id: 2, finding: 'Legal never signed off' }] });

    // The report through the CLI: JSON valid against the committed schema, Markdown and HTML with the plan.
    const json = JSON.parse((await quellOk(['drill', 'after-action', drillId, '--format', 'json'], env)).stdout) as DrillReport;
    // Formats are left to the schema's own patterns (ajv without ajv-formats knows none).
    const validate = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as object);
    expect({ valid: validate(json), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
    expect(DrillReportSchema.safeParse(json).success).toBe(true);
    expect(json.improvementPlan.items.map(({ id, finding, action, owner, due, objectiveId, addedBy }) => ({ id, finding, action, owner, due, objectiveId, addedBy }))).toEqual([
      { id: 1, finding: 'Only Bob could approve | when Alice flew', action: 'Add a third approver to security-oncall', owner: 'lee', due: '2030-01-31', objectiveId: 'contained', addedBy: DRILL_FACILITATOR },
      { id: 2, finding: 'Legal never signed off', action: 'Agree a legal on-call rota', owner: 'counsel', due: '2030-02-28', objectiveId: undefined, addedBy: DRILL_FACILITATOR },
    ]);
    expect(json.objectives.map((objective) => objective.verdict)).toEqual(verdicts.map((objective) => objective.verdict));
    const debriefEvents = (await engine.client.workflow.getHandle(`${drillId}:debrief`).fetchHistory()).events ?? [];
    for (const item of json.improvementPlan.items) {
      const cited = debriefEvents.find((event) => `debrief#${Number(event.eventId)}` === item.ref);
      expect(updateName(cited!)).toBe('addPlanItem');
    }
    expect(json.timeline.filter((line) => line.kind === 'plan.item-added')).toHaveLength(2);

    const markdown = (await quellOk(['drill', 'after-action', drillId, '--format', 'md'], env)).stdout;
    expect(markdown.split('\n')[0]).toContain(EXERCISE_BANNER);
    expect(markdown).toContain('| 1 | Only Bob could approve \\| when Alice flew | Add a third approver to security-oncall | lee | 2030-01-31 | contained |');
    expect(markdown).toContain('| 2 | Legal never signed off | Agree a legal on-call rota | counsel | 2030-02-28 | — |');
    for (const objective of json.objectives) expect(markdown).toContain(`| **${objective.id}** ${objective.description} |`);
    const htmlFile = path.join(work, 'after-action.html');
    const wrote = await quellOk(['drill', 'after-action', drillId, '--format', 'html', '--out', htmlFile], env);
    expect(wrote.stdout).toBe(`[${EXERCISE_MARK}] after-action report of ${drillId} written to ${htmlFile} (html): 2/4 objectives met`);
    const html = fs.readFileSync(htmlFile, 'utf8');
    expect(html).toContain(EXERCISE_BANNER);
    expect(html).toContain('Legal never signed off');

    // The summary for the drill's end.
    const summary = summarizeDrillReport(json);
    expect(summary.headline).toBe(`[${EXERCISE_BANNER}] Drill "Score the containment" is over: 2/4 objectives met`);
    expect(summary.lines).toContain(`Contained at ${formatDrillMs(clock(timeOf(lastContained)))} against a target of 2m: ${formatDrillMs(120_000 - clock(timeOf(lastContained)))} to spare`);
    expect(summary.text).toContain('legal-informed not met');
  });

  test('a drill no worker has picked up is reported as running with open objectives; unknown ids and non-drills are refused naming the drill id', async () => {
    // No worker polls this queue: the drill has a start event and nothing else.
    const drill = await loadTestDrill('drill-score');
    const handle = await startDrill(engine.client, { ...drill, exerciseId: `idle-${Date.now()}`, requestedBy: 'rita', requestedVia: 'cli', taskQueue: `${engine.taskQueue}-nobody` });
    try {
      const report = await getDrillReport(engine.client, handle.workflowId);
      expect(report).toMatchObject({ exercise: true, drill: { status: 'running' }, run: { status: 'not-started' }, improvementPlan: { status: 'not-started', items: [] } });
      expect(report.drillTime.final).toBe(false);
      // Every limit is still ahead, and nothing is done: every objective is open, none is judged yet.
      expect(report.objectives.map((objective) => objective.verdict)).toEqual(['open', 'open', 'open', 'open']);
      expect(report.injects.every((inject) => inject.status === 'pending')).toBe(true);
      expect(report.warnings).toEqual([expect.stringContaining('the drill is still running'), expect.stringContaining(`the run ${handle.workflowId}:run has no history here`)]);
      expect(report.timeline.map((line) => line.ref)).toEqual(['drill#1']);
    } finally {
      await handle.terminate('test over');
    }

    await expect(getDrillReport(engine.client, 'quell-drill:nope:nothing')).rejects.toMatchObject({ name: 'QuellClientError', code: 'not-found', message: 'drillId: no drill quell-drill:nope:nothing' });
    const runId = await engine.start(path.join(__dirname, '..', 'fixtures', 'drills', 'runbooks', 'drill-hold.yaml'));
    await expect(getDrillReport(engine.client, runId)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining(`drillId: workflow ${runId} is not a drill`) });
    const missing = await runQuell(['drill', 'after-action', 'quell-drill:nope:nothing'], env);
    expect(missing).toMatchObject({ code: 1, stderr: 'quell: drillId: no drill quell-drill:nope:nothing' });
    const format = await runQuell(['drill', 'after-action', 'quell-drill:nope:nothing', '--format', 'pdf'], env);
    expect(format).toMatchObject({ code: 2, stderr: expect.stringContaining('--format "pdf" is not one of md, json, html') });
    const listed = await runQuell(['drill', 'plan', 'list', 'quell-drill:nope:nothing'], env);
    expect(listed).toMatchObject({ code: 1, stderr: 'quell: drillId: no drill quell-drill:nope:nothing' });
    await engine.client.workflow.getHandle(runId).terminate('test over');
  });
});
