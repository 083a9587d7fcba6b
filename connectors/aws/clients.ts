/**
 * AWS SDK clients for the live connectors, built once from the `aws` section. The SDK's own
 * retries are off (maxAttempts 1): Temporal owns retries, with the activity's backoff and the
 * failure classification in ./errors, so a refused credential is not retried three times inside
 * every attempt.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import type { Resolved } from '../../config/secret';
import type { AwsConfig } from './settings';

export interface AwsClients {
  readonly region: string;
  readonly endpoint?: string;
  readonly iam: IAMClient;
  readonly ec2: EC2Client;
  readonly s3: S3Client;
  readonly logs: CloudWatchLogsClient;
  readonly cloudtrail: CloudTrailClient;
  readonly guardduty: GuardDutyClient;
}

export function createAwsClients(config: Resolved<AwsConfig>): AwsClients {
  const credentials =
    config.access_key_id && config.secret_access_key
      ? { accessKeyId: config.access_key_id.reveal(), secretAccessKey: config.secret_access_key.reveal() }
      : undefined;
  const common = {
    region: config.region,
    maxAttempts: 1,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
  return {
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    iam: new IAMClient(common),
    ec2: new EC2Client(common),
    // A custom endpoint (moto, LocalStack, a VPC endpoint by IP) cannot do virtual-host buckets.
    s3: new S3Client({ ...common, forcePathStyle: config.endpoint !== undefined }),
    logs: new CloudWatchLogsClient(common),
    cloudtrail: new CloudTrailClient(common),
    guardduty: new GuardDutyClient(common),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  for (const client of [clients.iam, clients.ec2, clients.s3, clients.logs, clients.cloudtrail, clients.guardduty]) client.destroy();
}
