/**
 * Settling injects: what happens when an inject's moment comes (its offset, or the facilitator's
 * "inject now"), or when it is skipped. Only messages take effect in this version; any other kind
 * is recorded as not applied at its moment, so the drill's record never implies it happened.
 *
 * Workflow-safe.
 */
import type { DrillClock } from './clock';
import type { InjectState } from '../../common/drill-state';

export function settleInject(inject: InjectState, clock: DrillClock, by: string): InjectState {
  inject.status = 'fired';
  inject.settledAt = new Date().toISOString();
  inject.settledAtDrillMs = clock.elapsedMs();
  inject.settledBy = by;
  return inject;
}

export function skipInject(inject: InjectState, clock: DrillClock, by: string): InjectState {
  inject.status = 'skipped';
  inject.settledAt = new Date().toISOString();
  inject.settledAtDrillMs = clock.elapsedMs();
  inject.settledBy = by;
  return inject;
}

/** The pending inject due first (earliest offset, then scenario order), if any. */
export function nextPending(injects: readonly InjectState[]): InjectState | undefined {
  let next: InjectState | undefined;
  for (const inject of injects) {
    if (inject.status === 'pending' && (next === undefined || inject.atMs < next.atMs)) next = inject;
  }
  return next;
}

/** The pending inject named `injectId`, or an error that says why it cannot be used. */
export function pendingInject(injects: readonly InjectState[], injectId: string): InjectState {
  const inject = injects.find((candidate) => candidate.id === injectId);
  if (!inject) throw new Error(`the scenario has no inject "${injectId}"; its injects: ${injects.map((candidate) => candidate.id).join(', ') || 'none'}`);
  if (inject.status !== 'pending') throw new Error(`inject "${injectId}" is already ${inject.status}`);
  return inject;
}
