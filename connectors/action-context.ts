/**
 * The handler contract: what a handler (or any performer of an action) is given for one attempt
 * of one step, and what it hands back. Connectors implement handlers against it; activities call
 * them through it.
 */
import type { RunMode } from '../common/run-state';

/** Who and what an action runs for; passed to every handler call. */
export interface ActionContext {
  workflowId: string;
  runId: string;
  stepId: string;
  mode: RunMode;
  /** Stable across retries and worker restarts: the same step attempt always carries the same key. */
  idempotencyKey: string;
  /** Called periodically by long handlers so Temporal can detect a dead worker quickly. */
  heartbeat(details?: unknown): void;
}

/** The result of every action; `output` becomes `steps.<id>.output` in templates. */
export interface ActionOutcome {
  output: Record<string, unknown>;
  /** True when the effect had already happened (idempotent repeat) and nothing new was done. */
  alreadyDone: boolean;
}
