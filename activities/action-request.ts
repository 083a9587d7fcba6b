/**
 * The request/response of every action activity. Workflows import these as types only.
 */
import type { ActionName } from '../common/actions';
import type { RunMode } from '../common/run-state';

export interface ActionRequest {
  action: ActionName;
  /** The step's `with` block after template evaluation; validated by the activity. */
  params: Record<string, unknown>;
  workflowId: string;
  runId: string;
  stepId: string;
  mode: RunMode;
  /** Same for every attempt of this step's action (or of its compensation). */
  idempotencyKey: string;
  purpose: 'perform' | 'compensate';
}

export interface ActionResult {
  output: Record<string, unknown>;
  alreadyDone: boolean;
  provider: string;
}

/** Actions a live run needs, with the steps that use them (for a precise refusal message). */
export interface LiveReadinessRequest {
  actions: Array<{ action: ActionName; steps: string[] }>;
}
