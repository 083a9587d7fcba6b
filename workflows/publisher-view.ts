/**
 * Projects the run's state into the views the Slack surface shows (their types, plain data, are
 * in common/publisher-view.ts): the root message, the thread's event lines, the approval, wait and
 * manual cards and the escalation ping. Deterministic and free of I/O; the publisher
 * (./publisher.ts) decides when to send them, the activities validate them at the edge.
 *
 * Workflow-safe: types and common/ only (no zod: every module the workflow imports is evaluated
 * again for each run the worker caches).
 */
import type {
  ApprovalCardView,
  CardContent,
  EligibleView,
  EscalationPingView,
  EventLineView,
  ManualCardView,
  RootView,
  StepLineView,
  WaitCardView,
} from '../common/publisher-view';
import type { ApprovalGateState, DecisionGateState, GateMembershipState, RunState, StepState } from '../common/run-state';
import type { RunbookBranchStep, RunbookStep } from '../runbooks/schema';
import { listedInRoot, structureLine, structureRoot } from './publisher-structure';
import type { ReceivedEvent } from './run-context';

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
  'drill.inject',
]);

/** Details longer than this are cut in views (Slack shows little of them anyway). */
const DETAIL_MAX = 600;

/**
 * The root message. `decisions` (runs under the slack-decisions patch whose runbook has decision
 * or end steps) adds the decisions' questions and choices and the run's outcome; `structure`
 * (runs under the slack-run-structure patch, ./publisher-structure.ts) counts a loop's items on
 * its line instead of listing them, and adds windows, child runs, the severity and the parent
 * run. Without them the view is exactly what older runs showed, so their replays send the same
 * updates.
 */
export function rootView(state: RunState, decisions = false, structure = false): RootView {
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
    ...(decisions && state.outcome ? { outcome: { name: state.outcome.name, ...(state.outcome.summary ? { summary: cut(state.outcome.summary) } : {}) } } : {}),
    ...(structure ? structureRoot(state) : {}),
    steps: (structure ? state.steps.filter(listedInRoot) : state.steps).map((step) => ({
      ...stepLine(step),
      ...(decisions ? decisionLine(step) : {}),
      ...(structure ? structureLine(step) : {}),
    })),
  };
}

/** What a decision step's line adds: the question and answers so far while it waits, the choice once made. */
function decisionLine(step: StepState): Partial<StepLineView> {
  const gate = step.decision;
  if (!gate) return {};
  if (step.status === 'waiting' && gate.outcome === undefined) {
    return { question: cut(gate.question), answers: { count: gate.decisions.length, quorum: gate.quorum } };
  }
  if (step.status === 'succeeded' && gate.chosen !== undefined) {
    return { choice: { label: optionLabel(gate, gate.chosen), defaulted: gate.outcome === 'defaulted' } };
  }
  return {};
}

function optionLabel(gate: DecisionGateState, id: string): string {
  return gate.options.find((option) => option.id === id)?.label ?? id;
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
    ...(step.sleep && open ? { wakesAt: step.sleep.until } : {}),
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
    ...(step.error ? { error: cut(step.error.message) } : {}),    ...(hasOutputsForm(step) ? { hasForm: true as const } : {}),
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
    ...(step.error ? { error: cut(step.error.message) } : {}),    ...(hasOutputsForm(step) ? { hasForm: true as const } : {}),
  };
}

/**
 * Whether the step's button opens a form of its declared outputs. Fixed from the run's start (the
 * declaration is), so a card's fingerprint moves exactly when it did before; steps without
 * outputs carry no such field and show exactly what they showed.
 */
function hasOutputsForm(step: StepState): boolean {
  return (step.declaredOutputs?.fields.length ?? 0) > 0;
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
export function escalationReady(gate: GateMembershipState): boolean {
  if (!gate.escalated) return false;
  return gate.policy === undefined || gate.escalation !== undefined;
}

/**
 * Who to mention for an escalated gate: eligible people of the escalation groups who have a Slack
 * identity, and the groups' Slack user groups.
 */
export function escalationPing(state: RunState, step: StepState, gate: ApprovalGateState, groups: readonly string[]): EscalationPingView {
  return gatePing(state, step, gate, gate.summary, groups);
}

/** An escalation ping for any gate, quoting `summary` (an approval's summary, a decision's question). */
export function gatePing(state: RunState, step: StepState, gate: GateMembershipState, summary: string, groups: readonly string[]): EscalationPingView {
  const inGroups = (eligibleOf(gate) ?? []).filter((entry) => entry.groups.some((group) => groups.includes(group)));
  const slackUsers = unique(inGroups.flatMap((entry) => (entry.slack ? [entry.slack.replace(/^slack:/, '')] : [])));
  return {
    workflowId: state.workflowId,
    stepId: step.id,
    ...(step.title ? { title: step.title } : {}),
    summary,
    groups: [...groups],
    slackUsers,
    slackUsergroups: unique([...(gate.escalation?.slackUsergroups ?? [])]),
  };
}

/** The gate's eligible approvers as the cards show them (identities left out: not displayed). */
export function eligibleOf(gate: GateMembershipState): EligibleView[] | undefined {
  return gate.eligible?.map((entry) => ({ person: entry.person, ...(entry.slack ? { slack: entry.slack } : {}), groups: [...entry.groups] }));
}

function approvalsOf(gate: ApprovalGateState): number {
  return gate.decisions.filter((decision) => decision.decision === 'approve').length;
}

/** `text`, shortened to what a view carries. */
export function cut(text: string): string {
  return text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX - 1)}…` : text;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
