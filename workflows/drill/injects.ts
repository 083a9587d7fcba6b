/**
 * Settling injects: what happens when an inject's moment comes (its offset, or the facilitator's
 * "inject now"), or when it is skipped, and what the drill then tells its run (run-effects.ts
 * applies it there). A late event is delivered by the drill itself when its delay has passed.
 *
 * Workflow-safe.
 */
import type { InjectState } from '../../common/drill-state';
import type { DrillClock } from './clock';
import type { DrillInjectSignal } from './messages';

export function settleInject(inject: InjectState, clock: DrillClock, by: string): InjectState {
  inject.status = 'fired';
  inject.settledAt = new Date().toISOString();
  inject.settledAtDrillMs = clock.elapsedMs();
  inject.settledBy = by;
  inject.effect = describeEffect(inject);
  return inject;
}

export function skipInject(inject: InjectState, clock: DrillClock, by: string): InjectState {
  inject.status = 'skipped';
  inject.settledAt = new Date().toISOString();
  inject.settledAtDrillMs = clock.elapsedMs();
  inject.settledBy = by;
  inject.effect = 'skipped: it never reached the players';
  return inject;
}

/** What a fired inject does to the run, in one sentence for the facilitator. */
function describeEffect(inject: InjectState): string {
  switch (inject.kind) {
    case 'message':
      return 'posted to the players';
    case 'fault':
      return `the next call of ${inject.fault?.action} fails its first ${inject.fault?.fail} attempt(s)`;
    case 'event':
      return inject.event?.never ? `"${inject.event.name}" is withheld for good` : `"${inject.event?.name}" is held back, then delivered ${inject.event?.delayMs ?? 0} ms of drill time later`;
    case 'unavailable':
      return `${inject.unavailable?.person ?? `group ${inject.unavailable?.group}`} may not decide for the rest of the drill`;
    case 'twist':
      return inject.followUp ? `posted to the players; the facilitator may start a follow-up run of ${inject.followUp.runbookId}` : 'posted to the players';
  }
}

/** The signal the run receives for a fired inject. */
export function injectSignal(inject: InjectState): DrillInjectSignal {
  return {
    injectId: inject.id,
    kind: inject.kind,
    drillMs: inject.settledAtDrillMs ?? 0,
    ...(inject.title ? { title: inject.title } : {}),
    ...(inject.message ? { message: inject.message } : {}),
    ...(inject.fault ? { fault: inject.fault } : {}),
    ...(inject.event ? { event: inject.event } : {}),
    ...(inject.unavailable ? { unavailable: inject.unavailable } : {}),
  };
}

/** What the inject loop must do next, and at what drill time. */
export type DueItem = { kind: 'inject'; inject: InjectState; atMs: number } | { kind: 'arrival'; inject: InjectState; atMs: number };

/** The earliest pending inject or late-event arrival (offset order, then scenario order). */
export function nextDue(injects: readonly InjectState[]): DueItem | undefined {
  let next: DueItem | undefined;
  for (const inject of injects) {
    let candidate: DueItem | undefined;
    if (inject.status === 'pending') candidate = { kind: 'inject', inject, atMs: inject.atMs };
    else if (inject.status === 'fired' && inject.event?.delayMs !== undefined && inject.eventDeliveredAtDrillMs === undefined) {
      candidate = { kind: 'arrival', inject, atMs: (inject.settledAtDrillMs ?? 0) + inject.event.delayMs };
    }
    if (candidate && (next === undefined || candidate.atMs < next.atMs)) next = candidate;
  }
  return next;
}

/** The pending inject named `injectId`, or an error that says why it cannot be used. */
export function pendingInject(injects: readonly InjectState[], injectId: string): InjectState {
  const inject = namedInject(injects, injectId);
  if (inject.status !== 'pending') throw new Error(`inject "${injectId}" is already ${inject.status}`);
  return inject;
}

export function namedInject(injects: readonly InjectState[], injectId: string): InjectState {
  const inject = injects.find((candidate) => candidate.id === injectId);
  if (!inject) throw new Error(`the scenario has no inject "${injectId}"; its injects: ${injects.map((candidate) => candidate.id).join(', ') || 'none'}`);
  return inject;
}
