/**
 * The drill report's building blocks, shared by ./report-types.ts and ./report-decisions.ts:
 * event references, drill times, moments and a person's act. See report-types.ts for the
 * conventions every field follows.
 */
import { z } from 'zod';

const KEBAB = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*';
/** Which history an event comes from. */
export const HISTORY_SOURCE_PATTERN = new RegExp(`^(?:drill|run|debrief|follow-up:${KEBAB})$`);
/** `<source>#<event id>`. */
export const EVENT_REF_PATTERN = new RegExp(`^(?:drill|run|debrief|follow-up:${KEBAB})#[1-9][0-9]*$`);

export const HistorySource = z.string().regex(HISTORY_SOURCE_PATTERN);
export const EventRef = z.string().regex(EVENT_REF_PATTERN).describe('the history event a value comes from: drill#12, run#57, follow-up:<inject>#9, debrief#4');
export const DrillMs = z.int().min(0).describe('drill time since launch, ms (paused time excluded)');
export const Ms = z.int().min(0);
export const IsoTime = z.iso.datetime();
export const RunStatusValue = z.enum(['running', 'completed', 'failed', 'rejected', 'cancelling', 'cancelled']);
export const StepStatusValue = z.enum(['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'compensated']);
export const Via = z.enum(['cli', 'slack', 'api']);

/** When something happened: drill time, wall time and the event it is read from. */
export const Moment = z.strictObject({ drillMs: DrillMs, at: IsoTime, ref: EventRef });

/** A person's act on a run (an accepted Update): who, from where, what. */
export const ActorMoment = z.strictObject({
  ...Moment.shape,
  actor: z.string(),
  via: Via.optional(),
  /** The Update's name: decideApproval, answerDecision, completeManual, deliverEvent, cancelRun. */
  what: z.string(),
  stepId: z.string().optional(),
});

export type Moment = z.infer<typeof Moment>;
export type ActorMoment = z.infer<typeof ActorMoment>;
