/**
 * Ports: the interfaces activities call. Providers (tabletop now, live connectors later) implement
 * them; tests inject real local endpoints behind the same interfaces.
 */
import type { ActionName } from '../common/actions';
import type { RunMode } from '../common/run-state';

/** Who and what an action runs for; passed to every provider call. */
export interface ActionContext {
  workflowId: string;
  runId: string;
  stepId: string;
  mode: RunMode;
  /** Stable across retries and worker restarts: the same step attempt always carries the same key. */
  idempotencyKey: string;
  /** Called periodically by long providers so Temporal can detect a dead worker quickly. */
  heartbeat(details?: unknown): void;
}

/** The result every provider returns; `output` becomes `steps.<id>.output` in templates. */
export interface ActionOutcome {
  output: Record<string, unknown>;
  /** True when the effect had already happened (idempotent repeat) and nothing new was done. */
  alreadyDone: boolean;
}

/** Performs one action with already-validated parameters. */
export interface ActionProvider {
  readonly name: string;
  perform(action: ActionName, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome>;
}

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
