/**
 * The effect journal's contract: the durable record of what each action did, by idempotency key.
 * The tabletop simulator writes every simulated effect here; ./file-journal.ts implements it.
 */
import type { ActionName } from '../../common/actions';
import type { RunMode } from '../../common/run-state';

/** One recorded side effect. */
export interface EffectRecord {
  idempotencyKey: string;
  action: ActionName;
  mode: RunMode;
  workflowId: string;
  stepId: string;
  params: Record<string, unknown>;
  output: Record<string, unknown>;
  recordedAt: string;
}

/**
 * Append-only record of side effects, keyed by idempotency key. `recordOnce` stores the effect
 * only if the key is new and returns the stored record either way, so a retried activity gets
 * back exactly what the first attempt recorded.
 */
export interface EffectJournal {
  recordOnce(record: EffectRecord): Promise<{ record: EffectRecord; alreadyRecorded: boolean }>;
  find(idempotencyKey: string): Promise<EffectRecord | undefined>;
  list(filter?: { workflowId?: string }): Promise<EffectRecord[]>;
}
