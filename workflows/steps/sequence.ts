/**
 * Runs a `sequence` step: its steps one after another, as one step (a branch of a parallel step,
 * or a group run in the background). A step that fails stops the sequence (unless it says
 * `on_error: continue`) and the steps after it are skipped, saying why; the sequence then fails
 * with that step's reason.
 *
 * Workflow-safe.
 */
import type { RunbookBranchStep, SequenceStepSpec } from '../../runbooks/schema';
import { StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';

/** How the interpreter runs one step (./index.ts runStep), handed in so the two modules need not import each other. */
export type RunSequencedStep = (ctx: RunContext, step: RunbookBranchStep) => Promise<void>;

export async function runSequenceStep(ctx: RunContext, step: SequenceStepSpec, runStep: RunSequencedStep): Promise<void> {
  const state = ctx.step(step.id);
  ctx.moveStep(state, 'start');
  state.startedAt = ctx.now();
  try {
    for (const inner of step.sequence) await runStep(ctx, inner);
  } catch (error) {
    const stoppedAt = error instanceof StepFailure ? error.stepId : undefined;
    for (const inner of step.sequence) {
      const innerState = ctx.step(inner.id);
      if (innerState.status !== 'pending') continue;
      ctx.moveStep(innerState, 'skip');
      innerState.skippedBecause = `sequence ${step.id} stopped${stoppedAt ? ` at ${stoppedAt}` : ''}`;
    }
    throw error;
  }
  state.endedAt = ctx.now();
  ctx.moveStep(state, 'succeed');
}
