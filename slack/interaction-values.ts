/**
 * Reads back what Slack returns from Quell's own messages and modals: button values and the run
 * references in view metadata. Everything here arrived from outside and may be forged or stale,
 * so it is parsed with the run's own reference rules (through client/), and a value that does not
 * match is refused at the door. The shapes are those the builders write
 * (slack/blocks/interaction-ids.ts); `satisfies` keeps each schema in step with its shape.
 */
import { z } from 'zod';
import { referenceProblem } from '../client/request-rules';
import type * as Shape from './blocks/interaction-ids';

/**
 * A run id, step id or event name carried in a button or a modal: the run's own rules for
 * references (bounded, one line of visible text), so a forged value is refused at the door.
 */
export const Reference = z.string().superRefine((text, ctx) => {
  const problem = referenceProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const WorkflowId = Reference;
const StepId = Reference;

export const ApprovalButtonValue = z.strictObject({
  w: WorkflowId,
  s: StepId,
  h: z.string().regex(/^[0-9a-f]{64}$/),
}) satisfies z.ZodType<Shape.ApprovalButtonValue>;
export type ApprovalButtonValue = Shape.ApprovalButtonValue;

export const EventButtonValue = z.strictObject({ w: WorkflowId, s: StepId, e: Reference, f: z.literal(1).optional() }) satisfies z.ZodType<Shape.EventButtonValue>;
export type EventButtonValue = Shape.EventButtonValue;

export const ManualButtonValue = z.strictObject({ w: WorkflowId, s: StepId, f: z.literal(1).optional() }) satisfies z.ZodType<Shape.ManualButtonValue>;
export type ManualButtonValue = Shape.ManualButtonValue;

export const DecisionButtonValue = z.strictObject({
  w: WorkflowId,
  s: StepId,
  o: Reference,
  h: z.string().regex(/^[0-9a-f]{64}$/),
  f: z.literal(1).optional(),
}) satisfies z.ZodType<Shape.DecisionButtonValue>;
export type DecisionButtonValue = Shape.DecisionButtonValue;

/** Parses a button value, or returns undefined when it is not ours or malformed. */
export function parseButtonValue<T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
