/**
 * What a drill is given: a scenario already validated at the edge, as plain data, with the
 * runbooks its run and follow-ups use. What it reports is in common/drill-state.ts.
 *
 * Workflow-safe: types only.
 */
import type { DecisionSource } from '../../common/run-state';
import type { DrillInjectPlan, DrillObjectivePlan, DrillState } from '../../common/drill-state';
import type { Runbook } from '../../runbooks/schema';

export interface RunDrillInput {
  scenario: DrillState['scenario'];
  runbook: Runbook;
  runbookSha256: string;
  /** Inputs already validated and coerced against the runbook's declarations. */
  inputs: Record<string, unknown>;
  /**
   * The incident id the child run carries (drills never share one with a real incident). A
   * scheduled drill has none until it starts: drillIncidentId derives one from the workflow id.
   */
  incidentId?: string;
  injects: DrillInjectPlan[];
  objectives: DrillObjectivePlan[];
  participants: { facilitators: string[]; players: string[] };
  /** Runbooks that twists' follow-up runs use, by id, loaded and hashed at the edge. */
  followUpRunbooks?: Record<string, { runbook: Runbook; sha256: string }>;
  /** The runbooks the drill's run and follow-ups start through `runbook:` steps (their child runs). */
  childRunbooks?: Record<string, { runbook: Runbook; sha256: string }>;
  /** Probe the live connectors read-only at launch: would each simulated action have worked? */
  probeReadiness?: boolean;
  requestedBy: string;
  requestedVia: DecisionSource;
}
