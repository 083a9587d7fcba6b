/**
 * What a run's history says about its loops and observation windows, for the dossier and the
 * drill report alike.
 *
 * A `foreach` runs its steps once per item under qualified ids (`each-key[2].block`): each item's
 * steps have their own states, activities and idempotency keys, so they are read like any other
 * step once the id is known. Which items started comes from the run's final record, or, while the
 * run is open, from the activities and Updates whose step ids carry the loop's prefix.
 *
 * An `observe` step's checks are activities of the step itself, told apart by their idempotency
 * key's suffix (`…/perform/check-3`).
 */
import type { ForeachItemState, StepState } from '../../common/run-state';
import type { RunbookBranchStep, RunbookStep } from '../../runbooks/schema';
import type { ActionCall, RunFacts } from './run-facts';
import { itemStepId } from '../../common/step-ids';

type Step = RunbookStep | RunbookBranchStep;


/** One step as it ran: a runbook step, a parallel branch, a sequence's step, or a loop's step for one item. */
export interface StepInstance {
  spec: Step;
  /** The id the run used: the runbook's, or the qualified id of a loop item's step. */
  id: string;
  /** The enclosing parallel, sequence or foreach step. */
  parent?: string;
  /** Inside a loop: which item (from 0). */
  item?: number;
}

/**
 * Every step instance of the run, in runbook order as `everyStep` (runbooks/step-kind.ts) lists
 * them: each parallel step followed by its branches, each sequence by its steps; but each foreach
 * step by its items' steps, item by item, under their qualified ids. A loop's body appears only
 * for items that started; items never started have no steps of their own.
 */
export function stepInstances(run: RunFacts): StepInstance[] {
  const instances: StepInstance[] = [];
  const withSequence = (step: Step, parent?: string) => {
    instances.push({ spec: step, id: step.id, ...(parent ? { parent } : {}) });
    if ('sequence' in step) for (const inner of step.sequence) instances.push({ spec: inner, id: inner.id, parent: step.id });
  };
  for (const step of run.input?.runbook.steps ?? []) {
    withSequence(step);
    if ('parallel' in step) for (const branch of step.parallel) withSequence(branch, step.id);
    if ('foreach' in step) {
      for (const index of startedItems(run, step.id)) {
        for (const inner of step.foreach.steps) {
          const id = itemStepId(step.id, index, inner.id);
          instances.push({ spec: { ...inner, id }, id, parent: step.id, item: index });
        }
      }
    }
  }
  return instances;
}

/** `each-key[2].block` → 2 when it belongs to loop `each-key`. */
function itemIndexIn(loopId: string, stepId: string | undefined): number | undefined {
  if (!stepId?.startsWith(`${loopId}[`)) return undefined;
  const match = /^\[(\d+)\]\./.exec(stepId.slice(loopId.length));
  return match ? Number(match[1]) : undefined;
}

/** The indexes of the items that started: those with step states, else those the events name. */
export function startedItems(run: RunFacts, loopId: string): number[] {
  const indexes = new Set<number>();
  for (const state of run.final?.state.steps ?? []) if (state.parent === loopId && state.item !== undefined) indexes.add(state.item);
  for (const call of run.activities) {
    const index = itemIndexIn(loopId, call.stepId);
    if (index !== undefined) indexes.add(index);
  }
  for (const action of run.playerActions) {
    const index = itemIndexIn(loopId, action.stepId);
    if (index !== undefined) indexes.add(index);
  }
  return [...indexes].sort((a, b) => a - b);
}

/**
 * The loop's items as the run last recorded them; while the run is open (no final record), the
 * started items as far as events show, their status unknown.
 */
export function loopItems(run: RunFacts, loopId: string): Array<ForeachItemState | { index: number; label?: string; status: 'unknown' }> {
  const recorded = run.final?.state.steps.find((state) => state.id === loopId)?.foreach;
  if (recorded) return recorded.items;
  return startedItems(run, loopId).map((index) => ({ index, status: 'unknown' as const }));
}

/** A loop item's step states, in the loop's order. */
export function itemStates(run: RunFacts, loopId: string, index: number): StepState[] {
  return (run.final?.state.steps ?? []).filter((state) => state.parent === loopId && state.item === index);
}

/** The check number an observe step's activity carries in its idempotency key (`…/perform/check-3`). */
export function checkNumber(call: ActionCall): number | undefined {
  const key = (call.scheduled.input[0] as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
  const match = typeof key === 'string' ? /\/perform\/check-(\d+)$/.exec(key) : null;
  return match ? Number(match[1]) : undefined;
}

/** An observe step's checks, by check number; a retried check is still one activity. */
export function checkCalls(run: RunFacts, stepId: string): Array<{ check: number; call: ActionCall }> {
  return run.activities
    .filter((call) => call.stepId === stepId && call.purpose === 'perform')
    .map((call) => ({ check: checkNumber(call), call }))
    .filter((entry): entry is { check: number; call: ActionCall } => entry.check !== undefined)
    .sort((a, b) => a.check - b.check);
}
