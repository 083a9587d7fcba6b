/**
 * An approval step's groups and quorum, whichever way the runbook wrote them: a list of groups
 * sharing one `quorum` (default 1), or each group with its own count (`{ account-owners: 1,
 * app-owners: 1 }`), where one person counts for one group only. Workflow-safe: types only.
 */
import type { ApprovalStepSpec } from './schema';

type ApprovalSpecType = ApprovalStepSpec['approval'];

export function approverGroupsOf(spec: Pick<ApprovalSpecType, 'approvers'>): string[] {
  return Array.isArray(spec.approvers) ? [...spec.approvers] : Object.keys(spec.approvers);
}

/** Each group's count, or undefined when the groups share one quorum. */
export function groupQuorumOf(spec: Pick<ApprovalSpecType, 'approvers'>): Record<string, number> | undefined {
  return Array.isArray(spec.approvers) ? undefined : { ...spec.approvers };
}

/** How many approvals the gate needs in all. */
export function gateQuorum(spec: Pick<ApprovalSpecType, 'approvers' | 'quorum'>): number {
  const perGroup = groupQuorumOf(spec);
  return perGroup ? Object.values(perGroup).reduce((sum, count) => sum + count, 0) : (spec.quorum ?? 1);
}
