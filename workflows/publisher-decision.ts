/**
 * The Slack views of decision steps: the decision card (the question, its options, who may
 * answer, the answers so far) and the ping to the people an overdue decision was escalated to.
 * Beside ./publisher-view.ts, which does the same for approvals, waits and manual tasks, and
 * where the root message's decision lines and outcome are projected.
 *
 * Runs that started before these views existed must replay as they ran, so the publisher shows
 * them only under SLACK_DECISIONS_PATCH, and only in runs whose runbook has a decision or an end
 * step: every other run posts exactly what it posted before.
 *
 * Workflow-safe: types and common/ only.
 */
import type { CardContent, DecisionCardView, EscalationPingView } from '../common/publisher-view';
import type { DecisionGateState, RunState, StepState } from '../common/run-state';
import type { Runbook, RunbookBranchStep, RunbookStep } from '../runbooks/schema';
import { cut, eligibleOf, gatePing } from './publisher-view';

/** The patch under which a run's Slack presence shows decisions and outcomes. */
export const SLACK_DECISIONS_PATCH = 'slack-decisions';

/** Audit events of decisions that open a card in the thread. */
export const DECISION_CARD_EVENTS: Readonly<Record<string, CardContent['kind']>> = {
  'decision.asked': 'decision',
};

/** Audit events of decisions and ends told in the thread as lines. */
export const DECISION_LINE_EVENTS: ReadonlySet<string> = new Set(['decision.answered', 'decision.defaulted', 'run.ended']);

/** Whether the runbook has anything these views show: a decision step (in a branch too) or an end step. */
export function runbookHasDecisions(runbook: Runbook): boolean {
  const shows = (step: RunbookStep | RunbookBranchStep) => 'decision' in step || 'end' in step;
  return runbook.steps.some((step) => shows(step) || ('parallel' in step && step.parallel.some(shows)));
}

export function decisionCard(state: RunState, step: StepState, gate: DecisionGateState, spec: RunbookStep | RunbookBranchStep | undefined): DecisionCardView {
  const escalateTo = gate.escalated ? decisionEscalationGroups(gate, spec) : spec && 'decision' in spec ? spec.decision.escalate_to : undefined;
  const eligible = eligibleOf(gate);
  const open = step.status === 'waiting' && gate.outcome === undefined;
  return {
    workflowId: state.workflowId,
    stepId: step.id,
    ...(step.title ? { title: step.title } : {}),
    question: gate.question,
    questionSha256: gate.questionSha256,
    options: gate.options.map((option) => ({ id: option.id, label: option.label })),
    hasForm: gate.fields.length > 0,
    quorum: gate.quorum,
    approverGroups: [...gate.approverGroups],
    deadline: gate.deadline,
    requester: state.requestedBy,
    requesterMayAnswer: gate.requesterMayDecide === true,
    answers: gate.decisions.map((answer) => ({
      actor: answer.actor,
      ...(answer.person ? { person: answer.person } : {}),
      option: answer.option ?? '',
      at: answer.at,
      via: answer.via,
      ...(answer.reason ? { reason: cut(answer.reason) } : {}),
    })),
    escalated: gate.escalated,
    ...(escalateTo?.length ? { escalateTo: [...escalateTo] } : {}),
    ...(gate.outcome ? { outcome: gate.outcome } : {}),
    ...(gate.chosen !== undefined ? { chosen: gate.chosen } : {}),
    open,
    ...(!open && !gate.outcome && step.error ? { closedReason: cut(step.error.message) } : {}),
    ...(gate.policy ? { policy: gate.policy } : {}),
    ...(eligible ? { eligible } : {}),
  };
}

/** The groups an escalated decision was widened with: as the policy recorded them, else as the runbook says. */
export function decisionEscalationGroups(gate: DecisionGateState, spec: RunbookStep | RunbookBranchStep | undefined): string[] {
  if (gate.escalation?.groups.length) return [...gate.escalation.groups];
  return spec && 'decision' in spec && spec.decision.escalate_to ? [...spec.decision.escalate_to] : [];
}

/** The ping to the escalation groups of an overdue decision; it quotes the question. */
export function decisionPing(state: RunState, step: StepState, gate: DecisionGateState, groups: readonly string[]): EscalationPingView {
  return { ...gatePing(state, step, gate, gate.question, groups), gate: 'decision' };
}
