/**
 * Which findings a step asks GuardDuty for: those updated inside the collection window (a finding
 * seen again is updated, so an old finding still active in the window is included) and, with a
 * `principal`, only those whose access key belongs to that IAM user name. GuardDuty's filter has
 * no free-text query, so a `query` is refused rather than ignored.
 *
 * Pure and free of the SDK client: the definition's pre-flight check and the live source share it.
 */
import type { FindingCriteria } from '@aws-sdk/client-guardduty';
import type { CollectParams, CollectionWindow } from '../evidence-roles';

/** The finding attribute GuardDuty fills with the IAM user name of the credentials involved. */
export const PRINCIPAL_ATTRIBUTE = 'resource.accessKeyDetails.userName';

export function guardDutyProblems(params: Partial<CollectParams>): string[] {
  return params.query === undefined
    ? []
    : [`guardduty: query "${params.query}" cannot be used (findings are chosen by the window and, with principal, by ${PRINCIPAL_ATTRIBUTE})`];
}

export function findingCriteria(params: Partial<CollectParams>, window: CollectionWindow): FindingCriteria {
  return {
    Criterion: {
      updatedAt: { GreaterThanOrEqual: window.start.getTime(), LessThanOrEqual: window.end.getTime() },
      ...(params.principal !== undefined ? { [PRINCIPAL_ATTRIBUTE]: { Equals: [params.principal] } } : {}),
    },
  };
}
