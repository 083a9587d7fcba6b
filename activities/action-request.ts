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

/** One action a live run may perform, with its parameters as far as they are known at start. */
export interface LiveRequirement {
  action: ActionName;
  stepId: string;
  /** `notify` is a reminder or escalation the engine sends on the step's behalf. */
  purpose: 'perform' | 'compensate' | 'notify';
  /** The step's `with`, evaluated where it reads only inputs; keys that need step outputs are absent. */
  params: Record<string, unknown>;
}

/** What a live run needs, checked by the worker before the first step. */
export interface LiveReadinessRequest {
  /** Actions with the steps that use them (for a precise refusal message). */
  actions: Array<{ action: ActionName; steps: string[] }>;
  requirements: LiveRequirement[];
  /** Approval gates the run may open, with the groups they name (approvers and escalate_to). */
  approvals?: Array<{ stepId: string; groups: string[] }>;
}
