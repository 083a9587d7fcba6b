/**
 * Runs a `foreach` step: the loop's steps once for every item of a list, at most `concurrency`
 * items at a time. Each item's steps get their own states, events and idempotency keys
 * (`loop[2].step`), so a worker that dies mid-loop redoes nothing an item already did: replay
 * rebuilds the loop from history and the activities' keys make any repeated call a no-op.
 *
 * A failing item stops the loop (`stop`: items not started are skipped, those in flight finish),
 * or not (`continue`, `collect`); `collect` fails the step at the end naming every failed item.
 * A rejection or cancel inside an item ends the whole run as it would anywhere else. The output
 * lists every item with its status and its steps' outputs.
 *
 * Workflow-safe.
 */
import { isCancellation } from '@temporalio/workflow';
import { renderTemplate } from '../../common/expression';
import { LIMITS, limitMessage } from '../../common/limits';
import type { ForeachItemState, StepState } from '../../common/run-state';
import type { ForeachBodyStepSpec, ForeachStepSpec } from '../../runbooks/schema';
import { itemStepId } from '../../common/step-ids';
import { itemScope } from '../item-scope';
import { describeError, RunEnded, RunRejected, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';

const LABEL_LENGTH = 80;

/** How the interpreter runs one step (./index.ts runStep), handed in so the two modules need not import each other. */
export type RunOneStep = (ctx: RunContext, step: ForeachBodyStepSpec) => Promise<void>;

export async function runForeachStep(ctx: RunContext, step: ForeachStepSpec, runStep: RunOneStep): Promise<void> {
  const state = ctx.step(step.id);
  const spec = step.foreach;
  const items = loopItems(ctx, step);
  const concurrency = spec.concurrency ?? 1;
  const loop = {
    concurrency,
    policy: spec.on_item_failure,
    items: items.map((value, index): ForeachItemState => ({ index, label: labelOf(value), status: 'pending' })),
  };
  state.foreach = loop;
  ctx.moveStep(state, 'start');
  state.startedAt = ctx.now();
  ctx.record('foreach.started', `${items.length} item${items.length === 1 ? '' : 's'}, ${concurrency} at a time`, { step: step.id });

  const itemSteps = new Map<number, StepState[]>();
  let next = 0;
  let stopping = false;
  let abort: unknown;
  const runItem = async (index: number): Promise<void> => {
    const itemState = loop.items[index]!;
    itemState.status = 'running';
    const states = spec.steps.map((inner) => ctx.addItemStep(inner, itemStepId(step.id, index, inner.id), step.id, index));
    itemSteps.set(index, states);
    const scope = itemScope(ctx, step.id, index, items[index], spec.steps.map((inner) => inner.id));
    try {
      for (const inner of spec.steps) await runStep(scope, { ...inner, id: itemStepId(step.id, index, inner.id) });
      itemState.status = 'succeeded';
      ctx.record('foreach.item-done', itemState.label, { step: step.id });
    } catch (error) {
      if (isCancellation(error) || error instanceof RunRejected || error instanceof RunEnded) throw error;
      const failure = error instanceof StepFailure ? error : new StepFailure(step.id, describeError(error).message);
      itemState.status = 'failed';
      itemState.error = { step: failure.stepId, message: failure.message };
      ctx.record('foreach.item-failed', `${itemState.label}: ${failure.message}`, { step: step.id });
      if (spec.on_item_failure === 'stop') stopping = true;
    }
    for (const inner of states.filter((candidate) => candidate.status === 'pending')) {
      ctx.moveStep(inner, 'skip');
      inner.skippedBecause = `item ${index} stopped at ${itemState.error?.step ?? 'an earlier step'}`;
    }
    ctx.touch();
  };
  // `concurrency` lanes, each taking the next item: item order is the list's, whatever finishes first.
  const lane = async (): Promise<void> => {
    while (!stopping && abort === undefined && next < items.length) {
      const index = next++;
      try {
        await runItem(index);
      } catch (error) {
        abort ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  if (abort !== undefined) throw abort;

  for (const item of loop.items) {
    if (item.status === 'pending') item.status = 'skipped';
  }
  const count = (status: ForeachItemState['status']) => loop.items.filter((item) => item.status === status).length;
  state.output = {
    results: loop.items.map((item) => ({
      index: item.index,
      item: items[item.index],
      status: item.status,
      outputs: Object.fromEntries((itemSteps.get(item.index) ?? []).map((inner, position) => [spec.steps[position]!.id, inner.output ?? null])),
      ...(item.error ? { error: item.error.message, failed_step: item.error.step } : {}),
    })),
    total: items.length,
    succeeded: count('succeeded'),
    failed: count('failed'),
    skipped: count('skipped'),
  };
  const failed = loop.items.filter((item) => item.status === 'failed');
  if (failed.length > 0 && spec.on_item_failure !== 'continue') {
    const which = failed.map((item) => `${item.index} (${item.label})`).join(', ');
    throw new StepFailure(step.id, `item${failed.length === 1 ? '' : 's'} ${which} failed${spec.on_item_failure === 'stop' && count('skipped') > 0 ? `; ${count('skipped')} not started` : ''}`);
  }
  state.endedAt = ctx.now();
  ctx.moveStep(state, 'succeed');
}

function loopItems(ctx: RunContext, step: ForeachStepSpec): unknown[] {
  let items: unknown = step.foreach.items;
  if (typeof items === 'string') {
    try {
      items = renderTemplate(items, ctx.templateContext());
    } catch (error) {
      throw new StepFailure(step.id, `could not evaluate items: ${describeError(error).message}`);
    }
  }
  if (!Array.isArray(items)) throw new StepFailure(step.id, `items gave ${items === null ? 'nothing' : `a ${typeof items}`}, not a list`);
  if (items.length > LIMITS.foreachItems.value) throw new StepFailure(step.id, `too many items: ${limitMessage('foreachItems', items.length)}`);
  return items;
}

function labelOf(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > LABEL_LENGTH ? `${text.slice(0, LABEL_LENGTH - 1)}…` : text;
}
