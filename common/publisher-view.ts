/**
 * What the run shows in Slack, as plain data: the workflow projects its state into these views
 * (workflows/publisher-view.ts) and hands them to the Slack surface activities, which check them
 * (activities/slack-surface/view-schema.ts) and turn them into Block Kit with the pure builders in
 * slack/blocks/. Views carry only what is displayed (no step outputs, no audit trail), so the
 * history stays small, and each view's JSON is its fingerprint: an unchanged fingerprint means
 * there is nothing to send.
 *
 * Types only: the workflow sandbox imports this module, and the zod schemas that validate views
 * stay at the edge (the activities), where they are evaluated once per worker, not once per run.
 */
import type { RunStatus, StepStatus } from './run-state';

export type RunStatusView = RunStatus;
export type StepStatusView = StepStatus;
export type StepKindView = 'action' | 'approval' | 'parallel' | 'wait' | 'manual' | 'sleep' | 'decision' | 'end' | 'foreach' | 'observe' | 'runbook' | 'sequence' | 'severity';

/** One line of the root message. */
export interface StepLineView {
  id: string;
  title?: string;
  kind: StepKindView;
  status: StepStatusView;
  /** Enclosing parallel step, for branches (shown indented). */
  parent?: string;
  action?: string;
  actor?: string;
  alreadyDone?: boolean;
  error?: string;
  skippedBecause?: string;
  compensation?: 'succeeded' | 'failed';
  /** Approval progress while the gate is open. */
  approvals?: { count: number; quorum: number };
  /** The event a wait step waits for. */
  event?: string;
  assignee?: string;
  /** When a sleeping step wakes (ISO time). */
  wakesAt?: string;
  /** A decision step while it waits: its question, and how many have answered toward the quorum. */
  question?: string;
  answers?: { count: number; quorum: number };
  /** A decided decision step: the label of the option chosen, and whether the timeout chose it. */
  choice?: { label: string; defaulted: boolean };
  /** A loop: how many of its items succeeded, failed and were skipped (its item steps are not listed). */
  items?: { total: number; done: number; failed: number; skipped: number };
  /** An observation window: checks so far, and how it ended. */
  checks?: { count: number; outcome?: 'condition-met' | 'window-elapsed' };
  /** A sub-runbook step: the child run, and how it ended. */
  child?: { workflowId: string; status?: RunStatusView; outcome?: string };
}

/** The root message: the run at a glance. */
export interface RootView {
  workflowId: string;
  title: string;
  runbookId: string;
  runbookVersion: number;
  incidentId: string;
  mode: 'live' | 'tabletop';
  requestedBy: string;
  status: RunStatusView;
  startedAt: string;
  endedAt?: string;
  failure?: { step?: string; message: string };
  cancel?: { actor: string; reason: string };
  /** How an `end` step said the run ended (`completed: false-positive`); absent otherwise. */
  outcome?: { name: string; summary?: string };
  /** The run's severity once a `severity` step changed it, and what it was before that change. */
  severity?: { current: string; was: string };
  /** On a child run: the run and step that started it. */
  parent?: { workflowId: string; stepId: string };
  steps: StepLineView[];
}

/** One audit event worth telling the thread about. */
export interface EventLineView {
  at: string;
  kind: string;
  step?: string;
  stepTitle?: string;
  actor?: string;
  detail?: string;
}

export interface DecisionView {
  actor: string;
  /** The person behind the identity, when the approval policy resolved one. */
  person?: string;
  decision: 'approve' | 'reject' | 'answer';
  at: string;
  via: string;
  reason?: string;
}

export interface EligibleView {
  person: string;
  slack?: string;
  groups: string[];
}

export interface ApprovalCardView {
  workflowId: string;
  stepId: string;
  title?: string;
  summary: string;
  summarySha256: string;
  quorum: number;
  approverGroups: string[];
  deadline: string;
  requester: string;
  decisions: DecisionView[];
  escalated: boolean;
  /** Groups the gate escalates (or escalated) to. */
  escalateTo?: string[];
  outcome?: 'approved' | 'rejected' | 'timed-out';
  /** Buttons are shown only while the gate takes decisions. */
  open: boolean;
  /** Why a gate without an outcome closed (e.g. the run was cancelled). */
  closedReason?: string;
  /** `open` when no approvers file restricts who may approve. */
  policy?: string;
  eligible?: EligibleView[];
}

export interface WaitCardView {
  workflowId: string;
  stepId: string;
  title?: string;
  event: string;
  deadline?: string;
  remindersSent: number;
  open: boolean;
  status: StepStatusView;
  receivedBy?: string;
  receivedVia?: string;
  receivedAt?: string;
  error?: string;
  /** Set when the wait declares `outputs:`: its button opens their form (no confirm dialog then). */
  hasForm?: true;
}

export interface ManualCardView {
  workflowId: string;
  stepId: string;
  title?: string;
  task: string;
  assignee?: string;
  instructions?: string;
  open: boolean;
  status: StepStatusView;
  doneBy?: string;
  doneAt?: string;
  note?: string;
  error?: string;
  /** Set when the task declares `outputs:`: "Done" opens their form (no confirm dialog then). */
  hasForm?: true;
}

/** One answer to a decision: who chose which option. */
export interface DecisionAnswerView {
  actor: string;
  person?: string;
  /** The option's id (`false-positive`). */
  option: string;
  at: string;
  via: string;
  reason?: string;
}

/** A decision step's card: the question, one button per option while it takes answers. */
export interface DecisionCardView {
  workflowId: string;
  stepId: string;
  title?: string;
  question: string;
  questionSha256: string;
  options: Array<{ id: string; label: string }>;
  /** Whether answering opens a form (the decision declares `fields`). */
  hasForm: boolean;
  quorum: number;
  approverGroups: string[];
  deadline: string;
  requester: string;
  requesterMayAnswer: boolean;
  answers: DecisionAnswerView[];
  escalated: boolean;
  escalateTo?: string[];
  outcome?: 'answered' | 'defaulted' | 'timed-out';
  /** The option chosen, once answered or defaulted. */
  chosen?: string;
  open: boolean;
  /** Why a decision without an outcome closed (e.g. the run was cancelled). */
  closedReason?: string;
  policy?: string;
  eligible?: EligibleView[];
}

/** A message that mentions the people an overdue approval (or decision) was escalated to. */
export interface EscalationPingView {
  workflowId: string;
  stepId: string;
  title?: string;
  /** Set for a decision's ping (then `summary` is its question); absent for an approval's. */
  gate?: 'decision';
  summary: string;
  groups: string[];
  slackUsers: string[];
  slackUsergroups: string[];
}

/** Thread messages that are updated in place as their step moves on: the cards. */
export type CardContent =
  | { kind: 'approval'; card: ApprovalCardView }
  | { kind: 'wait'; card: WaitCardView }
  | { kind: 'manual'; card: ManualCardView }
  | { kind: 'decision'; card: DecisionCardView };

/** Everything the publisher posts into the run's thread. */
export type ThreadContent = { kind: 'events'; lines: EventLineView[] } | CardContent | { kind: 'ping'; ping: EscalationPingView };
