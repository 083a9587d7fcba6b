/**
 * The CloudTrail source's read-only permission probe: cloudtrail:LookupEvents, which has no
 * resource of its own (`*`), through ../aws/permission-probe.ts.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { checkAwsPermissions } from '../aws/permission-probe';

export function cloudTrailPermissionProbe(iam: IAMClient): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action }) =>
    action === 'evidence.collect' ? checkAwsPermissions(iam, { actions: ['cloudtrail:LookupEvents'], resource: () => '*', target: 'event history' }) : [];
}
