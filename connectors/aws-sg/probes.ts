/** The `aws-sg` connector as `quell doctor` and the live-readiness check see it. */
import { DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Resolved } from '../../config/secret';
import { awsProbe, awsWhereabouts } from '../aws/probe';
import type { AwsConfig } from '../aws/settings';
import type { Connector } from '../connector';
import { AWS_SG_CONNECTOR } from './connector-id';

/** Probes that security groups can be read and, when one is configured, that the quarantine group exists. */
export function createAwsSgConnector(config: Resolved<AwsConfig>, ec2: EC2Client): Connector {
  const quarantine = config.quarantine_security_group;
  return {
    id: AWS_SG_CONNECTOR,
    description: `AWS EC2 security groups (${awsWhereabouts(config)}${quarantine ? `, quarantine group ${quarantine}` : ''})`,
    async check() {
      const probes = [
        await awsProbe(AWS_SG_CONNECTOR, 'ec2:DescribeSecurityGroups', async () => {
          await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));
          return 'credentials accepted; security groups can be read';
        }),
      ];
      if (quarantine) {
        probes.push(
          await awsProbe(AWS_SG_CONNECTOR, 'quarantine security group', async () => {
            const found = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [quarantine] }));
            const group = found.SecurityGroups?.[0];
            return `${quarantine} exists (${group?.GroupName ?? 'unnamed'} in ${group?.VpcId ?? 'no VPC'})`;
          }),
        );
      }
      return probes;
    },
  };
}
