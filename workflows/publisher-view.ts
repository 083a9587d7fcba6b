/**
 * What the run shows in Slack, as plain data: the workflow projects its state into these views
 * (deterministically, here) and hands them to the Slack surface activities, which turn them into
 * Block Kit with the pure builders in slack/blocks/. Views carry only what is displayed (no step
 * outputs, no audit trail), so the history stays small, and each view's JSON is its fingerprint:
 * an unchanged fingerprint means there is nothing to send.
 *
 * The schemas are the activities' input validation too. They are deliberately not strict: a
 * worker running newer code must still accept views from a workflow started on older code.
 *
 * Workflow-safe: zod, types and common/ only.
 */
import { z } from 'zod';
import type { ApprovalGateState, RunState, StepState } from '../common/run-state';
import type { RunbookBranchStep, RunbookStep } from '../runbooks/schema';
import type { ReceivedEvent } from './run-context';

const RunStatusView = z.enum(['running', 'completed', 'failed', 'rejected', 'cancelling', 'cancelled']);
const StepStatusView = z.enum(['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'compensated']);

/** One line of the root message. */
export const StepLineView = z.object({
  id: z.string(),
  title: z.string().optional(),
  kind: z.enum(['action', 'approval', 'parallel', 'wait', 'manual']),
  status: StepStatusView,
  /** Enclosing parallel step, for branches (shown indented). */
  parent: z.string().optional(),
  action: z.string().optional(),
  actor: z.string().optional(),
  alreadyDone: z.boolean().optional(),
  error: z.string().optional(),
  skippedBecause: z.string().optional(),
  compensation: z.enum(['succeeded', 'failed']).optional(),
  /** Approval progress while the gate is open. */
  approvals: z.object({ count: z.number(), quorum: z.number() }).optional(),
  /** The event a wait step waits for. */
  event: z.string().optional(),
  assignee: z.string().optional(),
});
export type StepLineView = z.infer<typeof StepLineView>;

/** The root message: the run at a glance. */
export const RootView = z.object({
  workflowId: z.string().min(1),
  title: z.string(),
  runbookId: z.string(),
  runbookVersion: z.number(),
  incidentId: z.string(),
  mode: z.enum(['live', 'tabletop']),
  requestedBy: z.string(),
  status: RunStatusView,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  failure: z.object({ step: z.string().optional(), message: z.string() }).optional(),
  cancel: z.object({ actor: z.string(), reason: z.string() }).optional(),
  steps: z.array(StepLineView),
});
export type RootView = z.infer<typeof RootView>;

/** One audit event worth telling the thread about. */
export const EventLineView = z.object({
  at: z.string(),
  kind: z.string(),
  step: z.string().optional(),
  stepTitle: z.string().optional(),
  actor: z.string().optional(),
  detail: z.string().optional(),
});
export type EventLineView = z.infer<typeof EventLineView>;

export const DecisionView = z.object({
  actor: z.string(),
  /** The person behind the identity, when the approval policy resolved one. */
  person: z.string().optional(),
  decision: z.enum(['approve', 'reject']),
  at: z.string(),
  via: z.string(),
  reason: z.string().optional(),
});
export type DecisionView = z.infer<typeof DecisionView>;

export const EligibleView = z.object({ person: z.string(), slack: z.string().optional(), groups: z.array(z.string()) });
export type EligibleView = z.infer<typeof EligibleView>;

export const ApprovalCardView = z.object({
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  title: z.string().optional(),
  summary: z.string(),
  summarySha256: z.string(),
  quorum: z.number(),
  approverGroups: z.array(z.string()),
  deadline: z.string(),
  requester: z.string(),
  decisions: z.array(DecisionView),
  escalated: z.boolean(),
  /** Groups the gate escalates (or escalated) to. */
  escalateTo: z.array(z.string()).optional(),
  outcome: z.enum(['approved', 'rejected', 'timed-out']).optional(),
  /** Buttons are shown only while the gate takes decisions. */
  open: z.boolean(),
  /** Why a gate without an outcome closed (e.g. the run was cancelled). */
  closedReason: z.string().optional(),
  /** `open` when no approvers file restricts who may approve. */
  policy: z.string().optional(),
  eligible: z.array(EligibleView).optional(),
});
export type ApprovalCardView = z.infer<typeof ApprovalCardView>;

export const WaitCardView = z.object({
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  title: z.string().optional(),
  event: z.string().min(1),
  deadline: z.string().optional(),
  remindersSent: z.number(),
  open: z.boolean(),
  status: StepStatusView,
  receivedBy: z.string().optional(),
  receivedVia: z.string().optional(),
  receivedAt: z.string().optional(),
  error: z.string().optional(),
});
export type WaitCardView = z.infer<typeof WaitCardView>;

export const ManualCardView = z.object({
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  title: z.string().optional(),
  task: z.string(),
  assignee: z.string().optional(),
  instructions: z.string().optional(),
  open: z.boolean(),
  status: StepStatusView,
  doneBy: z.string().optional(),
  doneAt: z.string().optional(),
  note: z.string().optional(),
  error: z.string().optional(),
});
export type ManualCardView = z.infer<typeof ManualCardView>;

/** A message that mentions the people an overdue approval was escalated to. */
export const EscalationPingView = z.object({
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  title: z.string().optional(),
  summary: z.string(),
  groups: z.array(z.string()),
  slackUsers: z.array(z.string()),
  slackUsergroups: z.array(z.string()),
});
export type EscalationPingView = z.infer<typeof EscalationPingView>;

const ApprovalContent = z.object({ kind: z.literal('approval'), card: ApprovalCardView });
const WaitContent = z.object({ kind: z.literal('wait'), card: WaitCardView });
const ManualContent = z.object({ kind: z.literal('manual'), card: ManualCardView });

/** Thread messages that are updated in place as their step moves on: the cards. */
export const CardContent = z.discriminatedUnion('kind', [ApprovalContent, WaitContent, ManualContent]);
export type CardContent = z.infer<typeof CardContent>;

/** Everything the publisher posts into the run's thread. */
export const ThreadContent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('events'), lines: z.array(EventLineView).min(1) }),
  ApprovalContent,
  WaitContent,
  ManualContent,
  z.object({ kind: z.literal('ping'), ping: EscalationPingView }),
]);
export type ThreadContent = z.infer<typeof ThreadContent>;

/** Audit events that open a card in the thread instead of a line. */
export const CARD_EVENTS: Readonly<Record<string, CardContent['kind']>> = {
  'approval.requested': 'approval',
  'wait.started': 'wait',
  'manual.assigned': 'manual',
};

/**
 * Audit events told in the thread as lines. Others stay in the audit trail only: the root message
 * already shows them (run.started, an action starting) or a card does (approval.escalated pings).
 */
export const LINE_EVENTS: ReadonlySet<string> = new Set([
  'step.succeeded',
  'step.failed',
  'step.skipped',
  'step.compensated',
  'step.compensation-failed',
  'approval.approved',
  'approval.rejected',
  'approval.timed-out',
  'event.received',
  'manual.done',
  'wait.reminder',
  'run.cancel-requested',
  'run.status',
]);

/** Details longer than this are cut in views (Slack shows little of them anyway). */
const DETAIL_MAX = 600;

export function rootView(state: RunState): RootView {
  return {
    workflowId: state.workflowId,
    title: state.runbook.title,
    runbookId: state.runbook.id,
    runbookVersion: state.runbook.version,
    incidentId: state.incidentId,
    mode: state.mode,
    requestedBy: state.requestedBy,
    status: state.status,
    startedAt: state.startedAt,
    ...(state.endedAt ? { endedAt: state.endedAt } : {}),
    ...(state.failure ? { failure: { ...(state.failure.step ? { step: state.failure.step } : {}), message: cut(state.failure.message) } } : {}),
    ...(state.cancel ? { cancel: { actor: state.cancel.actor, reason: cut(state.cancel.reason) } } : {}),
    steps: state.steps.map(stepLine),
  };
}

function stepLine(step: StepState): StepLineView {
  const gate = step.approval;
  const open = step.status === 'waiting';
  return {
    id: step.id,
    kind: step.kind,
    status: step.status,
    ...(step.title ? { title: step.title } : {}),
    ...(step.parent ? { parent: step.parent } : {}),
    ...(step.action ? { action: step.action } : {}),
    ...(step.actor ? { actor: step.actor } : {}),
    ...(step.alreadyDone ? { alreadyDone: true } : {}),
    ...(step.error ? { error: cut(step.error.message) } : {}),
    ...(step.skippedBecause ? { skippedBecause: cut(step.skippedBecause) } : {}),
    ...(step.compensation ? { compensation: step.compensation.status } : {}),
    ...(gate && open ? { approvals: { count: approvalsOf(gate), quorum: gate.quorum } } : {}),
    ...(step.wait && open ? { event: step.wait.event } : {}),
    ...(step.manual?.assignee && open ? { assignee: step.manual.assignee } : {}),
  };
}

export function eventLine(event: RunState['events'][number], state: RunState): EventLineView {
  const title = event.step ? state.steps.find((step) => step.id === event.step)?.title : undefined;
  return {
    at: event.at,
    kind: event.kind,
    ...(event.step ? { step: event.step } : {}),
    ...(title ? { stepTitle: title } : {}),
    ...(event.actor ? { actor: event.actor } : {}),
    ...(event.detail ? { detail: cut(event.detail) } : {}),
  };
}

export function approvalCard(state: RunState, step: StepState, gate: ApprovalGateState, spec: RunbookStep | RunbookBranchStep | undefined): ApprovalCardView {
  const escalateTo = gate.escalated ? escalationGroups(gate, spec) : spec && 'approval' in spec ? spec.approval.escalate_to : undefined;
  const eligible = eligibleOf(gate);
  const open = step.status === 'waiting' && gate.outcome === undefined;
  return {
    workflowId: state.workflowId,
    stepId: step.id,
    ...(step.title ? { title: step.title } : {}),
    summary: gate.summary,
    summarySha256: gate.summarySha256,
    quorum: gate.quorum,
    approverGroups: [...gate.approverGroups],
    deadline: gate.deadline,
    requester: state.requestedBy,
    decisions: gate.decisions.map((decision) => ({
      actor: decision.actor,
      ...(decision.person ? { person: decision.person } : {}),
      decision: decision.decision,
      at: decision.at,
      via: decision.via,
      ...(decision.reason ? { reason: cut(decision.reason) } : {}),
    })),
    escalated: gate.escalated,
    ...(escalateTo?.length ? { escalateTo: [...escalateTo] } : {}),
    ...(gate.outcome ? { outcome: gate.outcome } : {}),
    open,
    ...(!open && !gate.outcome && step.error ? { closedReason: cut(step.error.message) } : {}),
    ...(gate.policy ? { policy: gate.policy } : {}),
    ...(eligible ? { eligible } : {}),
  };
}

export function waitCard(state: RunState, step: StepState, received: ReceivedEvent | undefined): WaitCardView | undefined {
  if (!step.wait) return undefined;
  const done = step.status === 'succeeded';
  return {
    workflowId: state.workflowId,
    stepId: step.id,
    ...(step.title ? { title: step.title } : {}),
    event: step.wait.event,
    ...(step.wait.deadline ? { deadline: step.wait.deadline } : {}),
    remindersSent: step.wait.remindersSent,
    open: step.status === 'waiting',
    status: step.status,
    ...(done && received ? { receivedBy: received.actor, receivedVia: received.via, receivedAt: received.at } : {}),
    ...(step.error ? { error: cut(step.error.message) } : {}),
  };
}

export function manualCard(state: RunState, step: StepState, spec: RunbookStep | RunbookBranchStep | undefined): ManualCardView | undefined {
  if (!step.manual) return undefined;
  const instructions = spec && 'manual' in spec ? spec.manual.instructions : undefined;
  return {
    workflowId: state.workflowId,
    stepId: step.id,
    ...(step.title ? { title: step.title } : {}),
    task: step.manual.task,
    ...(step.manual.assignee ? { assignee: step.manual.assignee } : {}),
    ...(instructions ? { instructions: cut(instructions) } : {}),
    // Done but not yet settled (the workflow marks the step a moment later) counts as closed.
    open: step.status === 'waiting' && step.actor === undefined,
    status: step.status,
    ...(step.actor ? { doneBy: step.actor } : {}),
    ...(step.endedAt && step.actor ? { doneAt: step.endedAt } : {}),
    ...(step.manual.note ? { note: cut(step.manual.note) } : {}),
    ...(step.error ? { error: cut(step.error.message) } : {}),
  };
}

/** The groups an escalated gate was widened with: as the policy recorded them, else as the runbook says. */
export function escalationGroups(gate: ApprovalGateState, spec: RunbookStep | RunbookBranchStep | undefined): string[] {
  if (gate.escalation?.groups.length) return [...gate.escalation.groups];
  return spec && 'approval' in spec && spec.approval.escalate_to ? [...spec.approval.escalate_to] : [];
}

/**
 * Whether the escalation is ready to be announced. With an approval policy the gate records
 * `escalation` once the widened membership is resolved, and the ping waits for it so that it can
 * mention the people added. A gate without policy information is ready as soon as it escalated.
 */
export function escalationReady(gate: ApprovalGateState): boolean {
  if (!gate.escalated) return false;
  return gate.policy === undefined || gate.escalation !== undefined;
}

/**
 * Who to mention for an escalated gate: eligible people of the escalation groups who have a Slack
 * identity, and the groups' Slack user groups.
 */
export function escalationPing(state: RunState, step: StepState, gate: ApprovalGateState, groups: readonly string[]): EscalationPingView {
  const inGroups = (eligibleOf(gate) ?? []).filter((entry) => entry.groups.some((group) => groups.includes(group)));
  const slackUsers = unique(inGroups.flatMap((entry) => (entry.slack ? [entry.slack.replace(/^slack:/, '')] : [])));
  return {
    workflowId: state.workflowId,
    stepId: step.id,
    ...(step.title ? { title: step.title } : {}),
    summary: gate.summary,
    groups: [...groups],
    slackUsers,
    slackUsergroups: unique([...(gate.escalation?.slackUsergroups ?? [])]),
  };
}

/** The gate's eligible approvers as the cards show them (identities left out: not displayed). */
function eligibleOf(gate: ApprovalGateState): EligibleView[] | undefined {
  return gate.eligible?.map((entry) => ({ person: entry.person, ...(entry.slack ? { slack: entry.slack } : {}), groups: [...entry.groups] }));
}

function approvalsOf(gate: ApprovalGateState): number {
  return gate.decisions.filter((decision) => decision.decision === 'approve').length;
}

function cut(text: string): string {
  return text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX - 1)}…` : text;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
