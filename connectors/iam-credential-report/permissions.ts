/**
 * The credential report source's read-only permission probe: iam:GenerateCredentialReport and
 * iam:GetCredentialReport, which have no resource of their own (`*`), through
 * ../aws/permission-probe.ts. Generating a report changes no account setting.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { checkAwsPermissions } from '../aws/permission-probe';

export function credentialReportPermissionProbe(iam: IAMClient): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action }) =>
    action === 'evidence.collect'
      ? checkAwsPermissions(iam, { actions: ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'], resource: () => '*', target: 'the account credential report' })
      : [];
}
