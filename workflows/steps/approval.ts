/**
 * Runs an `approval` step: a gate that opens when `quorum` distinct people (never the requester)
 * approve, closes on the first rejection, and on timeout rejects, approves or escalates as the
 * runbook says. Decisions arrive through the `decideApproval` Update (see validateDecision).
 *
 * Workflow-safe.
 */
import { condition } from '@temporalio/workflow';
import { durationMs } from '../../common/duration';
import { renderTemplate } from '../../common/expression';
import type { ApprovalGateState } from '../../common/run-state';
import type { ApprovalStepSpec } from '../../runbooks/schema';
import { EXTERNAL_API } from '../activity-options';
import { callAction } from '../call-action';
import { DecisionRequest, describeIssues } from '../messages';
import { describeError, RunRejected, StepFailure } from '../outcomes';
import { sameActor, type RunContext } from '../run-context';
import { sha256Hex } from '../../common/sha256';
import { withArticle } from '../../common/text';

export async function runApprovalStep(ctx: RunContext, step: ApprovalStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  const spec = step.approval;
  const waitMs = durationMs(spec.timeout);
  let summary: string;
  try {
    summary = String(renderTemplate(spec.summary, ctx.templateContext()) ?? '');
  } catch (error) {
    throw new StepFailure(step.id, `could not evaluate the approval summary: ${describeError(error).message}`);
  }

  const gate: ApprovalGateState = {
    approverGroups: [...spec.approvers],
    quorum: spec.quorum,
    summary,
    summarySha256: sha256Hex(summary),
    deadline: deadlineAfter(waitMs),
    decisions: [],
    escalated: false,
  };
  state.approval = gate;
  state.status = 'waiting';
  state.startedAt = ctx.now();
  ctx.record('approval.requested', summary, { step: step.id });

  let decided = await condition(() => gate.outcome !== undefined, waitMs);
  if (!decided && spec.on_timeout === 'escalate' && spec.escalate_to) {
    gate.escalated = true;
    gate.approverGroups.push(...spec.escalate_to.filter((group) => !gate.approverGroups.includes(group)));
    gate.deadline = deadlineAfter(waitMs);
    ctx.record('approval.escalated', `to ${spec.escalate_to.join(', ')}`, { step: step.id });
    await callAction(
      ctx,
      {
        stepId: step.id,
        action: 'notify',
        params: { to: spec.escalate_to, message: `Approval overdue, escalated to you: ${summary} (run ${ctx.state.workflowId})` },
        purpose: 'perform',
        keySuffix: 'escalation',
      },
      EXTERNAL_API,
    );
    decided = await condition(() => gate.outcome !== undefined, waitMs);
  }
  if (!decided) {
    gate.outcome = spec.on_timeout === 'approve' ? 'approved' : 'timed-out';
    ctx.record('approval.timed-out', gate.outcome === 'approved' ? 'approved by timeout policy' : 'rejected by timeout', { step: step.id });
  }

  state.endedAt = ctx.now();
  if (gate.outcome === 'approved') {
    state.status = 'succeeded';
    const approvers = gate.decisions.filter((d) => d.decision === 'approve').map((d) => d.actor);
    state.actor = approvers.length > 0 ? approvers.join(', ') : 'system:timeout';
    return;
  }
  state.status = 'failed';
  const rejection = gate.decisions.find((d) => d.decision === 'reject');
  const reason = rejection ? `rejected by ${rejection.actor}: ${rejection.reason ?? ''}` : `no decision within ${spec.timeout}`;
  state.actor = rejection?.actor ?? 'system:timeout';
  state.error = { message: reason };
  throw new RunRejected(step.id, reason);

  function deadlineAfter(ms: number): string {
    return new Date(Date.now() + ms).toISOString();
  }
}

/**
 * Refuses a decision that must not count, with a reason the person can act on. Runs before the
 * Update is accepted, so a refused decision leaves no trace in the history.
 */
export function validateDecision(ctx: RunContext, raw: unknown): void {
  const parsed = DecisionRequest.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid approval request: ${describeIssues(parsed.error)}`);
  const request = parsed.data;
  const state = ctx.findStep(request.stepId);
  if (!state) throw new Error(`runbook ${ctx.state.runbook.id} has no step "${request.stepId}"`);
  if (state.kind !== 'approval') throw new Error(`step ${request.stepId} is ${withArticle(state.kind)} step, not an approval`);
  const gate = state.approval;
  if (state.status !== 'waiting' || !gate || gate.outcome) {
    throw new Error(`step ${request.stepId} is not awaiting approval (it is ${state.status})`);
  }
  if (Date.now() >= Date.parse(gate.deadline)) {
    throw new Error(`the approval window of step ${request.stepId} closed at ${gate.deadline}`);
  }
  if (request.decision === 'approve' && sameActor(request.actor, ctx.input.requestedBy)) {
    throw new Error(`${request.actor} requested this run and cannot approve it (separation of duties)`);
  }
  const earlier = gate.decisions.find((decision) => sameActor(decision.actor, request.actor));
  if (earlier) throw new Error(`${request.actor} already decided on step ${request.stepId} (${earlier.decision}d at ${earlier.at})`);
  if (request.decision === 'reject' && !request.reason?.trim()) {
    throw new Error('a reason is required to reject');
  }
}

/** Records a validated decision and opens or closes the gate. */
export function applyDecision(ctx: RunContext, request: DecisionRequest): ApprovalGateState {
  const gate = ctx.step(request.stepId).approval as ApprovalGateState;
  gate.decisions.push({
    actor: request.actor.trim(),
    decision: request.decision,
    at: ctx.now(),
    via: request.via,
    ...(request.reason ? { reason: request.reason } : {}),
  });
  const approvals = gate.decisions.filter((decision) => decision.decision === 'approve').length;
  if (request.decision === 'reject') gate.outcome = 'rejected';
  else if (approvals >= gate.quorum) gate.outcome = 'approved';
  ctx.record(`approval.${request.decision}d`, request.reason, { step: request.stepId, actor: request.actor.trim() });
  return gate;
}
