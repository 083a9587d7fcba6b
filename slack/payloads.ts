/**
 * zod schemas for the parts of Slack's payloads the listeners read, and for the private metadata
 * Quell's own modals carry. Signed requests come from Slack, but what a person typed, and what
 * an old or hand-made payload holds, is still input: listeners parse before they act, and a
 * payload that does not parse gets a reply saying so instead of a crash.
 *
 * Objects are loose: Slack adds fields over time and those must not break parsing.
 */
import { z } from 'zod';
import { Reference } from './interaction-values';

/** Slack user, team, conversation and view ids: upper-case letters and digits (U0ALICE, W123, C0INC). */
export const SlackId = z.string().regex(/^[A-Z0-9]{2,40}$/, { message: 'is not a Slack id' });
/** Message timestamps and action_ts: seconds, a dot, a sequence number ("1700000000.123456"). */
const SlackTs = z.string().regex(/^[0-9]{1,20}\.[0-9]{1,20}$/, { message: 'is not a Slack timestamp' });
/** trigger_id: dot-separated digits and hex ("13345224609.738474920.8088930838d88f008e0"). */
const TriggerId = z.string().regex(/^[0-9A-Za-z._-]{1,200}$/, { message: 'is not a Slack trigger id' });

export const SlashCommandBody = z.looseObject({
  command: z.string().min(1),
  text: z.string().max(4000).default(''),
  user_id: SlackId,
  channel_id: SlackId,
  trigger_id: TriggerId,
});
export type SlashCommandBody = z.infer<typeof SlashCommandBody>;

const Action = z.looseObject({
  action_id: z.string().max(255),
  action_ts: SlackTs,
  value: z.string().max(2000).optional(),
});

export const BlockActionBody = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: SlackId }),
  trigger_id: TriggerId.optional(),
  /** Set for clicks on messages; absent for clicks in App Home. */
  channel: z.looseObject({ id: SlackId }).optional(),
  message: z.looseObject({ ts: SlackTs, thread_ts: SlackTs.optional() }).optional(),
  container: z.looseObject({ type: z.string() }).optional(),
  view: z.looseObject({ id: z.string(), type: z.string() }).optional(),
  actions: z.array(Action).min(1),
});
export type BlockActionBody = z.infer<typeof BlockActionBody>;

const ViewStateValue = z.looseObject({
  type: z.string(),
  value: z.string().nullable().optional(),
  selected_option: z.looseObject({ value: z.string() }).nullable().optional(),
  selected_options: z.array(z.looseObject({ value: z.string() })).optional(),
});
export type ViewStateValue = z.infer<typeof ViewStateValue>;

/** view.state.values: block id → action id → the element's value. */
export const ViewStateValues = z.record(z.string(), z.record(z.string(), ViewStateValue));
export type ViewStateValues = z.infer<typeof ViewStateValues>;

export const ViewSubmissionBody = z.looseObject({
  type: z.literal('view_submission'),
  user: z.looseObject({ id: SlackId }),
  view: z.looseObject({
    id: SlackId,
    callback_id: z.string(),
    private_metadata: z.string().max(3000).default(''),
    state: z.looseObject({ values: ViewStateValues }),
  }),
});
export type ViewSubmissionBody = z.infer<typeof ViewSubmissionBody>;

export const AppHomeOpenedEvent = z.looseObject({
  type: z.literal('app_home_opened'),
  user: SlackId,
  tab: z.string().optional(),
});

/** Where to tell the person how it went: a conversation (and thread) or, absent, App Home / DM. */
const Where = { c: SlackId.optional(), t: SlackTs.optional() };
/** Runbook ids are kebab-case (runbooks/schema.ts); anything else in the metadata was not made by Quell. */
const RunbookId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,199}$/, { message: 'is not a runbook id' });

/** The start modal: which runbook (and which version of it) the form was generated from. */
export const StartModalMetadata = z.strictObject({ r: RunbookId, h: z.string().regex(/^[0-9a-f]{64}$/), ...Where });
export type StartModalMetadata = z.infer<typeof StartModalMetadata>;

/** The reject-reason modal: the gate, the hash shown on the card, and the click (for the update id). */
export const RejectModalMetadata = z.strictObject({ w: Reference, s: Reference, h: z.string().regex(/^[0-9a-f]{64}$/), a: SlackTs, ...Where });
export type RejectModalMetadata = z.infer<typeof RejectModalMetadata>;

/** The decision form: the decision, the option clicked, the question hash shown, and the click (for the update id). */
export const DecisionModalMetadata = z.strictObject({ w: Reference, s: Reference, o: Reference, h: z.string().regex(/^[0-9a-f]{64}$/), a: SlackTs, ...Where });
export type DecisionModalMetadata = z.infer<typeof DecisionModalMetadata>;

/**
 * The outputs form of a wait (k: 'event', with the event e) or a manual task (k: 'manual'): the
 * step, and the click (for the update id).
 */
export const OutputsModalMetadata = z.strictObject({ w: Reference, s: Reference, k: z.enum(['event', 'manual']), e: Reference.optional(), a: SlackTs, ...Where });
export type OutputsModalMetadata = z.infer<typeof OutputsModalMetadata>;

/** The cancel-reason modal: the run to cancel. */
export const CancelModalMetadata = z.strictObject({ w: Reference, ...Where });
export type CancelModalMetadata = z.infer<typeof CancelModalMetadata>;

/** Parses JSON text with a schema; undefined when it is not JSON or does not match. */
export function parseJson<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
