/**
 * Runs a `decision` step: asks the deciders a question with named options and waits until one
 * option has the quorum (each person answers once; per-group counts as for approvals), or the
 * timeout fails the step, chooses the runbook's `default`, or escalates. The answer is data:
 * `steps.<id>.output.choice`, its label, who answered and any form fields. Nothing is undone
 * whatever the answer: a decision is not a rejection.
 *
 * Answers arrive through the `answerDecision` Update; the approval policy decides who may give
 * them (approval-policy.ts), exactly as for approvals.
 *
 * Workflow-safe.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { renderTemplate } from '../../common/expression';
import { checkFormValues, formFieldStates } from '../../common/form-fields';
import type { DecisionGateState } from '../../common/run-state';
import { QuellApprovers } from '../../common/search-attributes';
import { sha256Hex } from '../../common/sha256';
import { withArticle } from '../../common/text';
import { approverGroupsOf, gateQuorum, groupQuorumOf } from '../../runbooks/approver-groups';
import type { DecisionStepSpec } from '../../runbooks/schema';
import { checkDecider, decisionPerson, gatePolicyApplies, keepGateMembership } from '../approval-policy';
import { unavailableProblem } from '../drill/run-effects';
import { AnswerRequest, describeIssues } from '../messages';
import { describeError, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';
import { checkQuotedHash, runDeciders } from './approval';
import { awaitGate, deadlineAfter } from './gate-wait';
import { resolveDuration } from '../step-durations';
import { quorumMet } from './group-quorum';

export async function runDecisionStep(ctx: RunContext, step: DecisionStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  const spec = step.decision;
  let question: string;
  try {
    question = String(renderTemplate(spec.question, ctx.templateContext()) ?? '');
  } catch (error) {
    throw new StepFailure(step.id, `could not evaluate the question: ${describeError(error).message}`);
  }
  const timeout = resolveDuration(ctx, step.id, 'timeout', spec.timeout);
  const deciders = { approvers: spec.deciders, ...(spec.quorum !== undefined ? { quorum: spec.quorum } : {}) };
  const groupQuorum = groupQuorumOf(deciders);
  const gate: DecisionGateState = {
    approverGroups: approverGroupsOf(deciders),
    quorum: gateQuorum(deciders),
    ...(groupQuorum ? { groupQuorum } : {}),
    question,
    questionSha256: sha256Hex(question),
    options: Object.entries(spec.options).map(([id, label]) => ({ id, label })),
    fields: formFieldStates(spec.fields),
    deadline: deadlineAfter(timeout.ms),
    decisions: [],
    escalated: false,
    ...(spec.requester_may_answer ? { requesterMayDecide: true } : {}),
  };
  state.decision = gate;
  ctx.moveStep(state, 'await');
  state.startedAt = ctx.now();
  ctx.record('decision.asked', question, { step: step.id });

  // Decision steps are newer than the approval policy, so it always applies to them.
  const membership = gatePolicyApplies(ctx) ? keepGateMembership(ctx, gate, step.id) : undefined;
  try {
    const answered = await awaitGate(ctx, step.id, gate, { ...spec, timeoutMs: timeout.ms }, {
      decided: () => gate.outcome !== undefined,
      membership,
      overdue: `Decision overdue, escalated to you: ${question} (run ${ctx.state.workflowId})`,
    });
    if (!answered && spec.on_timeout !== 'fail' && spec.default !== undefined) {
      gate.outcome = 'defaulted';
      gate.chosen = spec.default;
      ctx.record('decision.defaulted', `no answer within ${timeout.text}: ${spec.default}`, { step: step.id });
    } else if (!answered) {
      gate.outcome = 'timed-out';
    }
  } finally {
    membership?.stop();
  }

  state.endedAt = ctx.now();
  if (ctx.recordsApprovers && gate.decisions.length > 0) upsertSearchAttributes([{ key: QuellApprovers, value: runDeciders(ctx) }]);
  if (gate.outcome === 'timed-out' || gate.chosen === undefined) {
    state.actor = 'system:timeout';
    throw new StepFailure(step.id, `nobody answered within ${timeout.text}`);
  }
  const chosen = gate.chosen;
  const answers = gate.decisions.filter((decision) => decision.option === chosen);
  const answeredBy = answers.map((decision) => decision.person ?? decision.actor);
  state.actor = answeredBy.length > 0 ? answeredBy.join(', ') : 'system:timeout';
  state.output = {
    choice: chosen,
    label: gate.options.find((option) => option.id === chosen)?.label ?? chosen,
    answered_by: answeredBy,
    answered_at: answers.length > 0 ? answers[answers.length - 1]!.at : state.endedAt,
    // The fields of the first answer for the chosen option: it is the one the others agreed with.
    ...(answers[0]?.fields ?? {}),
  };
  ctx.moveStep(state, 'succeed');
}

/**
 * Refuses an answer that must not count, with a reason the person can act on. Runs before the
 * Update is accepted, so a refused answer leaves no trace in the history.
 */
export function validateAnswer(ctx: RunContext, raw: unknown): void {
  const parsed = AnswerRequest.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid answer: ${describeIssues(parsed.error)}`);
  const request = parsed.data;
  const state = ctx.findStep(request.stepId);
  if (!state) throw new Error(`runbook ${ctx.state.runbook.id} has no step "${request.stepId}"`);
  if (state.kind !== 'decision') throw new Error(`step ${request.stepId} is ${withArticle(state.kind)} step, not a decision`);
  const gate = state.decision;
  if (state.status !== 'waiting' || !gate || gate.outcome) {
    throw new Error(`step ${request.stepId} is not awaiting an answer (it is ${state.status})`);
  }
  if (Date.now() >= Date.parse(gate.deadline)) throw new Error(`the answer window of step ${request.stepId} closed at ${gate.deadline}`);
  if (!gate.options.some((option) => option.id === request.option)) {
    throw new Error(`option: step ${request.stepId} has no option "${request.option}" (its options: ${gate.options.map((option) => option.id).join(', ')})`);
  }
  const person = checkDecider(ctx, gate, request.stepId, { ...request, decision: 'answer' });
  const away = unavailableProblem(ctx, gate, request, person);
  if (away) throw new Error(away);
  checkQuotedHash({ expected: gate.questionSha256, stepId: request.stepId, quotedRaw: request.questionSha256, what: 'question', field: 'questionSha256' });
  const form = checkFormValues(gate.fields, request.fields);
  if (form.problems.length > 0) throw new Error(`invalid answer: ${form.problems.join('; ')}`);
}

/** Records a validated answer and closes the decision once an option has its quorum. */
export function applyAnswer(ctx: RunContext, request: AnswerRequest): DecisionGateState {
  const gate = ctx.step(request.stepId).decision as DecisionGateState;
  const person = decisionPerson(gate, request.via, request.actor);
  const form = checkFormValues(gate.fields, request.fields);
  gate.decisions.push({
    actor: request.actor.trim(),
    decision: 'answer',
    option: request.option,
    at: ctx.now(),
    via: request.via,
    ...(request.reason ? { reason: request.reason } : {}),
    person,
    summarySha256: request.questionSha256.trim().toLowerCase(),
    ...(Object.keys(form.values).length > 0 ? { fields: form.values } : {}),
    ...(gate.groupQuorum ? { groups: (gate.eligible ?? []).find((eligible) => eligible.person === person)?.groups ?? [] } : {}),
  });
  if (quorumMet(gate, (decision) => decision.option === request.option)) {
    gate.outcome = 'answered';
    gate.chosen = request.option;
  }
  ctx.record('decision.answered', `${request.option}${request.reason ? `: ${request.reason}` : ''}`, { step: request.stepId, actor: person });
  return gate;
}
