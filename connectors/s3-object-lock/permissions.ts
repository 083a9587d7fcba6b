/**
 * The S3 Object Lock store's read-only permission probe: what storing evidence calls (see
 * ./store.ts), on the configured bucket and prefix, checked through ../aws/permission-probe.ts.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { checkAwsPermissions } from '../aws/permission-probe';

export function s3StorePermissionProbe(iam: IAMClient, bucket: string, prefix: string): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action }) => {
    if (action !== 'evidence.collect') return [];
    const objects = await checkAwsPermissions(iam, {
      actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject', 's3:GetObjectVersion'],
      resource: (caller) => `arn:${caller.partition}:s3:::${bucket}/${prefix}*`,
      target: `s3://${bucket}/${prefix}`,
    });
    const listing = await checkAwsPermissions(iam, {
      actions: ['s3:ListBucketVersions'],
      resource: (caller) => `arn:${caller.partition}:s3:::${bucket}`,
      target: `bucket ${bucket}`,
    });
    return [...objects, ...listing];
  };
}
