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
  /**
   * Set only in a drill's tabletop run, by a fault inject: this call's first `failAttempts`
   * attempts fail on purpose, so players meet retries and `on_error` as they would live.
   */
  drillFault?: { injectId: string; failAttempts: number };
}

export interface ActionResult {
  /**
   * What the action did (or, on a repeat, what is in effect). When a retry (attempt > 1) finds
   * its effect already in place, the output also carries `found_on_retry: true`,
   * `found_on_attempt`, `effect_by` (`this-run`, `before-this-run` or `unknown`) and
   * `effect_evidence` (activities/effects/retry-provenance.ts).
   */
  output: Record<string, unknown>;
  /** This attempt found the effect already in place and changed nothing. */
  alreadyDone: boolean;
  /** Names the action performer ('tabletop', 'live:notify', …); keeps its name for recorded histories. */
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

/** One reason a live run cannot go ahead. */
export interface ReadinessProblem {
  stepId: string;
  action: string;
  problem: string;
}
