/**
 * The drill report's parts about loops and observation windows: each `foreach` step with how many
 * items it ran and how each ended (the failed ones with the step and the error), and each
 * `observe` step with its check action, how many checks ran and how the window closed.
 */
import { z } from 'zod';
import { EventRef, Moment, StepStatusValue } from './report-base';

export const LoopItemFigure = z.strictObject({
  index: z.int().min(0),
  /** The item, shortened for display, as the run recorded it. */
  label: z.string().optional(),
  /** `unknown` while the run is open (its final record says how items ended). */
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'unknown']),
  /** The item's step that failed (qualified id, `each-key[2].check`) and why. */
  failedStep: z.string().optional(),
  error: z.string().optional(),
});

export const LoopFigure = z.strictObject({
  stepId: z.string(),
  status: z.union([StepStatusValue, z.literal('unknown')]),
  concurrency: z.int().min(1),
  onItemFailure: z.enum(['stop', 'continue', 'collect']),
  total: z.int().min(0),
  succeeded: z.int().min(0),
  failed: z.int().min(0),
  /** Items never started (a `stop` after a failure). */
  skipped: z.int().min(0),
  items: z.array(LoopItemFigure),
  /** When the loop ended, from the run's final record (cited at the close event). */
  ended: Moment.optional(),
});

export const WindowFigure = z.strictObject({
  stepId: z.string(),
  /** The check action, run at once and then every `every`, for at most `for`. */
  action: z.string(),
  every: z.string(),
  for: z.string(),
  status: z.union([StepStatusValue, z.literal('unknown')]),
  /** condition-met and window-elapsed are both outcomes, not failures; failed: a check failed after its retries. */
  outcome: z.enum(['condition-met', 'window-elapsed', 'failed', 'open', 'not-reached']),
  /** Checks scheduled, each its own activity. */
  checks: z.int().min(0),
  /** The first check's ActivityTaskScheduled. */
  firstCheck: Moment.optional(),
  /** The last check's closing event: the window closed right after it (met, or over). */
  lastCheck: Moment.optional(),
  /** Every check's ActivityTaskScheduled, in check order. */
  checkRefs: z.array(EventRef),
});

export type LoopItemFigure = z.infer<typeof LoopItemFigure>;
export type LoopFigure = z.infer<typeof LoopFigure>;
export type WindowFigure = z.infer<typeof WindowFigure>;
