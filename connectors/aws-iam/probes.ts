/** The `aws-iam` connector as `quell doctor` and the live-readiness check see it. */
import { ListUsersCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Resolved } from '../../config/secret';
import { awsProbe, awsWhereabouts } from '../aws/probe';
import type { AwsConfig } from '../aws/settings';
import type { Connector } from '../connector';
import { AWS_IAM_CONNECTOR } from './connector-id';

/** Probes that the credentials are accepted and may list IAM users. */
export function createAwsIamConnector(config: Resolved<AwsConfig>, iam: IAMClient): Connector {
  return {
    id: AWS_IAM_CONNECTOR,
    description: `AWS IAM (${awsWhereabouts(config)})`,
    async check() {
      return [
        await awsProbe(AWS_IAM_CONNECTOR, 'iam:ListUsers', async () => {
          await iam.send(new ListUsersCommand({ MaxItems: 1 }));
          return 'credentials accepted; users can be listed';
        }),
      ];
    },
  };
}
