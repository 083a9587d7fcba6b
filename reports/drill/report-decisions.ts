/**
 * The drill report's parts about decision steps and early ends: each decision with its question,
 * every answer and who gave it, and how the run ended when an `end` step ended it. An answer is
 * the option a person chose, never an approval or a rejection, so it is kept apart from those.
 */
import { z } from 'zod';
import { ActorMoment, Moment } from './report-base';

/** One accepted answer (an answerDecision Update): who, from where, when, which option. */
export const AnswerFigure = z.strictObject({
  ...ActorMoment.shape,
  stepId: z.string(),
  option: z.string(),
  /** Who the approval policy says that is (from the Update's result), when recorded. */
  person: z.string().optional(),
  /** The form fields the person filled in, as the decision recorded them. */
  fields: z.record(z.string(), z.unknown()).optional(),
  reason: z.string().optional(),
});

export const DecisionFigure = z.strictObject({
  stepId: z.string(),
  /** The question as asked; the runbook's text when the step was never reached. */
  question: z.string(),
  quorum: z.int().min(1).optional(),
  /** answered: an option reached the quorum; defaulted: the timeout chose the runbook's default. */
  outcome: z.enum(['answered', 'defaulted', 'timed-out', 'open', 'not-reached']),
  chosen: z.string().optional(),
  chosenLabel: z.string().optional(),
  /** Who gave the chosen option, as the policy named them (empty when the timeout chose it). */
  answeredBy: z.array(z.string()),
  answers: z.array(AnswerFigure),
  closed: Moment.optional(),
  escalated: Moment.optional(),
});

/** The named outcome an `end` step completed the run with (`completed: false-positive`). */
export const RunEndReport = z.strictObject({
  /** When the end step ran, from the run's final record; the ref is the run's close event, which carries it. */
  ...Moment.shape,
  outcome: z.string(),
  /** The end step. */
  step: z.string(),
  summary: z.string().optional(),
});

/** An answer's form fields as `notes: Known scanner; confidence: high` (undefined when none). */
export function answerFieldsText(fields: Record<string, unknown> | undefined): string | undefined {
  if (!fields || Object.keys(fields).length === 0) return undefined;
  return Object.entries(fields)
    .map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
}

export type AnswerFigure = z.infer<typeof AnswerFigure>;
export type DecisionFigure = z.infer<typeof DecisionFigure>;
export type RunEndReport = z.infer<typeof RunEndReport>;
