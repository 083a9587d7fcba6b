/**
 * What a drill reports about itself (the `drillState` query and the drill workflow's result), and
 * the plan of each inject as the drill plays it. Shared by the drill workflow, the report builder
 * (which reads these from Temporal histories), the client, the CLI and Slack.
 *
 * Workflow-safe: types and constants only.
 */
import type { DecisionSource, RunStatus } from './run-state';

/** The kinds of inject; a scenario's inject has exactly one of these keys. */
export const INJECT_KINDS = ['message', 'fault', 'event', 'unavailable', 'twist'] as const;
export type InjectKind = (typeof INJECT_KINDS)[number];

/** One inject as the drill plays it: offsets already converted to milliseconds of drill time. */
export interface DrillInjectPlan {
  id: string;
  kind: InjectKind;
  atMs: number;
  title?: string;
  /** The text shown to players (message and twist injects). */
  message?: string;
  /** fault: the next call of `action` in the run fails its first `fail` attempts. */
  fault?: { action: string; fail: number };
  /** event: delivered to the run `delayMs` after the inject (late), or withheld for good (`never`). */
  event?: { name: string; delayMs?: number; never?: true };
  /** unavailable: this person's, or this group's, decisions are refused for the rest of the drill. */
  unavailable?: { person?: string; group?: string };
  /** twist: the follow-up run the facilitator is prompted to start (its runbook travels in the drill's input). */
  followUp?: { runbookId: string; inputs: Record<string, unknown> };
}

export interface DrillObjectivePlan {
  id: string;
  description: string;
  steps: string[];
  target?: string;
  within?: string;
}

export type InjectStatus = 'pending' | 'fired' | 'skipped';

export interface InjectState extends DrillInjectPlan {
  status: InjectStatus;
  /** Wall-clock time (ISO) when it fired or was skipped. */
  settledAt?: string;
  /** Drill time (paused time excluded) at that moment, in ms. */
  settledAtDrillMs?: number;
  /** `schedule` when its offset came; otherwise the facilitator who fired or skipped it. */
  settledBy?: string;
  /** What the inject did to the run, in a sentence (shown by the CLI, Slack and the report). */
  effect?: string;
  /** A late event: when the drill delivered it to the run, in drill time. */
  eventDeliveredAtDrillMs?: number;
  /** A twist whose follow-up run was started: that run's workflow id. */
  followUpWorkflowId?: string;
}

export interface DrillNote {
  at: string;
  drillMs: number;
  actor: string;
  text: string;
}

/** A facilitator's pause: wall times, and the drill time at which it began. */
export interface DrillPause {
  at: string;
  atDrillMs: number;
  by: string;
  resumedAt?: string;
  resumedBy?: string;
}

/** A follow-up run started for a twist, linked to the drill. */
export interface FollowUpRun {
  injectId: string;
  workflowId: string;
  runbookId: string;
  startedBy: string;
  startedAt: string;
  startedAtDrillMs: number;
  outcome?: RunStatus;
}

/** One read-only check of whether an action the drill simulated would have worked live. */
export interface ReadinessFinding {
  stepId: string;
  action: string;
  /** The connector (system) asked, when one is configured for the action. */
  system?: string;
  /** What the action would have touched (a user, a key, a vendor), when known before the run. */
  target?: string;
  /** What was checked: 'configured', 'reachable', 'credentials', 'permission', … */
  check: string;
  ok: boolean;
  /** A sentence a facilitator can act on: "permission iam:UpdateAccessKey missing". */
  detail: string;
}

export interface DrillReadinessReport {
  probedAt: string;
  findings: ReadinessFinding[];
}

export type DrillStatus = 'running' | 'paused' | 'ended' | 'completed';

export interface DrillState {
  drillId: string;
  scenario: { id: string; version: number; title: string; sha256: string };
  runbookId: string;
  childWorkflowId: string;
  /** The Temporal Schedule that started this drill, if one did. */
  scheduleId?: string;
  status: DrillStatus;
  launchedAt: string;
  /** Drill time so far: wall time since launch minus paused time, in ms. */
  elapsedMs: number;
  pausedMs: number;
  pauses: DrillPause[];
  injects: InjectState[];
  notes: DrillNote[];
  objectives: DrillObjectivePlan[];
  participants: { facilitators: string[]; players: string[] };
  followUps: FollowUpRun[];
  /** With --probe-readiness: whether each simulated action would have worked live. */
  readiness?: DrillReadinessReport;
  /** How the child run ended, once it has. */
  runOutcome?: RunStatus;
  endedBy?: { actor: string; at: string; reason?: string };
  endedAt?: string;
  requestedBy: string;
  requestedVia: DecisionSource;
}

/** The drill's main run: its id derives from the drill's, so a replayed or repeated start finds the same run. */
export function drillRunWorkflowId(drillId: string): string {
  return `${drillId}:run`;
}

/** A twist's follow-up run, one per inject. */
export function drillFollowUpWorkflowId(drillId: string, injectId: string): string {
  return `${drillId}:follow-up:${injectId}`;
}

/**
 * The drill's incident id: given at start, or `drill-` and what follows the scenario in a scheduled
 * drill's id (`scheduled-2026-01-05T09:00:00Z`: Temporal's time has colons, so never just the last part).
 */
export function drillIncidentId(given: string | undefined, drillId: string): string {
  if (given) return given;
  const tail = drillId.split(':').slice(2).join('').replace(/[^A-Za-z0-9._-]/g, '');
  // The end holds the scheduled time: it is what keeps two ticks apart (incident ids are at most 64).
  return `drill-${tail.slice(-58) || 'scheduled'}`;
}
