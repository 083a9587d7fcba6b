/**
 * Builds the drill report from Temporal histories alone: the drill's, its run's, each follow-up's
 * and the debrief's. Pure and deterministic for a given `generatedAt`: the client fetches the
 * histories, this turns them into the documented DrillReport (./report-types.ts), checked
 * against its schema before it is returned.
 */
import { EXERCISE_BANNER } from '../../common/exercise';
import { drillRunWorkflowId } from '../../common/drill-state';
import type { StepStatus } from '../../common/run-state';
import { readDrillFacts, type DrillFacts } from './drill-facts';
import type { HistoryDrillClock } from './drill-time';
import { HistoryView, type RawHistory } from './history';
import { injectReports } from './injects';
import { improvementPlan } from './plan';
import { DRILL_REPORT_SCHEMA_VERSION, DrillReportSchema, type DrillReport, type Moment, type ParticipantReport, type RunOutcomeReport } from './report-types';
import { readRunFacts, type RunFacts } from './run-facts';
import { actorMoment, figures, scoreObjective, type ScoreContext } from './scorecard';
import { buildTimeline } from './timeline';

export interface DrillHistories {
  drillId: string;
  drill: RawHistory;
  /** The drill's run (`<drillId>:run`), when it has a history. */
  run?: RawHistory;
  /** Follow-up runs by the id of the twist that called for them. */
  followUps?: Record<string, RawHistory>;
  /** The improvement plan's workflow (`<drillId>:debrief`), once the first item started it. */
  debrief?: RawHistory;
}

export function buildDrillReport(histories: DrillHistories, options: { generatedAt?: Date } = {}): DrillReport {
  const generatedAt = options.generatedAt ?? new Date();
  const drill = readDrillFacts(new HistoryView('drill', histories.drill), histories.drillId);
  const { clock, input } = drill;
  const runId = drillRunWorkflowId(histories.drillId);
  const runView = histories.run ? new HistoryView('run', histories.run) : undefined;
  const run = runView?.started ? readRunFacts(runView, runId) : undefined;
  const followUps = new Map<string, RunFacts>();
  for (const [injectId, history] of Object.entries(histories.followUps ?? {})) {
    const view = new HistoryView(`follow-up:${injectId}`, history);
    if (view.started) followUps.set(injectId, readRunFacts(view, `${histories.drillId}:follow-up:${injectId}`));
  }
  const debrief = histories.debrief ? new HistoryView('debrief', histories.debrief) : undefined;

  const closing = drill.view.closing;
  const endMs = closing?.timeMs ?? Math.max(generatedAt.getTime(), drill.launch.timeMs);
  const drillTotalMs = clock.drillMs(endMs);
  const ctx: ScoreContext = { runbook: input.runbook, ...(run ? { run } : {}), clock, drillTotalMs, drillClosed: closing !== undefined };
  const objectives = input.objectives.map((objective) => scoreObjective(objective, ctx));
  const count = (verdict: string) => objectives.filter((objective) => objective.verdict === verdict).length;
  const injects = injectReports({ drill, runbook: input.runbook, ...(run ? { run } : {}), followUps });
  const status = drill.final?.status ?? (closing ? 'ended' : drill.pauses.some((pause) => pause.endMs === undefined) ? 'paused' : 'running');
  const endControl = drill.controls.find((control) => control.name === 'endDrill');

  const report: DrillReport = {
    schemaVersion: DRILL_REPORT_SCHEMA_VERSION,
    exercise: true,
    banner: EXERCISE_BANNER,
    generatedAt: generatedAt.toISOString(),
    drill: {
      drillId: histories.drillId,
      ...(drill.launch.firstRunId ? { runId: drill.launch.firstRunId } : {}),
      status,
      ...(drill.final?.scheduleId ? { scheduleId: drill.final.scheduleId } : {}),
      ...(input.incidentId ? { incidentId: input.incidentId } : {}),
      requestedBy: input.requestedBy,
      requestedVia: input.requestedVia,
      ...(endControl ? { endedBy: { actor: endControl.actor, ...(endControl.reason ? { reason: endControl.reason } : {}), ...clock.moment(endControl.event, drill.view.ref(endControl.event)) } } : {}),
      ...(closing ? { closed: clock.moment(closing, drill.view.ref(closing)) } : {}),
    },
    scenario: { id: input.scenario.id, version: input.scenario.version, title: input.scenario.title, sha256: input.scenario.sha256 },
    runbook: { id: input.runbook.id, version: input.runbook.version, title: input.runbook.title, sha256: input.runbookSha256 },
    launch: { at: drill.launch.at, ref: drill.view.ref(drill.launch) },
    drillTime: { totalMs: drillTotalMs, pausedMs: clock.pausedBefore(endMs), wallMs: endMs - drill.launch.timeMs, final: closing !== undefined },
    pauses: drill.pauses.map((pause) => ({
      paused: clock.moment(pause.pause, drill.view.ref(pause.pause)),
      pausedBy: pause.pausedBy,
      ...(pause.resume ? { resumed: clock.moment(pause.resume, drill.view.ref(pause.resume)), resumedBy: pause.resumedBy ?? 'unknown' } : {}),
      durationMs: Math.max(0, (pause.endMs ?? endMs) - pause.startMs),
    })),
    participants: { facilitatorGroups: input.participants.facilitators, playerGroups: input.participants.players, people: participants(drill, [run, ...followUps.values()]) },
    score: { met: count('met'), partlyMet: count('partly-met'), notMet: count('not-met'), open: count('open'), total: objectives.length },
    objectives,
    figures: figures(input.objectives, ctx),
    injects,
    timeline: buildTimeline(drill, run ? [run, ...followUps.values()] : [...followUps.values()], debrief),
    notes: drill.controls
      .filter((control) => control.name === 'noteDrill')
      .map((control) => ({ ...clock.moment(control.event, drill.view.ref(control.event)), actor: control.actor, text: control.text ?? '' })),
    improvementPlan: improvementPlan(histories.drillId, debrief),
    ...(drill.readiness ? { readiness: { probedAt: drill.readiness.report.probedAt, ref: drill.view.ref(drill.readiness.event), findings: drill.readiness.report.findings } } : {}),
    followUps: [...followUps.entries()].map(([injectId, facts]) => {
      const control = drill.controls.find((candidate) => candidate.name === 'startFollowUp' && candidate.injectId === injectId);
      const first = facts.playerActions[0];
      return {
        injectId,
        ...runOutcome(facts, clock),
        ...(facts.input?.runbook.id ? { runbookId: facts.input.runbook.id } : {}),
        ...((control?.actor ?? facts.input?.requestedBy) ? { startedBy: control?.actor ?? facts.input!.requestedBy } : {}),
        ...(first ? { firstAction: actorMoment(first, { clock, run: facts }) } : {}),
      };
    }),
    run: run ? runOutcome(run, clock) : { workflowId: runId, status: 'not-started', stepCounts: {} },
    warnings: warnings(drill, run, status, generatedAt),
  };
  return DrillReportSchema.parse(report);
}

function runOutcome(run: RunFacts, clock: HistoryDrillClock): RunOutcomeReport {
  const started = run.view.started!;
  const closing = run.view.closing;
  const final = run.final;
  const stepCounts: Partial<Record<StepStatus, number>> = {};
  for (const step of final?.state.steps ?? []) stepCounts[step.status] = (stepCounts[step.status] ?? 0) + 1;
  const status: RunOutcomeReport['status'] = final?.status ?? (closing ? 'failed' : 'running');
  const failure = final?.state.failure;
  const cancel = final?.state.cancel;
  const ended = final?.state.outcome;
  // The end step has no event of its own: its time is the final record's, cited at the close event.
  const endedAt = ended && closing ? clock.recordedMoment(ended.at, run.view.ref(closing)) : undefined;
  return {
    workflowId: run.workflowId,
    status,
    started: clock.moment(started, run.view.ref(started)),
    ...(closing ? { closed: clock.moment(closing, run.view.ref(closing)) } : {}),
    ...(failure ? { failure: { ...(failure.step ? { step: failure.step } : {}), message: failure.message } } : {}),
    ...(cancel ? { cancel: { actor: cancel.person ?? cancel.actor, reason: cancel.reason } } : {}),
    ...(ended && endedAt ? { ended: { ...endedAt, outcome: ended.name, step: ended.step, ...(ended.summary ? { summary: ended.summary } : {}) } } : {}),
    stepCounts,
  };
}

/** Everyone the histories show acting: facilitators on the drill, players on its runs. */
function participants(drill: DrillFacts, runs: Array<RunFacts | undefined>): ParticipantReport[] {
  const people = new Map<string, ParticipantReport>();
  const seen = (actor: string, role: ParticipantReport['roles'][number], moment: Moment, via: ParticipantReport['via'] | undefined, acted: boolean) => {
    const key = actor.toLowerCase();
    const person = people.get(key) ?? { actor, ...(via ? { via } : {}), roles: [], actions: 0, firstSeen: moment };
    if (!person.roles.includes(role)) person.roles.push(role);
    if (acted) person.actions += 1;
    if (moment.drillMs < person.firstSeen.drillMs) person.firstSeen = moment;
    people.set(key, person);
  };
  seen(drill.input.requestedBy, 'requester', drill.clock.moment(drill.launch, drill.view.ref(drill.launch)), drill.input.requestedVia, false);
  for (const control of drill.controls) seen(control.actor, 'facilitator', drill.clock.moment(control.event, drill.view.ref(control.event)), control.via, true);
  for (const run of runs) {
    if (!run) continue;
    for (const action of run.playerActions) {
      const moment = drill.clock.moment(action.accepted, run.view.ref(action.accepted));
      // Answering a decision is deciding, as approving is.
      seen(action.actor, action.name === 'decideApproval' || action.name === 'answerDecision' ? 'approver' : 'player', moment, action.via, true);
    }
  }
  return [...people.values()].sort((a, b) => a.firstSeen.drillMs - b.firstSeen.drillMs || a.actor.localeCompare(b.actor));
}

function warnings(drill: DrillFacts, run: RunFacts | undefined, status: string, generatedAt: Date): string[] {
  const found: string[] = [];
  const closing = drill.view.closing;
  if (!closing) found.push(`the drill is still ${status}: figures are as of ${generatedAt.toISOString()}`);
  else if (closing.kind === 'workflow-closed-abnormally') found.push(`the drill workflow ${closing.message}; its own final record is missing`);
  if (!run) found.push(`the run ${drillRunWorkflowId(drill.drillId)} has no history here: objectives and figures that need it are not met or empty`);
  else if (!run.view.closing) found.push('the run is still open: step outcomes are read from events so far');
  for (const inject of drill.final?.injects ?? []) {
    if (inject.status === 'fired' && !drill.injectSignals.has(inject.id)) found.push(`inject ${inject.id} fired without a drillInject signal to the run; its time is the drill's own record`);
  }
  return found;
}
