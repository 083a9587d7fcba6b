/**
 * Runs an `end` step: the run completes here with a named outcome (`completed: false-positive`).
 * The outcome goes into the run's state and the QuellOutcome search attribute so every list and
 * status shows it; the interpreter then skips the steps that did not run and compensates nothing,
 * because ending early is a success, not a rejection.
 *
 * Workflow-safe.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { renderTemplate } from '../../common/expression';
import { QuellOutcome } from '../../common/search-attributes';
import type { EndStepSpec } from '../../runbooks/schema';
import { describeError, RunEnded, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';

export function runEndStep(ctx: RunContext, step: EndStepSpec): never {
  const state = ctx.step(step.id);
  let summary: string | undefined;
  if (step.end.summary !== undefined) {
    try {
      summary = String(renderTemplate(step.end.summary, ctx.templateContext()) ?? '');
    } catch (error) {
      throw new StepFailure(step.id, `could not evaluate the summary: ${describeError(error).message}`);
    }
  }
  ctx.moveStep(state, 'start');
  state.startedAt = ctx.now();
  ctx.state.outcome = { name: step.end.outcome, step: step.id, ...(summary ? { summary } : {}), at: ctx.now() };
  upsertSearchAttributes([{ key: QuellOutcome, value: step.end.outcome }]);
  state.output = { outcome: step.end.outcome, ...(summary ? { summary } : {}) };
  state.endedAt = ctx.now();
  ctx.moveStep(state, 'succeed');
  ctx.record('run.ended', `${step.end.outcome}${summary ? `: ${summary}` : ''}`, { step: step.id });
  throw new RunEnded(step.id, step.end.outcome);
}
