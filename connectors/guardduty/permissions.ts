/**
 * The GuardDuty source's read-only permission probe: guardduty:ListDetectors (no resource of its
 * own) and guardduty:ListFindings and guardduty:GetFindings on the region's detectors, through
 * ../aws/permission-probe.ts.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { checkAwsPermissions } from '../aws/permission-probe';

export function guardDutyPermissionProbe(iam: IAMClient, region: string): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action }) => {
    if (action !== 'evidence.collect') return [];
    const checks = await Promise.all([
      checkAwsPermissions(iam, { actions: ['guardduty:ListDetectors'], resource: () => '*', target: 'GuardDuty detectors' }),
      checkAwsPermissions(iam, {
        actions: ['guardduty:ListFindings', 'guardduty:GetFindings'],
        resource: (caller) => `arn:${caller.partition}:guardduty:${region}:${caller.account}:detector/*`,
        target: `GuardDuty findings in ${region}`,
      }),
    ]);
    return checks.flat();
  };
}
