/**
 * The scorecard: each objective met, partly met or not met, and the figures behind it, all in
 * drill time (see drill-time.ts) and each citing the history event it is read from.
 *
 * Definitions (README text in the lead's report follows these):
 * - A step counts as done at the moment it succeeded (stepOutcome in run-facts.ts); a step undone
 *   later by a cancel (`compensated`) still counts as done when it succeeded.
 * - An objective's limit is its `within` duration, or the runbook's target it names, measured from
 *   launch. met: every step done at or before the limit; partly-met: some, not all; not-met: none
 *   (a step that failed, was skipped, never ran or succeeded late is not done in time); open: the
 *   drill is still going, its drill time has not reached the limit, and not every step is done.
 *   An objective naming a target the runbook does not set is not-met.
 * - Time to containment: the drill time at which the last step of every objective aimed at
 *   `contain_within` succeeded, against the runbook's `contain_within`.
 * - Time to first action: the first accepted player Update on the run (decideApproval,
 *   answerDecision, completeManual, deliverEvent, cancelRun) whose handler did not fail.
 * - Time to each approval: the accepted decideApproval Update, with the actor, surface and the
 *   person the policy named (from the Update's result).
 * - Decisions: each decision step's question, outcome and chosen option, and every accepted
 *   answerDecision Update with the person the policy named; an answer is never counted as an
 *   approval or a rejection (decision-figures.ts).
 * - Loops and observation windows: each foreach step's items with their status (failed ones with
 *   the step and the error), each observe step's checks and outcome (loop-figures.ts).
 * - Steps failed / timed out / skipped: from the run's final state; a step that failed because it
 *   ran out of time (a gate's timeout, a wait or manual task's timeout, an activity's timeout) is
 *   counted as timed out, not failed; steps interrupted by the drill's end are counted in neither;
 *   parallel steps are represented by their branches.
 * - Retries: for every action activity, the attempt number of the attempt that finished
 *   (ActivityTaskStarted.attempt) minus one, summed.
 */
import { durationMs } from '../../common/duration';
import type { DrillObjectivePlan } from '../../common/drill-state';
import type { ApprovalGateState } from '../../common/run-state';
import type { Runbook } from '../../runbooks/schema';
import type { HistoryDrillClock } from './drill-time';
import { formatDrillMs } from './drill-time';
import type { ApprovalFigure, ContainmentFigure, Figures, GateFigure, Moment, ObjectiveReport, ObjectiveStep, RetryFigure, StepMark } from './report-types';
import { flattenSteps, stepOutcome, type RunFacts } from './run-facts';
import { gateQuorum } from '../../runbooks/approver-groups';
import { childRunFigures, severityFigure } from './child-figures';
import { decisionFigures } from './decision-figures';
import { loopFigures, windowFigures } from './loop-figures';
import { actorMoment, decisionPerson } from './player-acts';

export { actorMoment, decisionPerson } from './player-acts';

export interface ScoreContext {
  runbook: Runbook;
  run?: RunFacts;
  clock: HistoryDrillClock;
  /** Drill time at the drill's close, or so far. */
  drillTotalMs: number;
  drillClosed: boolean;
}

interface StepDone {
  report: ObjectiveStep;
  done?: Moment;
}

function stepsDone(ctx: ScoreContext, stepIds: string[], limitMs: number | undefined): StepDone[] {
  return stepIds.map((stepId) => {
    const outcome = ctx.run ? stepOutcome(ctx.run, ctx.clock, stepId) : { status: 'unknown' as const, ended: undefined };
    const done = outcome.status === 'succeeded' || outcome.status === 'compensated' ? outcome.ended : undefined;
    const inTime = done !== undefined && limitMs !== undefined && done.drillMs <= limitMs;
    return { report: { stepId, status: outcome.status, ...(done ? { succeeded: done } : {}), inTime }, done };
  });
}

/** The yardstick of an objective in ms, or undefined when it names a target the runbook does not set. */
export function objectiveLimitMs(objective: DrillObjectivePlan, runbook: Runbook): number | undefined {
  if (objective.within) return durationMs(objective.within);
  const target = objective.target === 'contain_within' || objective.target === 'resolve_within' ? runbook.targets?.[objective.target] : undefined;
  return target ? durationMs(target) : undefined;
}

export function scoreObjective(objective: DrillObjectivePlan, ctx: ScoreContext): ObjectiveReport {
  const limitMs = objectiveLimitMs(objective, ctx.runbook);
  const steps = stepsDone(ctx, objective.steps, limitMs);
  const inTime = steps.filter((step) => step.report.inTime).length;
  const allDone = steps.every((step) => step.done);
  const completed = allDone ? latest(steps.map((step) => step.done!)) : undefined;
  const aim: ObjectiveReport['aim'] = objective.within
    ? { kind: 'within', duration: objective.within }
    : { kind: 'target', target: objective.target === 'resolve_within' ? 'resolve_within' : 'contain_within', ...(targetText(objective, ctx.runbook) ? { duration: targetText(objective, ctx.runbook) } : {}) };
  const limitText = objective.within ?? `${objective.target} (${targetText(objective, ctx.runbook) ?? 'not set by the runbook'})`;
  let verdict: ObjectiveReport['verdict'];
  if (limitMs === undefined) verdict = 'not-met';
  else if (inTime === steps.length) verdict = 'met';
  else if (!ctx.drillClosed && ctx.drillTotalMs < limitMs) verdict = 'open';
  else verdict = inTime > 0 ? 'partly-met' : 'not-met';
  const misses = steps.filter((step) => !step.report.inTime).map((step) => `${step.report.stepId} (${missReason(step)})`);
  const reason =
    limitMs === undefined
      ? `runbook ${ctx.runbook.id} sets no ${objective.target}, so the objective cannot be met`
      : verdict === 'met'
        ? `all ${steps.length} step${steps.length === 1 ? '' : 's'} done within ${limitText}${completed ? `, the last at ${formatDrillMs(completed.drillMs)}` : ''}`
          : `${inTime} of ${steps.length} step${steps.length === 1 ? '' : 's'} done within ${limitText}${verdict === 'open' ? ' so far' : ''}; not done in time: ${misses.join(', ')}`;
  return {
    id: objective.id,
    description: objective.description,
    steps: steps.map((step) => step.report),
    aim,
    ...(limitMs !== undefined ? { limitMs } : {}),
    verdict,
    stepsInTime: inTime,
    ...(completed ? { completed } : {}),
    reason,
  };
}

function targetText(objective: DrillObjectivePlan, runbook: Runbook): string | undefined {
  return objective.target === 'contain_within' || objective.target === 'resolve_within' ? runbook.targets?.[objective.target] : undefined;
}

function missReason(step: StepDone): string {
  if (step.done) return `done late, at ${formatDrillMs(step.done.drillMs)}`;
  switch (step.report.status) {
    case 'failed':
      return 'failed';
    case 'skipped':
      return 'skipped';
    case 'pending':
      return 'never reached';
    case 'unknown':
      return 'no record';
    default:
      return `still ${step.report.status}`;
  }
}

function latest(moments: Moment[]): Moment {
  return moments.reduce((a, b) => (b.drillMs >= a.drillMs ? b : a));
}

export function containmentFigure(objectives: DrillObjectivePlan[], ctx: ScoreContext): ContainmentFigure {
  const steps = [...new Set(objectives.filter((objective) => objective.target === 'contain_within').flatMap((objective) => objective.steps))];
  const target = ctx.runbook.targets?.contain_within;
  const targetMs = target ? durationMs(target) : undefined;
  const base = { steps, ...(target ? { target, targetMs } : {}) };
  if (steps.length === 0) return { measured: false, ...base, reason: 'no objective of the scenario is aimed at contain_within, so containment was not measured' };
  const done = stepsDone(ctx, steps, targetMs);
  const missing = done.filter((step) => !step.done).map((step) => step.report.stepId);
  if (missing.length > 0) {
    const overdue = targetMs !== undefined && (ctx.drillClosed || ctx.drillTotalMs > targetMs);
    return { measured: true, ...base, ...(overdue ? { withinTarget: false } : {}), reason: `not contained: ${missing.join(', ')} did not succeed${ctx.drillClosed ? '' : ' yet'}` };
  }
  const contained = latest(done.map((step) => step.done!));
  if (targetMs === undefined) return { measured: true, ...base, contained, reason: `contained at ${formatDrillMs(contained.drillMs)}; runbook ${ctx.runbook.id} sets no contain_within` };
  const marginMs = targetMs - contained.drillMs;
  return {
    measured: true,
    ...base,
    contained,
    withinTarget: marginMs >= 0,
    marginMs,
    reason: `contained at ${formatDrillMs(contained.drillMs)} against a target of ${target} (${marginMs >= 0 ? `${formatDrillMs(marginMs)} to spare` : `${formatDrillMs(-marginMs)} late`})`,
  };
}

export function figures(objectives: DrillObjectivePlan[], ctx: ScoreContext): Figures {
  const run = ctx.run;
  const containment = containmentFigure(objectives, ctx);
  if (!run) return { approvals: [], gates: [], decisions: [], loops: [], windows: [], containment, stepsFailed: [], stepsTimedOut: [], stepsSkipped: [], retriesTotal: 0, retries: [] };
  const withRun = { clock: ctx.clock, run };
  const first = run.playerActions[0];
  const approvals: ApprovalFigure[] = run.playerActions
    .filter((action) => action.name === 'decideApproval' && action.stepId && action.decision)
    .map((action) => {
      const person = decisionPerson(action);
      return { ...actorMoment(action, withRun), stepId: action.stepId!, decision: action.decision!, ...(person ? { person } : {}) };
    });
  const retries: RetryFigure[] = run.activities
    .filter((call) => (call.attempts ?? 1) > 1)
    .map((call) => ({ stepId: call.stepId, action: call.action, purpose: call.purpose, attempts: call.attempts!, retries: call.attempts! - 1, outcome: call.outcome, ref: run.view.ref(call.scheduled) }));
  const marks = stepMarks(ctx, run);
  const severity = severityFigure(ctx, run);
  return {
    ...(first ? { firstAction: actorMoment(first, withRun) } : {}),
    approvals,
    gates: gateFigures(ctx, run),
    decisions: decisionFigures(ctx, run),
    loops: loopFigures(ctx, run),
    windows: windowFigures(ctx, run),
    childRuns: childRunFigures(ctx, run),
    ...(severity ? { severity } : {}),
    containment,
    ...marks,
    retriesTotal: run.activities.reduce((sum, call) => sum + Math.max(0, (call.attempts ?? 1) - 1), 0),
    retries,
  };
}

/** The gate as last known: the final state's, else the one the latest decision returned. */
export function lastKnownGate(run: RunFacts, stepId: string): ApprovalGateState | undefined {
  const final = run.final?.state.steps.find((step) => step.id === stepId)?.approval;
  if (final) return final;
  const returned = run.playerActions.filter((action) => action.name === 'decideApproval' && action.stepId === stepId && action.completed?.result);
  return returned.length > 0 ? (returned[returned.length - 1].completed!.result as ApprovalGateState) : undefined;
}

export function gateFigures(ctx: ScoreContext, run: RunFacts): GateFigure[] {
  return flattenSteps(ctx.runbook).flatMap((spec) => {
    if (!('approval' in spec)) return [];
    const gate = lastKnownGate(run, spec.id);
    const outcome = stepOutcome(run, ctx.clock, spec.id);
    const reached = outcome.status !== 'pending' && outcome.status !== 'skipped' && (outcome.status !== 'unknown' || gate !== undefined);
    const closingRef = run.view.closing ? run.view.ref(run.view.closing) : undefined;
    const escalated = gate?.escalation?.at && closingRef ? ctx.clock.recordedMoment(gate.escalation.at, closingRef) : undefined;
    const figure: GateFigure = {
      stepId: spec.id,
      quorum: gateQuorum(spec.approval),
      outcome: gate?.outcome ?? (reached ? 'open' : 'not-reached'),
      approvedBy: (gate?.decisions ?? []).filter((decision) => decision.decision === 'approve').map((decision) => decision.person ?? decision.actor),
      ...(gate?.outcome && outcome.ended ? { closed: outcome.ended } : {}),
      ...(escalated ? { escalated } : {}),
    };
    return [figure];
  });
}

const TIMEOUT_MESSAGE = /^(?:no "[^"]*" event within |nobody completed the task within )/;

function stepMarks(ctx: ScoreContext, run: RunFacts): Pick<Figures, 'stepsFailed' | 'stepsTimedOut' | 'stepsSkipped'> {
  const failed: StepMark[] = [];
  const timedOut: StepMark[] = [];
  const skipped: StepMark[] = [];
  for (const spec of flattenSteps(ctx.runbook)) {
    if ('parallel' in spec) continue;
    const outcome = stepOutcome(run, ctx.clock, spec.id);
    const state = outcome.state;
    const when = outcome.ended ? { when: outcome.ended } : {};
    if (outcome.status === 'skipped') {
      skipped.push({ stepId: spec.id, detail: state?.skippedBecause ?? 'skipped' });
      continue;
    }
    if (outcome.status !== 'failed' || state?.error?.type === 'Cancelled') continue;
    const perform = run.activities.filter((call) => call.stepId === spec.id && call.purpose === 'perform').pop();
    const detail = state?.error?.message ?? perform?.end?.kind ?? 'failed';
    const ranOut = state?.approval?.outcome === 'timed-out' || state?.decision?.outcome === 'timed-out' || perform?.outcome === 'timed-out' || TIMEOUT_MESSAGE.test(state?.error?.message ?? '');
    (ranOut ? timedOut : failed).push({ stepId: spec.id, ...when, detail });
  }
  return { stepsFailed: failed, stepsTimedOut: timedOut, stepsSkipped: skipped };
}
