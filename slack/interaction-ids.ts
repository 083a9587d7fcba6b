/**
 * The contract between the messages Quell posts (slack/blocks/) and the listeners that handle
 * clicks and modal submissions (slack/listeners/): action ids, view callback ids and the JSON
 * carried in button values and view metadata. Both sides parse with these schemas, so a value
 * that does not match (an old message, a forged payload) is refused with a clear reply.
 */
import { z } from 'zod';
import { referenceProblem } from '../workflows/messages';

export const ActionId = {
  approve: 'quell.approve',
  reject: 'quell.reject',
  deliverEvent: 'quell.event',
  completeManual: 'quell.manual_done',
} as const;

export const CallbackId = {
  startRun: 'quell.start',
  rejectReason: 'quell.reject_reason',
  cancelReason: 'quell.cancel_reason',
} as const;

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

/** Button value of Approve / Reject: the run, the gate and the hash of the summary shown. */
export const ApprovalButtonValue = z.strictObject({
  w: WorkflowId,
  s: StepId,
  h: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ApprovalButtonValue = z.infer<typeof ApprovalButtonValue>;

/** Button value of an event button ("Vendor confirmed deletion"). */
export const EventButtonValue = z.strictObject({ w: WorkflowId, s: StepId, e: Reference });
export type EventButtonValue = z.infer<typeof EventButtonValue>;

/** Button value of a manual task's "Done". */
export const ManualButtonValue = z.strictObject({ w: WorkflowId, s: StepId });
export type ManualButtonValue = z.infer<typeof ManualButtonValue>;

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
