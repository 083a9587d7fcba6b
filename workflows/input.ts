/**
 * What starts a run. The parsed runbook travels inside the input (with its sha256), so the
 * history records exactly what ran and later edits to the YAML cannot break replay.
 *
 * Workflow-safe: types only.
 */
import type { Runbook } from '../runbooks/schema';
import type { DecisionSource, RunMode } from '../common/run-state';

export interface RunRunbookInput {
  runbook: Runbook;
  runbookSha256: string;
  /** Inputs already validated and coerced against the runbook's input declarations. */
  inputs: Record<string, unknown>;
  mode: RunMode;
  requestedBy: string;
  requestedVia: DecisionSource;
  incidentId: string;
  /** Set when a drill started this run (always tabletop): the run then takes the drill's injects. */
  drill?: { drillId: string };
}
