/**
 * The observable state of a run, as the `runState` query returns it and `quell status --json`
 * prints it. This shape is a public contract (README documents it): add fields, never rename.
 *
 * Workflow-safe: types and constants only.
 */

export type RunMode = 'live' | 'tabletop';

export type StepStatus =
  | 'pending'
  | 'running'
  | 'waiting'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'compensated';

export type RunStatus = 'running' | 'completed' | 'failed' | 'rejected' | 'cancelling' | 'cancelled';

/** Where a human decision came from. */
export type DecisionSource = 'cli' | 'slack' | 'api';

export interface ApprovalDecision {
  actor: string;
  decision: 'approve' | 'reject';
  at: string;
  via: DecisionSource;
  reason?: string;
}

export interface ApprovalGateState {
  approverGroups: string[];
  quorum: number;
  summary: string;
  /** sha256 (hex) of `summary`: a decision must quote it, binding it to what the approver saw. */
  summarySha256: string;
  deadline: string;
  decisions: ApprovalDecision[];
  escalated: boolean;
  outcome?: 'approved' | 'rejected' | 'timed-out';
}

export interface StepState {
  id: string;
  kind: 'action' | 'approval' | 'parallel' | 'wait' | 'manual';
  /** Id of the enclosing parallel step, for branches. */
  parent?: string;
  title?: string;
  status: StepStatus;
  action?: string;
  startedAt?: string;
  endedAt?: string;
  /** The human (or `system`) who completed, approved or acknowledged the step. */
  actor?: string;
  output?: Record<string, unknown>;
  error?: { message: string; type?: string };
  /** Whether the effect had already happened when the step ran (idempotent repeat). */
  alreadyDone?: boolean;
  approval?: ApprovalGateState;
  wait?: { event: string; deadline?: string; remindersSent: number; payload?: Record<string, unknown> };
  manual?: { task: string; assignee?: string; note?: string };
  compensation?: { action: string; status: 'succeeded' | 'failed'; at: string; output?: Record<string, unknown>; error?: string };
  skippedBecause?: string;
}

export interface RunEvent {
  at: string;
  kind: string;
  actor?: string;
  step?: string;
  detail?: string;
}

export interface RunState {
  workflowId: string;
  runbook: { id: string; version: number; title: string; sha256: string };
  incidentId: string;
  mode: RunMode;
  requestedBy: string;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  steps: StepState[];
  /** Human-readable audit trail of decisions and state changes, oldest first. */
  events: RunEvent[];
  cancel?: { actor: string; reason: string; at: string };
  failure?: { step?: string; message: string };
}

/** The workflow's final result. */
export interface RunResult {
  status: Exclude<RunStatus, 'running' | 'cancelling'>;
  state: RunState;
}
