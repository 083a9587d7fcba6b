/**
 * What a run's history says (the drill's run, or a follow-up): its input, the action activities
 * with their attempts and outcomes, the players' accepted Updates, the drill's signals, and the
 * final RunResult once it has closed. `stepOutcome` answers, for one step, how it ended and the
 * event that shows it. Pure: read from decoded events only.
 */
import type { ApprovalGateState, DecisionGateState, DecisionSource, RunResult, StepState, StepStatus } from '../../common/run-state';
import type { Runbook, RunbookBranchStep, RunbookStep } from '../../runbooks/schema';
import { injectSignalsIn, isVia, text } from './drill-facts';
import type { HistoryDrillClock } from './drill-time';
import type { EventOf, HistoryView } from './history';
import type { Moment } from './report-types';
import { everyStep } from '../../runbooks/step-kind';

export interface RunStartInput {
  runbook: Runbook;
  runbookSha256: string;
  requestedBy: string;
  requestedVia: DecisionSource;
  incidentId: string;
  mode: string;
}

type ActivityEnd = EventOf<'activity-completed'> | EventOf<'activity-failed'> | EventOf<'activity-timed-out'>;

/** One call of an action activity (input[0] is an ActionRequest with a step id). */
export interface ActionCall {
  scheduled: EventOf<'activity-scheduled'>;
  stepId: string;
  action: string;
  purpose: string;
  /** The fault inject this call carried, if any. */
  drillFaultInjectId?: string;
  /** ActivityTaskStarted.attempt of the attempt that finished; absent while it is still being tried. */
  attempts?: number;
  end?: ActivityEnd;
  outcome: 'succeeded' | 'failed' | 'timed-out' | 'in-progress';
}

/** The Updates people send a run. */
export const PLAYER_UPDATES = ['decideApproval', 'answerDecision', 'completeManual', 'deliverEvent', 'cancelRun'] as const;

export interface PlayerAction {
  accepted: EventOf<'update-accepted'>;
  completed?: EventOf<'update-completed'>;
  name: string;
  actor: string;
  via?: DecisionSource;
  stepId?: string;
  event?: string;
  /** decideApproval only: an answer to a decision step is never an approval or a rejection. */
  decision?: 'approve' | 'reject';
  /** answerDecision only: the option the person chose. */
  option?: string;
}

export interface RunFacts {
  view: HistoryView;
  workflowId: string;
  input?: RunStartInput;
  final?: RunResult;
  activities: ActionCall[];
  /** Accepted player Updates whose handler did not fail, oldest first. */
  playerActions: PlayerAction[];
  injectSignals: Map<string, EventOf<'signaled'>>;
  lateArrivals: Map<string, EventOf<'signaled'>>;
}

export function readRunFacts(view: HistoryView, workflowId: string): RunFacts {
  const input = view.started?.input[0] as RunStartInput | undefined;
  const closing = view.closing;
  const final = closing?.kind === 'workflow-completed' ? (closing.result as RunResult | undefined) : undefined;
  const { injectSignals, lateArrivals } = injectSignalsIn(view.all('signaled'));
  return {
    view,
    workflowId,
    ...(input && typeof input === 'object' && input.runbook ? { input } : {}),
    ...(final && typeof final === 'object' && final.state ? { final } : {}),
    activities: actionCalls(view),
    playerActions: playerActions(view),
    injectSignals,
    lateArrivals,
  };
}

function actionCalls(view: HistoryView): ActionCall[] {
  const attempts = new Map<number, number>();
  for (const event of view.all('activity-started')) attempts.set(event.scheduledEventId, event.attempt);
  const ends = new Map<number, ActivityEnd>();
  for (const event of view.events) {
    if (event.kind === 'activity-completed' || event.kind === 'activity-failed' || event.kind === 'activity-timed-out') ends.set(event.scheduledEventId, event);
  }
  const calls: ActionCall[] = [];
  for (const scheduled of view.all('activity-scheduled')) {
    const request = scheduled.input[0] as { stepId?: unknown; action?: unknown; purpose?: unknown; drillFault?: { injectId?: unknown } } | undefined;
    const stepId = text(request?.stepId);
    if (!request || !stepId || !text(request.action)) continue;
    const end = ends.get(scheduled.id);
    const faultId = text(request.drillFault?.injectId);
    const tried = attempts.get(scheduled.id);
    calls.push({
      scheduled,
      stepId,
      action: scheduled.activityType,
      purpose: text(request.purpose) ?? 'perform',
      ...(faultId ? { drillFaultInjectId: faultId } : {}),
      ...(tried !== undefined ? { attempts: tried } : {}),
      ...(end ? { end } : {}),
      outcome: !end ? 'in-progress' : end.kind === 'activity-completed' ? 'succeeded' : end.kind === 'activity-failed' ? 'failed' : 'timed-out',
    });
  }
  return calls;
}

function playerActions(view: HistoryView): PlayerAction[] {
  const actions: PlayerAction[] = [];
  for (const { accepted, completed } of view.updates(...PLAYER_UPDATES)) {
    if (completed && !completed.ok) continue;
    const request = (accepted.args[0] ?? {}) as Record<string, unknown>;
    const approval = accepted.name === 'decideApproval';
    const decision = approval && (request.decision === 'approve' || request.decision === 'reject') ? request.decision : undefined;
    const option = accepted.name === 'answerDecision' ? text(request.option) : undefined;
    actions.push({
      accepted,
      ...(completed ? { completed } : {}),
      name: accepted.name,
      actor: text(request.actor)?.trim() ?? 'unknown',
      ...(isVia(request.via) ? { via: request.via } : {}),
      ...(text(request.stepId) ? { stepId: text(request.stepId) } : {}),
      ...(text(request.event) ? { event: text(request.event) } : {}),
      ...(decision ? { decision } : {}),
      ...(option ? { option } : {}),
    });
  }
  return actions;
}

/** Every step of a runbook, branches right after their parallel step. */
export function flattenSteps(runbook: Runbook | undefined): Array<RunbookStep | RunbookBranchStep> {
  return everyStep(runbook?.steps ?? []);
}

export interface StepOutcome {
  status: StepStatus | 'unknown';
  state?: StepState;
  /** When it ended (succeeded, failed), from the event that shows it, else from the final state's record. */
  ended?: Moment;
}

/**
 * How one step ended. The status is the final state's when the run has closed; before that it is
 * read from events (an action's activity, the Update that closed a gate, completed a task or
 * delivered an awaited event) and is `unknown` when none says. The time is the event's:
 * - action: its `perform` activity's ActivityTaskCompleted / Failed / TimedOut;
 * - approval: the completed decideApproval Update whose returned gate carries an outcome;
 * - decision: the completed answerDecision Update whose returned decision is answered;
 * - manual: the completed completeManual Update for the step;
 * - wait: the completed deliverEvent Update, or the drill's drillEventArrives signal, for its event;
 * - parallel: the latest of its branches;
 * otherwise (a gate closed by its timer, a step failed before any event) the final state's
 * `endedAt`, citing the run's closing event.
 */
export function stepOutcome(run: RunFacts, clock: HistoryDrillClock, stepId: string): StepOutcome {
  const state = run.final?.state.steps.find((step) => step.id === stepId);
  const spec = flattenSteps(run.input?.runbook).find((step) => step.id === stepId);
  const found = spec ? endEvent(run, clock, spec) : undefined;
  // An action still being tried shows as running while the run has no final state to say so.
  const trying = spec && 'action' in spec && run.activities.some((call) => call.stepId === stepId && call.purpose === 'perform' && call.outcome === 'in-progress');
  const status: StepOutcome['status'] = state?.status ?? found?.status ?? (trying ? 'running' : 'unknown');
  // A compensated step did succeed (it was undone later, when the run was cancelled).
  const agrees = found !== undefined && (found.status === status || (status === 'compensated' && found.status === 'succeeded'));
  let ended = agrees ? found.moment : undefined;
  const closing = run.view.closing;
  if (!ended && state?.endedAt && closing) ended = clock.recordedMoment(state.endedAt, run.view.ref(closing));
  return { status, ...(state ? { state } : {}), ...(ended ? { ended } : {}) };
}

function endEvent(run: RunFacts, clock: HistoryDrillClock, spec: RunbookStep | RunbookBranchStep): { status: StepStatus; moment: Moment } | undefined {
  const at = (event: { id: number; timeMs: number; at: string }) => clock.moment(event, run.view.ref(event));
  if ('action' in spec) {
    const call = run.activities.filter((candidate) => candidate.stepId === spec.id && candidate.purpose === 'perform' && candidate.end).pop();
    if (!call?.end) return undefined;
    return { status: call.outcome === 'succeeded' ? 'succeeded' : 'failed', moment: at(call.end) };
  }
  if ('approval' in spec) {
    for (const action of run.playerActions) {
      const gate = action.completed?.result as ApprovalGateState | undefined;
      if (action.name !== 'decideApproval' || action.stepId !== spec.id || !gate?.outcome) continue;
      return { status: gate.outcome === 'approved' ? 'succeeded' : 'failed', moment: at(action.completed!) };
    }
    return undefined;
  }
  if ('decision' in spec) {
    for (const action of run.playerActions) {
      const gate = action.completed?.result as DecisionGateState | undefined;
      if (action.name !== 'answerDecision' || action.stepId !== spec.id || gate?.outcome !== 'answered') continue;
      return { status: 'succeeded', moment: at(action.completed!) };
    }
    // A decision the timeout defaulted or failed closed on a timer: its final state says when.
    return undefined;
  }
  if ('manual' in spec) {
    const done = run.playerActions.find((action) => action.name === 'completeManual' && action.stepId === spec.id && action.completed);
    return done ? { status: 'succeeded', moment: at(done.completed!) } : undefined;
  }
  if ('wait' in spec) {
    const delivered = run.playerActions.find((action) => action.name === 'deliverEvent' && action.event === spec.wait.event && action.completed);
    if (delivered) return { status: 'succeeded', moment: at(delivered.completed!) };
    const late = [...run.lateArrivals.values()].find((event) => (event.input[0] as { event?: unknown } | undefined)?.event === spec.wait.event);
    return late ? { status: 'succeeded', moment: at(late) } : undefined;
  }
  // A sleep ends on its timer and an end step by itself, which no event names: the final state says when.
  if (!('parallel' in spec)) return undefined;
  const branches = spec.parallel.map((branch) => endEvent(run, clock, branch));
  if (branches.some((branch) => branch === undefined)) return undefined;
  const latest = branches.reduce((a, b) => (b!.moment.drillMs >= a!.moment.drillMs ? b : a))!;
  return { status: branches.every((branch) => branch!.status === 'succeeded') ? 'succeeded' : 'failed', moment: latest.moment };
}
