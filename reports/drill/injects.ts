/**
 * Each inject: when it fired (or was skipped), by whom, and how the players handled it.
 *
 * Fired: the drill's SignalExternalWorkflowExecutionInitiated event that told its run (signal
 * `drillInject`); when there is none (the run had closed, or the drill predates the signal) the
 * facilitator's accepted injectNow Update; failing that, the drill's own record in its result.
 * Skipped: the accepted skipInject Update. `settledBy` is the facilitator of an injectNow or
 * skipInject Update, else `schedule`. Each kind counts as handled (and `tookMs` runs to) when:
 * - message: the players' next accepted Update on the run after it fired;
 * - fault: the call that took the fault (the ActivityTaskScheduled whose ActionRequest carries the
 *   inject's id) finally succeeded, failed or timed out; its attempts are the finishing attempt's
 *   number, and a failed call reports the step's on_error;
 * - unavailable: the first gate or decision step still undecided when it fired (for a group, one
 *   naming the group) closed; who decided or answered it after the inject, and whether and when it
 *   escalated (a decision defaulted by its timeout counts as timed out);
 * - late event: the wait for the event ended (delivered by the drill, or otherwise); `arrived` is
 *   the drill's drillEventArrives signal;
 * - never-arriving event: how the wait for the event ended (timed out, skipped, cancelled, ...);
 * - twist: the follow-up run started (its own WorkflowExecutionStarted).
 */
import { drillFollowUpWorkflowId, type DrillInjectPlan, type InjectState } from '../../common/drill-state';
import type { Runbook } from '../../runbooks/schema';
import { text, type DrillFacts } from './drill-facts';
import { formatDrillMs, tookMs } from './drill-time';
import type { InjectHandling, InjectReport, Moment } from './report-types';
import { lastKnownDecision } from './decision-figures';
import { flattenSteps, stepOutcome, type PlayerAction, type RunFacts } from './run-facts';
import { actorMoment, decisionPerson, lastKnownGate } from './scorecard';
import { approverGroupsOf } from '../../runbooks/approver-groups';

export interface InjectContext {
  drill: DrillFacts;
  runbook: Runbook;
  run?: RunFacts;
  /** Follow-up runs by inject id. */
  followUps: Map<string, RunFacts>;
}

export function injectReports(ctx: InjectContext): InjectReport[] {
  const recorded = new Map((ctx.drill.final?.injects ?? []).map((inject) => [inject.id, inject]));
  return ctx.drill.input.injects.map((plan) => injectReport({ ...plan, ...(recorded.get(plan.id) ?? {}) } as DrillInjectPlan & Partial<InjectState>, ctx));
}

function injectReport(inject: DrillInjectPlan & Partial<InjectState>, ctx: InjectContext): InjectReport {
  const { drill } = ctx;
  const clock = drill.clock;
  const nowControl = drill.controls.find((control) => control.name === 'injectNow' && control.injectId === inject.id);
  const skipControl = drill.controls.find((control) => control.name === 'skipInject' && control.injectId === inject.id);
  const signal = drill.injectSignals.get(inject.id);
  const base = { id: inject.id, kind: inject.kind, ...(inject.title ? { title: inject.title } : {}), ...(inject.message ? { message: inject.message } : {}), plannedAtMs: inject.atMs };
  if (skipControl) {
    const settled = clock.moment(skipControl.event, drill.view.ref(skipControl.event));
    return { ...base, status: 'skipped', settledBy: skipControl.actor, settled, summary: `skipped by ${skipControl.actor} at ${formatDrillMs(settled.drillMs)}` };
  }
  const closing = drill.view.closing;
  const settled = signal
    ? clock.moment(signal, drill.view.ref(signal))
    : nowControl
      ? clock.moment(nowControl.event, drill.view.ref(nowControl.event))
      : inject.status === 'fired' && closing
        ? recordedFiring(inject, closing, ctx)
        : undefined;
  if (!settled) {
    const status = inject.status === 'skipped' || (inject.status as string) === 'not-applied' ? (inject.status as InjectReport['status']) : 'pending';
    return { ...base, status, summary: status === 'pending' ? `not fired (due at ${formatDrillMs(inject.atMs)})` : `${status}` };
  }
  const settledBy = nowControl?.actor ?? 'schedule';
  const handling = handle(inject, settled, ctx);
  const took = tookMs(settled, handledAt(handling));
  return {
    ...base,
    status: 'fired',
    settledBy,
    settled,
    handling,
    ...(took !== undefined ? { tookMs: took } : {}),
    summary: `fired at ${formatDrillMs(settled.drillMs)}${settledBy === 'schedule' ? '' : ` by ${settledBy}`}; ${describeHandling(handling, took)}`,
  };
}

function recordedFiring(inject: Partial<InjectState>, closing: { id: number }, ctx: InjectContext): Moment | undefined {
  if (inject.settledAtDrillMs === undefined || !inject.settledAt) return undefined;
  return { drillMs: Math.max(0, Math.round(inject.settledAtDrillMs)), at: new Date(Date.parse(inject.settledAt)).toISOString(), ref: ctx.drill.view.ref(closing) };
}

function handle(inject: DrillInjectPlan, fired: Moment, ctx: InjectContext): InjectHandling {
  switch (inject.kind) {
    case 'fault':
      return faultHandling(inject, ctx);
    case 'event':
      return eventHandling(inject, fired, ctx);
    case 'unavailable':
      return unavailableHandling(inject, fired, ctx);
    case 'twist':
      return twistHandling(inject, ctx);
    default: {
      const next = ctx.run?.playerActions.find((action) => action.accepted.timeMs >= Date.parse(fired.at));
      return { kind: 'message', ...(next && ctx.run ? { nextAction: actorMoment(next, { clock: ctx.drill.clock, run: ctx.run }) } : {}) };
    }
  }
}

function faultHandling(inject: DrillInjectPlan, ctx: InjectContext): InjectHandling {
  const base = { kind: 'fault' as const, action: inject.fault?.action ?? '', fail: inject.fault?.fail ?? 1 };
  const run = ctx.run;
  const call = run?.activities.find((candidate) => candidate.drillFaultInjectId === inject.id);
  if (!run || !call) return { ...base, outcome: 'not-called' };
  const spec = flattenSteps(ctx.runbook).find((step) => step.id === call.stepId);
  const settled = call.end ? ctx.drill.clock.moment(call.end, run.view.ref(call.end)) : undefined;
  const failed = call.outcome === 'failed' || call.outcome === 'timed-out';
  return {
    ...base,
    stepId: call.stepId,
    purpose: call.purpose,
    called: ctx.drill.clock.moment(call.scheduled, run.view.ref(call.scheduled)),
    ...(call.attempts !== undefined ? { attempts: call.attempts } : {}),
    outcome: call.outcome,
    ...(settled ? { settled } : {}),
    ...(failed ? { onError: spec?.on_error ?? 'fail' } : {}),
  };
}

function eventHandling(inject: DrillInjectPlan, fired: Moment, ctx: InjectContext): InjectHandling {
  const name = inject.event?.name ?? '';
  const mode = inject.event?.never ? 'never' : 'late';
  const sent = ctx.drill.lateArrivals.get(inject.id);
  const base = {
    kind: 'event' as const,
    event: name,
    mode,
    ...(inject.event?.delayMs !== undefined ? { delayMs: inject.event.delayMs } : {}),
    ...(sent ? { arrived: ctx.drill.clock.moment(sent, ctx.drill.view.ref(sent)) } : {}),
  } satisfies Partial<InjectHandling>;
  const spec = flattenSteps(ctx.runbook).find((step) => 'wait' in step && step.wait.event === name);
  if (!spec) return { ...base, waitEnd: 'no-wait-step' };
  if (!ctx.run) return { ...base, waitStepId: spec.id, waitEnd: 'unknown' };
  const outcome = stepOutcome(ctx.run, ctx.drill.clock, spec.id);
  const ended = outcome.ended ? { waitEnded: outcome.ended } : {};
  const common = { ...base, waitStepId: spec.id, ...ended };
  switch (outcome.status) {
    case 'succeeded':
    case 'compensated':
      return { ...common, waitEnd: outcome.ended && outcome.ended.drillMs < fired.drillMs ? 'arrived-before' : 'arrived' };
    case 'failed':
      if (outcome.state?.error?.type === 'Cancelled') return { ...common, waitEnd: 'cancelled' };
      return { ...common, waitEnd: /^no "[^"]*" event within /.test(outcome.state?.error?.message ?? '') ? 'timed-out' : 'failed' };
    case 'skipped':
      return { ...common, waitEnd: 'skipped' };
    case 'waiting':
    case 'running':
      return { ...common, waitEnd: 'still-waiting' };
    case 'pending':
      return { ...common, waitEnd: 'not-reached' };
    default:
      return { ...common, waitEnd: ctx.run.final ? 'unknown' : 'still-waiting' };
  }
}

function unavailableHandling(inject: DrillInjectPlan, fired: Moment, ctx: InjectContext): InjectHandling {
  const { person, group } = inject.unavailable ?? {};
  const base = { kind: 'unavailable' as const, ...(person ? { person } : {}), ...(group ? { group } : {}) };
  const run = ctx.run;
  if (!run) return { ...base, resolution: 'no-gate', decidedBy: [] };
  const firedMs = Date.parse(fired.at);
  for (const spec of flattenSteps(ctx.runbook)) {
    const human = humanGateOf(spec, run);
    if (!human) continue;
    if (group && !human.groups.includes(group)) continue;
    const outcome = stepOutcome(run, ctx.drill.clock, spec.id);
    const gate = human.gate;
    if (outcome.status === 'skipped' || outcome.status === 'pending') continue;
    if (outcome.status === 'unknown' && !gate) continue;
    // Decided before the inject: not the gate it affected.
    if (gate?.outcome && outcome.ended && Date.parse(outcome.ended.at) < firedMs) continue;
    const after = run.playerActions.filter((action) => action.name === human.update && action.stepId === spec.id && action.accepted.timeMs >= firedMs);
    const decidedBy = [...new Set(after.map((action) => decisionPerson(action) ?? action.actor))];
    const closingRef = run.view.closing ? run.view.ref(run.view.closing) : undefined;
    const escalated = gate?.escalation?.at && closingRef ? ctx.drill.clock.recordedMoment(gate.escalation.at, closingRef) : undefined;
    return {
      ...base,
      gateStepId: spec.id,
      resolution: human.resolution(after),
      decidedBy,
      ...(escalated ? { escalated } : {}),
      ...(gate?.outcome && outcome.ended ? { resolved: outcome.ended } : {}),
    };
  }
  return { ...base, resolution: 'no-gate', decidedBy: [] };
}

type Resolution = Extract<InjectHandling, { kind: 'unavailable' }>['resolution'];

/**
 * An approval gate or a decision step: both wait for people named by the approval policy, so an
 * unavailable person or group affects both. Which groups it asks (escalation groups included),
 * the Update its people send, its last known state, and how it was resolved.
 */
function humanGateOf(spec: ReturnType<typeof flattenSteps>[number], run: RunFacts) {
  if ('approval' in spec) {
    const gate = lastKnownGate(run, spec.id);
    return {
      groups: [...approverGroupsOf(spec.approval), ...(spec.approval.escalate_to ?? [])],
      update: 'decideApproval',
      gate,
      resolution: (after: PlayerAction[]): Resolution => {
        if (gate?.outcome === 'approved') return after.some((action) => action.decision === 'approve') ? (gate.escalated ? 'escalated-then-decided' : 'decided-by-others') : 'timed-out';
        return gate?.outcome === 'rejected' ? 'rejected' : gate?.outcome === 'timed-out' ? 'timed-out' : 'still-open';
      },
    };
  }
  if ('decision' in spec) {
    const gate = lastKnownDecision(run, spec.id);
    return {
      groups: [...approverGroupsOf({ approvers: spec.decision.deciders }), ...(spec.decision.escalate_to ?? [])],
      update: 'answerDecision',
      gate,
      // A decision is answered, defaulted by its timeout or timed out: it has no rejection.
      resolution: (after: PlayerAction[]): Resolution => {
        if (gate?.outcome === 'answered') return after.length > 0 ? (gate.escalated ? 'escalated-then-decided' : 'decided-by-others') : 'timed-out';
        return gate?.outcome === 'defaulted' || gate?.outcome === 'timed-out' ? 'timed-out' : 'still-open';
      },
    };
  }
  return undefined;
}

function twistHandling(inject: DrillInjectPlan, ctx: InjectContext): InjectHandling {
  const workflowId = drillFollowUpWorkflowId(ctx.drill.drillId, inject.id);
  const followUp = ctx.followUps.get(inject.id);
  const started = followUp?.view.started;
  const control = ctx.drill.controls.find((candidate) => candidate.name === 'startFollowUp' && candidate.injectId === inject.id);
  const startedBy = control?.actor ?? text(followUp?.input?.requestedBy);
  return {
    kind: 'twist',
    followUpStarted: started !== undefined,
    followUpWorkflowId: workflowId,
    ...(started && followUp ? { started: ctx.drill.clock.moment(started, followUp.view.ref(started)) } : {}),
    ...(started && startedBy ? { startedBy } : {}),
  };
}

/** The moment an inject counts as handled (see the file comment). */
export function handledAt(handling: InjectHandling): Moment | undefined {
  switch (handling.kind) {
    case 'message':
      return handling.nextAction;
    case 'fault':
      return handling.settled;
    case 'event':
      return handling.waitEnded;
    case 'unavailable':
      return handling.resolved;
    case 'twist':
      return handling.started;
  }
}

function describeHandling(handling: InjectHandling, took: number | undefined): string {
  const after = took !== undefined ? ` after ${formatDrillMs(took)}` : '';
  switch (handling.kind) {
    case 'message':
      return handling.nextAction ? `the players' next action (${handling.nextAction.what} by ${handling.nextAction.actor})${after}` : 'no player action followed';
    case 'fault':
      if (handling.outcome === 'not-called') return `${handling.action} was not called after it`;
      return `${handling.stepId} (${handling.action}) ${handling.outcome === 'in-progress' ? 'is still being tried' : handling.outcome}${handling.attempts ? ` on attempt ${handling.attempts}` : ''}${after}${handling.onError ? `; on_error: ${handling.onError}` : ''}`;
    case 'event':
      return `${handling.mode === 'late' ? `"${handling.event}" delayed` : `"${handling.event}" withheld`}; the wait ${handling.waitEnd.replace(/-/g, ' ')}${handling.waitEnded ? after : ''}`;
    case 'unavailable':
      if (handling.resolution === 'no-gate') return 'no gate was waiting for a decision';
      return `gate ${handling.gateStepId}: ${handling.resolution.replace(/-/g, ' ')}${handling.decidedBy.length ? ` (${handling.decidedBy.join(', ')})` : ''}${handling.resolved ? after : ''}`;
    case 'twist':
      return handling.followUpStarted ? `follow-up ${handling.followUpWorkflowId} started${after}${handling.startedBy ? ` by ${handling.startedBy}` : ''}` : 'the follow-up run was not started';
  }
}
