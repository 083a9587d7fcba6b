/**
 * The dossier's loop and observation-window entries.
 *
 * A loop entry lists every item of a `foreach` step (index, label, status, the step that failed
 * and why) with what its steps did: their step entries (qualified ids, already in the steps
 * list), how many action activities they ran and the attempts those took. A window entry shows an
 * `observe` step's check action, its `every` and `for`, every check (its own activity, cited by
 * its scheduled and closing events), when the window closed and how: `condition-met` at the time
 * of the check that met it, or `window-elapsed` after the last check.
 *
 * Checks and activities come from the events; what no event says (an item's label and status, a
 * failure before any activity, the outcome) from the run's final record in its close event.
 */
import type { StepState } from '../../common/run-state';
import type { ForeachStepSpec, ObserveStepSpec } from '../../runbooks/schema';
import { checkCalls, loopItems, stepInstances } from '../drill/loop-facts';
import type { RunFacts } from '../drill/run-facts';
import type { LoopEntryData, LoopItemEntryData, StepEntryData, WindowCheckEntryData, WindowEntryData } from './dossier-types';

function finalStates(run: RunFacts): Map<string, StepState> {
  return new Map((run.final?.state.steps ?? []).map((state) => [state.id, state]));
}

/** One entry per `foreach` step of the runbook, its items in list order. */
export function loopEntries(run: RunFacts, steps: StepEntryData[]): LoopEntryData[] {
  const states = finalStates(run);
  return (run.input?.runbook.steps ?? [])
    .filter((step): step is ForeachStepSpec => 'foreach' in step)
    .map((step) => {
      const state = states.get(step.id);
      const items = loopItems(run, step.id).map((item) => itemEntry(run, step.id, item, steps));
      const count = (status: string) => items.filter((item) => item.status === status).length;
      const entry = steps.find((candidate) => candidate.stepId === step.id);
      return {
        stepId: step.id,
        ...(step.title ? { title: step.title } : {}),
        status: state?.status ?? entry?.status ?? 'not reached',
        concurrency: state?.foreach?.concurrency ?? step.foreach.concurrency ?? 1,
        onItemFailure: state?.foreach?.policy ?? step.foreach.on_item_failure,
        ...(entry?.startedAt ? { startedAt: entry.startedAt } : {}),
        ...(entry?.endedAt ? { endedAt: entry.endedAt } : {}),
        total: items.length,
        succeeded: count('succeeded'),
        failed: count('failed'),
        skipped: count('skipped'),
        items,
      };
    });
}

function itemEntry(run: RunFacts, loopId: string, item: ReturnType<typeof loopItems>[number], steps: StepEntryData[]): LoopItemEntryData {
  const own = steps.filter((step) => step.parent === loopId && step.item === item.index);
  const ids = new Set(own.map((step) => step.stepId));
  const calls = run.activities.filter((call) => ids.has(call.stepId) && call.purpose === 'perform');
  const error = 'error' in item ? item.error : undefined;
  return {
    index: item.index,
    ...(item.label !== undefined ? { label: item.label } : {}),
    status: item.status,
    ...(error ? { failedStep: error.step, error: error.message } : {}),
    steps: own.map((step) => step.stepId),
    activities: calls.length,
    attempts: calls.reduce((sum, call) => sum + (call.attempts ?? 0), 0),
    eventIds: [...new Set(own.flatMap((step) => step.eventIds))].sort((a, b) => a - b),
  };
}

/** One entry per `observe` step as it ran (inside a loop, one per item that reached it). */
export function windowEntries(run: RunFacts): WindowEntryData[] {
  const states = finalStates(run);
  return stepInstances(run)
    .filter((instance) => 'observe' in instance.spec)
    .map((instance) => windowEntry(run, instance.spec as ObserveStepSpec, instance.id, states.get(instance.id), instance.parent && instance.item !== undefined ? { parent: instance.parent, item: instance.item } : {}));
}

function windowEntry(run: RunFacts, step: ObserveStepSpec, stepId: string, state: StepState | undefined, inLoop: { parent?: string; item?: number }): WindowEntryData {
  const spec = step.observe;
  const checks = checkCalls(run, stepId).map(
    ({ check, call }): WindowCheckEntryData => ({
      check,
      scheduledAt: call.scheduled.at,
      ...(call.end ? { endedAt: call.end.at } : {}),
      outcome: call.outcome,
      ...(call.attempts !== undefined ? { attempts: call.attempts } : {}),
      scheduledEventId: call.scheduled.id,
      ...(call.end ? { endEventId: call.end.id } : {}),
    }),
  );
  const recorded = state?.observe;
  const output = state?.output as { met_at?: unknown } | undefined;
  const metAt = typeof output?.met_at === 'string' ? output.met_at : undefined;
  const lastCheckedAt = recorded?.lastCheckedAt ?? [...checks].reverse().find((check) => check.outcome === 'succeeded')?.endedAt;
  const reached = state ? state.status !== 'pending' && state.status !== 'skipped' : checks.length > 0;
  const outcome: WindowEntryData['outcome'] = recorded?.outcome ?? (state?.status === 'failed' ? 'failed' : reached ? 'open' : 'not reached');
  const startedAt = state?.startedAt ?? checks[0]?.scheduledAt;
  return {
    stepId,
    ...(step.title ? { title: step.title } : {}),
    ...inLoop,
    action: recorded?.action ?? spec.check.action,
    every: recorded?.every ?? spec.every,
    for: spec.for,
    until: spec.until,
    status: state?.status ?? (reached ? 'running' : 'not reached'),
    ...(startedAt ? { startedAt } : {}),
    ...(recorded?.endsAt ? { endsAt: recorded.endsAt } : {}),
    ...(state?.endedAt ? { endedAt: state.endedAt } : {}),
    checks: checks.length,
    ...(lastCheckedAt ? { lastCheckedAt } : {}),
    outcome,
    ...(metAt ? { metAt } : {}),
    checkCalls: checks,
  };
}
