/**
 * Tabletop plans: what each action WOULD do, with realistic outputs derived deterministically
 * from the idempotency key (the same step always "gets" the same rule id, reference id, ...).
 * Each domain folder contributes its own planner; this module holds the shared shape.
 */
import { createHash } from 'node:crypto';

export interface TabletopPlan {
  /** Plain-language description of each effect a live run would have. */
  wouldDo: string[];
  /** Output shaped like the live handler's, so later steps' templates work in drills. */
  output: Record<string, unknown>;
}

export type TabletopPlanner = (params: Record<string, unknown>, seed: TabletopSeed) => TabletopPlan;

export interface TabletopSeed {
  idempotencyKey: string;
  /** When the effect is recorded (ISO), for outputs that carry times. */
  at: string;
}

/** A short stable token derived from the seed, for ids that look real but are repeatable. */
export function stableToken(seed: TabletopSeed, salt: string, length = 12): string {
  return createHash('sha256').update(`${seed.idempotencyKey}|${salt}`).digest('hex').slice(0, length);
}
