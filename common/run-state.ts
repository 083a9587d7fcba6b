/**
 * The observable state of a run, as the `runState` query returns it and `quell status --json`
 * prints it. This shape is a public contract (README documents it): add fields, never rename.
 *
 * Workflow-safe: types and constants only.
 */

export type RunMode = 'live' | 'tabletop';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

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
  /** The identity as the surface gave it (a Slack user id, a `--as` name). */
  actor: string;
  /** `answer`: an answer to a decision step (`option` says which). */
  decision: 'approve' | 'reject' | 'answer';
  at: string;
  via: DecisionSource;
  reason?: string;
  /**
   * Who that is: the name under `people` in the approvers file, or the identity `<via>:<id>` when
   * no entry claims it; the actor itself under the open policy. Absent in runs before the policy.
   */
  person?: string;
  /** The hash of the summary the decider was shown (equal to the gate's `summarySha256`). */
  summarySha256?: string;
  /** Per-group quorum only: the gate's groups this person belonged to when deciding. */
  groups?: string[];
  /** Decision steps: the option this person chose. */
  option?: string;
  /** Decision steps: the form fields this person filled in, as checked against the declaration. */
  fields?: Record<string, unknown>;
}

/** Someone who may decide on a gate as its membership was last resolved (the requester excluded). */
export interface EligibleApprover {
  person: string;
  /** Slack user id, for mentions. */
  slack?: string;
  /** Every `<via>:<id>` identity that acts as this person. */
  identities: string[];
  /** The gate's groups this person is in. */
  groups: string[];
}

/**
 * What every human gate shares, approval or decision: who may decide (the approval policy keeps
 * `policy`, `eligible` and the membership fields current), the quorum, the deadline, escalation,
 * and the decisions so far.
 */
export interface GateMembershipState {
  approverGroups: string[];
  quorum: number;
  /** Approvals needed from each group, when the runbook gives a count per group (`quorum` is their sum). */
  groupQuorum?: Record<string, number>;
  deadline: string;
  decisions: ApprovalDecision[];
  escalated: boolean;
  /** A decision step that lets the run's requester answer (`requester_may_answer: true`); never an approval. */
  requesterMayDecide?: boolean;
  /**
   * `enforced`: only `eligible` people may decide (approvers file); `open`: any named person but
   * the requester (no approvers file). Absent until membership is first resolved, and while it is
   * absent every decision is refused.
   */
  policy?: 'enforced' | 'open';
  /** Enforced policy: who may decide now. Grows on escalation; refreshed while the gate waits. */
  eligible?: EligibleApprover[];
  /** When membership was last resolved. */
  membershipResolvedAt?: string;
  /** Groups of this gate the approvers file does not define (they have no members). */
  unknownGroups?: string[];
  /** What an operator should fix about membership (e.g. a Slack user group that no longer exists). */
  membershipProblems?: string[];
  /** Set when the gate escalated: who was added, and their Slack user groups for the ping. */
  escalation?: { at: string; groups: string[]; slackUsergroups: string[]; deadline: string };
}

export interface ApprovalGateState extends GateMembershipState {
  summary: string;
  /** sha256 (hex) of `summary`: a decision must quote it, binding it to what the approver saw. */
  summarySha256: string;
  outcome?: 'approved' | 'rejected' | 'timed-out';
}

/** A form field a human fills in when answering a decision (or completing a task). */
export interface FormFieldState {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'datetime';
  required: boolean;
  enum?: Array<string | number>;
  description?: string;
}

/** A decision step: a question with named options, answered under the approval policy. */
export interface DecisionGateState extends GateMembershipState {
  question: string;
  /** sha256 (hex) of `question`: an answer must quote it, as an approval quotes its summary. */
  questionSha256: string;
  /** In the runbook's order. */
  options: Array<{ id: string; label: string }>;
  fields: FormFieldState[];
  /** `answered`: an option reached the quorum; `defaulted`: the timeout chose `default`. */
  outcome?: 'answered' | 'defaulted' | 'timed-out';
  /** The option chosen, once answered or defaulted. */
  chosen?: string;
}

/** A foreach step's items as they stand. */
export interface ForeachState {
  concurrency: number;
  policy: 'stop' | 'continue' | 'collect';
  items: ForeachItemState[];
}

export interface ForeachItemState {
  index: number;
  /** The item, shortened for display (the whole value is in the step's output). */
  label: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
  /** The inner step that failed, and why. */
  error?: { step: string; message: string };
}

/** How a run that completed said it ended, when an `end` step ended it (`completed: false-positive`). */
export interface RunOutcome {
  /** The `end` step's outcome name (kebab-case). */
  name: string;
  /** The `end` step that ended the run. */
  step: string;
  summary?: string;
  at: string;
}

export interface StepState {
  id: string;
  kind: 'action' | 'approval' | 'parallel' | 'wait' | 'manual' | 'sleep' | 'decision' | 'end' | 'foreach' | 'observe' | 'runbook' | 'sequence' | 'severity';
  /** Id of the enclosing parallel, sequence or foreach step, for branches, a sequence's steps and a loop's items. */
  parent?: string;
  /** Inside a foreach: which item (from 0) this step works on; its id is `<loop>[<item>].<step>`. */
  item?: number;
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
  decision?: DecisionGateState;
  wait?: { event: string; deadline?: string; remindersSent: number; payload?: Record<string, unknown> };
  manual?: { task: string; assignee?: string; note?: string };
  /**
   * What a wait's event (named here) or a manual task's completion must carry (`outputs:`), as the
   * runbook declares it; known from the start, so details can be typed before the step is reached.
   */
  declaredOutputs?: { event?: string; fields: FormFieldState[] };
  foreach?: ForeachState;
  /** A sub-runbook step: the child run it started and how it ended. */
  child?: { workflowId: string; runbookId: string; version: number; status?: RunStatus; outcome?: string };
  /** An observation window: its check, when it ends, how many checks so far, and how it ended. */
  observe?: { action: string; every: string; endsAt: string; checks: number; lastCheckedAt?: string; outcome?: 'condition-met' | 'window-elapsed' };
  /** A sleep step: when it wakes (ISO time), and what it was asked (`for 10m`, `until …`). */
  sleep?: { until: string; asked: string };
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
  /** `person` and `via` are recorded since the approval policy (see ApprovalDecision.person). */
  cancel?: { actor: string; reason: string; at: string; person?: string; via?: DecisionSource };
  failure?: { step?: string; message: string };
  /** Set on a child run: the run and step that started it. */
  parent?: { workflowId: string; stepId: string };
  /** The run's severity now, once a `severity` step re-graded it (the runbook's until then), and each change. */
  severity?: { current: Severity; changes: Array<{ from: Severity; to: Severity; step: string; at: string; reason?: string }> };
  /** Set when an `end` step completed the run early with a named outcome. */
  outcome?: RunOutcome;
  /**
   * The run's root message in Slack (its thread carries events, cards and pings), once posted.
   * Absent when Slack is not configured or the message is not out yet.
   */
  slack?: { channel: string; ts: string };
}

/** The workflow's final result. */
export interface RunResult {
  status: Exclude<RunStatus, 'running' | 'cancelling'>;
  state: RunState;
}
