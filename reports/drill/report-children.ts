/**
 * The drill report's parts about runs that start other runs and runs that change their severity:
 * each child run a `runbook:` step started (when, and how it ended), and the severity the runbook
 * declares, each re-grade and the final one.
 */
import { z } from 'zod';
import { Moment } from './report-base';

export const ChildRunFigure = z.strictObject({
  stepId: z.string(),
  /** The child's workflow id (`<run>/<step>`); its own history holds its steps. */
  workflowId: z.string(),
  runbookId: z.string(),
  version: z.int().min(0),
  /** ChildWorkflowExecutionStarted in the run's history. */
  started: Moment.optional(),
  /** The child's close event in the run's history (completed, failed, cancelled…). */
  ended: Moment.optional(),
  /** The child's own status when it closed, else how its close event reads; `running` while open. */
  status: z.string(),
  /** The named outcome of the child's end step, if one ended it. */
  outcome: z.string().optional(),
});

export const SeverityChangeFigure = z.strictObject({
  from: z.string(),
  to: z.string(),
  /** The `severity` step that re-graded the run. */
  step: z.string(),
  reason: z.string().optional(),
  /** The search attribute update that set the new severity (else the step's record, cited at the close event). */
  changed: Moment.optional(),
});

export const SeverityFigure = z.strictObject({
  declared: z.string(),
  final: z.string(),
  changes: z.array(SeverityChangeFigure),
});

export type ChildRunFigure = z.infer<typeof ChildRunFigure>;
export type SeverityChangeFigure = z.infer<typeof SeverityChangeFigure>;
export type SeverityFigure = z.infer<typeof SeverityFigure>;
