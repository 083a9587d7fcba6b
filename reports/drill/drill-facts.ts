/**
 * What the drill's own history says: what it was started with, when it launched, its pauses,
 * which injects fired or were skipped and when, notes, the end, follow-up starts, the readiness
 * probe and the drill's final record. Pure: read from decoded events only.
 */
import type { DrillInjectPlan, DrillObjectivePlan, DrillReadinessReport, DrillState } from '../../common/drill-state';
import type { DecisionSource } from '../../common/run-state';
import type { Runbook } from '../../runbooks/schema';
import { HistoryDrillClock, type PauseInterval } from './drill-time';
import type { EventOf, HistoryView } from './history';

/** The drill workflow's input as its WorkflowExecutionStarted event records it (the fields the report reads). */
export interface DrillStartInput {
  scenario: { id: string; version: number; title: string; sha256: string };
  runbook: Runbook;
  runbookSha256: string;
  incidentId?: string;
  injects: DrillInjectPlan[];
  objectives: DrillObjectivePlan[];
  participants: { facilitators: string[]; players: string[] };
  requestedBy: string;
  requestedVia: DecisionSource;
}

export interface DrillPauseFacts extends PauseInterval {
  pause: EventOf<'update-accepted'>;
  pausedBy: string;
  resume?: EventOf<'update-accepted'>;
  resumedBy?: string;
}

/** An accepted facilitator Update with its request's fields. */
export interface ControlFacts {
  event: EventOf<'update-accepted'>;
  name: string;
  actor: string;
  via?: DecisionSource;
  injectId?: string;
  text?: string;
  reason?: string;
}

export interface DrillFacts {
  view: HistoryView;
  drillId: string;
  launch: EventOf<'workflow-started'>;
  input: DrillStartInput;
  /** The drill's final DrillState, once it has closed normally. */
  final?: DrillState;
  clock: HistoryDrillClock;
  pauses: DrillPauseFacts[];
  /** Every accepted facilitator control (pause, resume, injectNow, skipInject, noteDrill, endDrill, startFollowUp). */
  controls: ControlFacts[];
  /** Inject id → the event by which the drill told its run the inject fired. */
  injectSignals: Map<string, EventOf<'signal-sent'>>;
  /** Inject id → the event by which the drill delivered a late event to its run. */
  lateArrivals: Map<string, EventOf<'signal-sent'>>;
  readiness?: { report: DrillReadinessReport; event: EventOf<'activity-completed'> };
}

export const FACILITATOR_UPDATES = ['pauseDrill', 'resumeDrill', 'injectNow', 'skipInject', 'noteDrill', 'endDrill', 'startFollowUp'] as const;

export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
  constructor(
    message: string,
    /** `not-found`: no workflow of that id; `invalid`: not something a report can be built from. */
    readonly reason: 'not-found' | 'invalid' = 'invalid',
  ) {
    super(message);
  }
}

export function readDrillFacts(view: HistoryView, drillId: string): DrillFacts {
  const launch = view.started;
  if (!launch) throw new ReportInputError(`the history of drill ${drillId} has no WorkflowExecutionStarted event`);
  const input = launch.input[0] as DrillStartInput | undefined;
  if (!input || typeof input !== 'object' || !input.scenario || !input.runbook || !Array.isArray(input.objectives) || !Array.isArray(input.injects)) {
    throw new ReportInputError(`workflow ${drillId} was not started as a drill (its input has no scenario, runbook, objectives and injects)`);
  }
  const controls: ControlFacts[] = [];
  for (const { accepted, completed } of view.updates(...FACILITATOR_UPDATES)) {
    // An Update whose handler failed changed nothing the report counts.
    if (completed && !completed.ok) continue;
    const request = (accepted.args[0] ?? {}) as Record<string, unknown>;
    controls.push({
      event: accepted,
      name: accepted.name,
      actor: text(request.actor)?.trim() ?? 'unknown',
      ...(isVia(request.via) ? { via: request.via } : {}),
      ...(text(request.injectId) ? { injectId: text(request.injectId) } : {}),
      ...(text(request.text) ? { text: text(request.text)!.trim() } : {}),
      ...(text(request.reason) ? { reason: text(request.reason) } : {}),
    });
  }
  const pauses = pairPauses(controls);
  const closing = view.closing;
  const final = closing?.kind === 'workflow-completed' ? (closing.result as DrillState | undefined) : undefined;
  const { injectSignals, lateArrivals } = injectSignalsIn(view.all('signal-sent'));
  return {
    view,
    drillId,
    launch,
    input,
    ...(final && typeof final === 'object' ? { final } : {}),
    clock: new HistoryDrillClock(launch.timeMs, pauses),
    pauses,
    controls,
    injectSignals,
    lateArrivals,
    ...readinessOf(view),
  };
}

/** Each accepted pauseDrill with the next accepted resumeDrill after it. */
function pairPauses(controls: ControlFacts[]): DrillPauseFacts[] {
  const pauses: DrillPauseFacts[] = [];
  let open: DrillPauseFacts | undefined;
  for (const control of controls) {
    if (control.name === 'pauseDrill' && !open) {
      open = { pause: control.event, pausedBy: control.actor, startMs: control.event.timeMs };
      pauses.push(open);
    } else if (control.name === 'resumeDrill' && open) {
      Object.assign(open, { resume: control.event, resumedBy: control.actor, endMs: control.event.timeMs });
      open = undefined;
    }
  }
  return pauses;
}

function readinessOf(view: HistoryView): Pick<DrillFacts, 'readiness'> {
  const scheduled = view.all('activity-scheduled').find((event) => event.activityType === 'probeDrillReadiness');
  if (!scheduled) return {};
  const completed = view.all('activity-completed').find((event) => event.scheduledEventId === scheduled.id);
  const report = completed?.result as DrillReadinessReport | undefined;
  return completed && report && Array.isArray(report.findings) ? { readiness: { report, event: completed } } : {};
}

/**
 * The first inject signal and the first late-event arrival per inject id, among signals sent (the
 * drill's history) or received (the run's).
 */
export function injectSignalsIn<E extends { signalName: string; input: unknown[] }>(events: Iterable<E>): { injectSignals: Map<string, E>; lateArrivals: Map<string, E> } {
  const injectSignals = new Map<string, E>();
  const lateArrivals = new Map<string, E>();
  for (const event of events) {
    const injectId = text((event.input[0] as { injectId?: unknown } | undefined)?.injectId);
    if (!injectId) continue;
    if (event.signalName === 'drillInject' && !injectSignals.has(injectId)) injectSignals.set(injectId, event);
    if (event.signalName === 'drillEventArrives' && !lateArrivals.has(injectId)) lateArrivals.set(injectId, event);
  }
  return { injectSignals, lateArrivals };
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function isVia(value: unknown): value is DecisionSource {
  return value === 'cli' || value === 'slack' || value === 'api';
}
