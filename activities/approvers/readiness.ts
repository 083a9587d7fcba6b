/**
 * The approval half of the live-readiness check: a live run whose runbook has approval gates
 * needs an approvers file that defines every group those gates name, or the policy could not be
 * enforced (an undefined group has no members, so its gate could only time out). The same goes
 * for `notify` steps addressed to approver groups.
 */
import { hasOwnKey } from '../../common/own';
import type { LiveReadinessRequest, ReadinessProblem } from '../action-request';
import type { ApproversConfig } from '../../config/approvers-file';

/** The `action` of readiness problems about approval gates (they are steps, not actions). */
export const APPROVAL_REQUIREMENT = 'approval';

export function approvalProblems(request: LiveReadinessRequest, approvers: ApproversConfig | undefined): ReadinessProblem[] {
  const problems: ReadinessProblem[] = [];
  for (const { stepId, groups } of request.approvals ?? []) {
    if (!approvers) {
      problems.push({
        stepId,
        action: APPROVAL_REQUIREMENT,
        problem: 'approval gates need an approvers file and none is configured (QUELL_APPROVERS_FILE)',
      });
      continue;
    }
    for (const group of groups) {
      if (!hasOwnKey(approvers.groups, group)) {
        problems.push({ stepId, action: APPROVAL_REQUIREMENT, problem: `approver group ${group} is not defined in ${approvers.file}` });
      }
    }
  }
  problems.push(...notifyGroupProblems(request, approvers));
  return problems;
}

/**
 * `notify` steps addressed to `group:<name>` need the group defined too, or the step would fail
 * when reached. Only literal entries are checked; a `to` computed by a template is resolved (and
 * checked) when the step runs.
 */
function notifyGroupProblems(request: LiveReadinessRequest, approvers: ApproversConfig | undefined): ReadinessProblem[] {
  const problems: ReadinessProblem[] = [];
  for (const { action, stepId, params } of request.requirements) {
    if (action !== 'notify' || !Array.isArray(params.to)) continue;
    const groups = params.to.filter((to): to is string => typeof to === 'string' && to.startsWith('group:')).map((to) => to.slice('group:'.length));
    for (const group of new Set(groups)) {
      if (!approvers) {
        problems.push({ stepId, action: APPROVAL_REQUIREMENT, problem: `notify to group:${group} needs an approvers file and none is configured (QUELL_APPROVERS_FILE)` });
      } else if (!hasOwnKey(approvers.groups, group)) {
        problems.push({ stepId, action: APPROVAL_REQUIREMENT, problem: `notify to group:${group}: approver group ${group} is not defined in ${approvers.file}` });
      }
    }
  }
  return problems;
}
