/**
 * How a human gate (approval or decision) waits: for an outcome until its timeout, then, when the
 * runbook says `on_timeout: escalate`, once more after adding the escalation groups and pinging
 * them (in the run's Slack thread, or by `notify` without one). Shared so both kinds escalate the
 * same way and leave the same record.
 *
 * Workflow-safe.
 */
import { condition } from '@temporalio/workflow';
import type { GateMembershipState } from '../../common/run-state';
import { EXTERNAL_API } from '../activity-options';
import { gateSlackUsergroups, type GateMembership } from '../approval-policy';
import { callAction } from '../call-action';
import type { RunContext } from '../run-context';

export interface GateTimeoutPolicy {
  /** The gate's timeout as resolved when it opened (see ../step-durations.ts); escalation waits as long again. */
  timeoutMs: number;
  on_timeout: string;
  escalate_to?: string[];
}

/** An ISO deadline `ms` from now (workflow time). */
export function deadlineAfter(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/**
 * Resolves true once `decided()` holds, false when the gate's time (and any escalation's) ran out.
 * `overdue` is the text of the notify sent to the escalation groups when there is no Slack thread.
 */
export async function awaitGate(
  ctx: RunContext,
  stepId: string,
  gate: GateMembershipState,
  spec: GateTimeoutPolicy,
  options: { decided: () => boolean; membership: GateMembership | undefined; overdue: string },
): Promise<boolean> {
  const waitMs = spec.timeoutMs;
  const { decided, membership } = options;
  if (await condition(decided, waitMs)) return true;
  if (spec.on_timeout !== 'escalate' || !spec.escalate_to) return false;
  gate.escalated = true;
  gate.approverGroups.push(...spec.escalate_to.filter((group) => !gate.approverGroups.includes(group)));
  gate.deadline = deadlineAfter(waitMs);
  if (membership) {
    gate.escalation = {
      at: ctx.now(),
      groups: [...spec.escalate_to],
      slackUsergroups: gateSlackUsergroups(gate, spec.escalate_to),
      deadline: gate.deadline,
    };
    // The escalation groups may decide at once on what is known, and membership is read again.
    membership.reapply();
    membership.refresh();
  }
  ctx.record('approval.escalated', `to ${spec.escalate_to.join(', ')}`, { step: stepId });
  // With a Slack surface the publisher pings the escalation groups in the run's own thread.
  if (!membership || !ctx.surface.slack) {
    await callAction(
      ctx,
      { stepId, action: 'notify', params: { to: spec.escalate_to, message: options.overdue }, purpose: 'perform', keySuffix: 'escalation' },
      EXTERNAL_API,
    );
  }
  return condition(decided, waitMs);
}
