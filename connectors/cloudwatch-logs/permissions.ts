/**
 * The CloudWatch Logs source's read-only permission probe: logs:FilterLogEvents on each log group
 * a step reads (its `log_groups`, else the configured ones), through ../aws/permission-probe.ts.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { checkAwsPermissions } from '../aws/permission-probe';

export function logsPermissionProbe(iam: IAMClient, region: string, configured: readonly string[]): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action, params }) => {
    if (action !== 'evidence.collect') return [];
    const groups = Array.isArray(params.log_groups) ? params.log_groups.filter((g): g is string => typeof g === 'string') : configured;
    const checks = await Promise.all(
      groups.map((group) =>
        checkAwsPermissions(iam, {
          actions: ['logs:FilterLogEvents'],
          resource: (caller) => `arn:${caller.partition}:logs:${region}:${caller.account}:log-group:${group}:*`,
          target: `log group ${group}`,
        }),
      ),
    );
    return checks.flat();
  };
}
