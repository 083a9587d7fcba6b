/**
 * Runs an `approval` step: a gate that opens when `quorum` distinct people (never the requester)
 * approve, closes on the first rejection, and on timeout rejects, approves or escalates as the
 * runbook says. Decisions arrive through the `decideApproval` Update (see validateDecision); who
 * may decide is the approval policy's business (approval-policy.ts).
 *
 * Workflow-safe.
 */
import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import { renderTemplate } from '../../common/expression';
import type { ApprovalGateState } from '../../common/run-state';
import type { ApprovalStepSpec } from '../../runbooks/schema';
import { checkDecider, decisionPerson, gatePolicyApplies, keepGateMembership } from '../approval-policy';
import { unavailableProblem } from '../drill/run-effects';
import { DecisionRequest, describeIssues } from '../messages';
import { describeError, RunRejected, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';
import { QuellApprovers } from '../../common/search-attributes';
import { sha256Hex } from '../../common/sha256';
import { withArticle } from '../../common/text';
import { approverGroupsOf, gateQuorum, groupQuorumOf } from '../../runbooks/approver-groups';
import { awaitGate, deadlineAfter } from './gate-wait';
import { resolveDuration } from '../step-durations';
import { quorumMet } from './group-quorum';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export async function runApprovalStep(ctx: RunContext, step: ApprovalStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  const spec = step.approval;
  const timeout = resolveDuration(ctx, step.id, 'timeout', spec.timeout);
  const waitMs = timeout.ms;
  let summary: string;
  try {
    summary = String(renderTemplate(spec.summary, ctx.templateContext()) ?? '');
  } catch (error) {
    throw new StepFailure(step.id, `could not evaluate the approval summary: ${describeError(error).message}`);
  }

  // False only while replaying a run recorded before the policy: it keeps its old commands.
  const policyApplies = gatePolicyApplies(ctx);
  const groupQuorum = groupQuorumOf(spec);
  const gate: ApprovalGateState = {
    approverGroups: approverGroupsOf(spec),
    quorum: gateQuorum(spec),
    ...(groupQuorum ? { groupQuorum } : {}),
    summary,
    summarySha256: sha256Hex(summary),
    deadline: deadlineAfter(waitMs),
    decisions: [],
    escalated: false,
    ...(policyApplies ? {} : { policy: 'open' as const }),
  };
  state.approval = gate;
  ctx.moveStep(state, 'await');
  state.startedAt = ctx.now();
  ctx.record('approval.requested', summary, { step: step.id });

  const membership = policyApplies ? keepGateMembership(ctx, gate, step.id) : undefined;
  try {
    const decided = await awaitGate(ctx, step.id, gate, { ...spec, timeoutMs: waitMs }, {
      decided: () => gate.outcome !== undefined,
      membership,
      overdue: `Approval overdue, escalated to you: ${summary} (run ${ctx.state.workflowId})`,
    });
    if (!decided) {
      gate.outcome = spec.on_timeout === 'approve' ? 'approved' : 'timed-out';
      ctx.record('approval.timed-out', gate.outcome === 'approved' ? 'approved by timeout policy' : 'rejected by timeout', { step: step.id });
    }
  } finally {
    membership?.stop();
  }

  state.endedAt = ctx.now();
  // Who decided, for `quell audit list --approver`, once the gate has closed.
  if (ctx.recordsApprovers && gate.decisions.length > 0) upsertSearchAttributes([{ key: QuellApprovers, value: runDeciders(ctx) }]);
  if (gate.outcome === 'approved') {
    ctx.moveStep(state, 'succeed');
    const approvers = gate.decisions.filter((d) => d.decision === 'approve').map((d) => d.person ?? d.actor);
    state.actor = approvers.length > 0 ? approvers.join(', ') : 'system:timeout';
    return;
  }
  ctx.moveStep(state, 'fail');
  const rejection = gate.decisions.find((d) => d.decision === 'reject');
  const rejecter = rejection ? (rejection.person ?? rejection.actor) : undefined;
  const reason = rejection ? `rejected by ${rejecter}: ${rejection.reason ?? ''}` : `no decision within ${timeout.text}`;
  state.actor = rejecter ?? 'system:timeout';
  state.error = { message: reason };
  throw new RunRejected(step.id, reason);
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
  const person = checkDecider(ctx, gate, request.stepId, request);
  const away = unavailableProblem(ctx, gate, request, person);
  if (away) throw new Error(away);
  checkSummaryHash(gate, request.stepId, request.summarySha256);
  if (request.decision === 'reject' && !request.reason?.trim()) {
    throw new Error('a reason is required to reject');
  }
}

/** The decider must quote the hash of the summary the gate shows now: what they saw is what they decide. */
function checkSummaryHash(gate: ApprovalGateState, stepId: string, quotedRaw: string): void {
  checkQuotedHash({ expected: gate.summarySha256, stepId, quotedRaw, what: 'summary', field: 'summarySha256' });
}

/**
 * Refuses a quoted hash that is missing, malformed or not the hash of the text the gate shows now
 * (an approval's summary, a decision's question). `expected` is absent only in gates opened
 * before texts were hashed.
 */
export function checkQuotedHash(check: { expected: string | undefined; stepId: string; quotedRaw: string; what: string; field: string }): void {
  const { expected, stepId, what, field } = check;
  const quoted = check.quotedRaw.trim().toLowerCase();
  if (!quoted) throw new Error(`${field} is required: quote the hash of the ${what} of step ${stepId} you were shown`);
  if (!SHA256_HEX.test(quoted)) throw new Error(`${field} must be 64 hexadecimal digits (a sha256)`);
  if (expected && quoted !== expected) {
    throw new Error(
      `the ${what} of step ${stepId} is not the one you were shown (it hashes to ${expected.slice(0, 12)}…, ` +
        `you quoted ${quoted.slice(0, 12)}…): read it again and decide on what it says now`,
    );
  }
}

/** Records a validated decision and opens or closes the gate. */
export function applyDecision(ctx: RunContext, request: DecisionRequest): ApprovalGateState {
  const gate = ctx.step(request.stepId).approval as ApprovalGateState;
  const person = decisionPerson(gate, request.via, request.actor);
  // Runs recorded before the policy carry no hash: replay must accept their decisions as they were.
  const quoted = typeof request.summarySha256 === 'string' ? request.summarySha256.trim().toLowerCase() : undefined;
  gate.decisions.push({
    actor: request.actor.trim(),
    decision: request.decision,
    at: ctx.now(),
    via: request.via,
    ...(request.reason ? { reason: request.reason } : {}),
    person,
    ...(quoted ? { summarySha256: quoted } : {}),
    // Which groups this person counts for, as membership stands now (per-group quorum only).
    ...(gate.groupQuorum ? { groups: (gate.eligible ?? []).find((eligible) => eligible.person === person)?.groups ?? [] } : {}),
  });
  if (request.decision === 'reject') gate.outcome = 'rejected';
  else if (quorumMet(gate)) gate.outcome = 'approved';
  ctx.record(decisionEventKind(request.decision), request.reason, { step: request.stepId, actor: person });
  return gate;
}

/**
 * The patch id under which a rejection is recorded as `approval.rejected` (kept forever once
 * shipped). Runs before it recorded `approval.rejectd`, which the Slack thread does not tell; a
 * run replaying such a history must keep doing so, since telling it would post one more message.
 */
export const REJECTED_EVENT_PATCH = 'approval-rejected-event';

function decisionEventKind(decision: DecisionRequest['decision']): string {
  if (decision === 'approve') return 'approval.approved';
  return patched(REJECTED_EVENT_PATCH) ? 'approval.rejected' : 'approval.rejectd';
}

/** The patch id guarding the QuellApprovers upsert (kept forever once shipped). */
export const APPROVERS_ATTRIBUTE_PATCH = 'audit-approvers-attribute';

/** Everyone who has approved, rejected or answered any gate of the run, as the approval policy named them. */
export function runDeciders(ctx: RunContext): string[] {
  const people = new Set<string>();
  for (const step of ctx.state.steps) {
    for (const decision of [...(step.approval?.decisions ?? []), ...(step.decision?.decisions ?? [])]) people.add(decision.person ?? decision.actor);
  }
  return [...people].sort();
}
