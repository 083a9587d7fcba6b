/**
 * The run as one item of a `foreach` sees it. The loop's steps run with their ids qualified by the
 * item (`revoke-keys[2].deactivate`), so each item has its own step states, events and idempotency
 * keys; but the runbook names them plainly, so inside the item `steps.deactivate` must mean this
 * item's step, and `item.value` / `item.index` the item itself.
 *
 * The scope is the run context with three methods replaced (a prototype view, so every other
 * field and method is the run's own): templates read the item, compensations remember to, and
 * changes are counted on the run.
 *
 * Workflow-safe.
 */
import type { TemplateContext } from '../common/expression';
import { itemStepId } from '../common/step-ids';
import type { RunContext } from './run-context';


export function itemScope(ctx: RunContext, loopId: string, index: number, value: unknown, innerIds: readonly string[]): RunContext {
  const scope = Object.create(ctx) as RunContext;
  const templateContext = (): TemplateContext => {
    const base = ctx.templateContext();
    const steps = { ...base.steps };
    for (const inner of innerIds) {
      const state = ctx.findStep(itemStepId(loopId, index, inner));
      if (state) steps[inner] = { status: state.status, output: state.output };
    }
    return { ...base, steps, item: { value, index } };
  };
  scope.templateContext = templateContext;
  scope.compensationContext = () => templateContext;
  scope.touch = () => ctx.touch();
  return scope;
}
