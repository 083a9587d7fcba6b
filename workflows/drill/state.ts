/**
 * What a drill is given and what it reports: the input (a scenario already validated at the edge,
 * as plain data) and the state the `drillState` query returns.
 *
 * Workflow-safe: types and pure functions only.
 */
import type { DecisionSource, RunStatus } from '../../common/run-state';
import type { Runbook } from '../../runbooks/schema';
import type { InjectKind } from '../../runbooks/scenarios/schema';

/** One inject as the drill plays it: its offset already converted to milliseconds of drill time. */
export interface DrillInjectPlan {
  id: string;
  kind: InjectKind;
  atMs: number;
  title?: string;
  /** The text shown to players (message injects). */
  message?: string;
}

export interface DrillObjectivePlan {
  id: string;
  description: string;
  steps: string[];
  target?: string;
  within?: string;
}

export interface RunDrillInput {
  scenario: { id: string; version: number; title: string; sha256: string };
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
  requestedBy: string;
  requestedVia: DecisionSource;
}

/**
 * `not-applied`: the inject's offset came but this version of Quell does not play its kind yet
 * (only messages take effect); recorded so the drill's record says so rather than staying silent.
 */
export type InjectStatus = 'pending' | 'fired' | 'skipped' | 'not-applied';

export interface InjectState extends DrillInjectPlan {
  status: InjectStatus;
  /** Wall-clock time (ISO) when it fired, was skipped or was found not applicable. */
  settledAt?: string;
  /** Drill time (paused time excluded) at that moment, in ms. */
  settledAtDrillMs?: number;
  /** `schedule` when its offset came; otherwise the facilitator who fired or skipped it. */
  settledBy?: string;
}

export interface DrillNote {
  at: string;
  drillMs: number;
  actor: string;
  text: string;
}

export type DrillStatus = 'running' | 'paused' | 'ended' | 'completed';

export interface DrillState {
  drillId: string;
  scenario: RunDrillInput['scenario'];
  runbookId: string;
  childWorkflowId: string;
  status: DrillStatus;
  launchedAt: string;
  /** Drill time so far: wall time since launch minus paused time, in ms. */
  elapsedMs: number;
  pausedMs: number;
  injects: InjectState[];
  notes: DrillNote[];
  objectives: DrillObjectivePlan[];
  /** How the child run ended, once it has. */
  runOutcome?: RunStatus;
  endedBy?: { actor: string; at: string; reason?: string };
  endedAt?: string;
}

/** The child run's id: derived from the drill's, so a replayed or repeated start finds the same run. */
export function drillRunWorkflowId(drillId: string): string {
  return `${drillId}:run`;
}

/** The drill's incident id: given at start, or `drill-` and the last part of a scheduled drill's id. */
export function drillIncidentId(input: Pick<RunDrillInput, 'incidentId'>, drillId: string): string {
  if (input.incidentId) return input.incidentId;
  const tail = drillId.slice(drillId.lastIndexOf(':') + 1).replace(/[^A-Za-z0-9._-]/g, '');
  return `drill-${tail.slice(-40) || 'scheduled'}`;
}
