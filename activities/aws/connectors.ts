/**
 * The AWS family's connectors, as `quell doctor` and the live-readiness check see them. Probes are
 * read-only calls that need the same credentials (and, for EC2, the same service) as the actions,
 * so refused keys or a missing permission show up before a run starts, not half-way through it.
 */
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import type { Resolved } from '../live/config-file';
import type { AwsConfig } from '../live/config-schema';
import type { Connector, ConnectorProbe } from '../live/connector';
import type { AwsClients } from './clients';
import { AWS_IAM_CONNECTOR, AWS_SG_CONNECTOR } from './connector-ids';
import { classifyAwsError } from './errors';

/** Runs one probe call; never rejects (a failure becomes a failing probe with the classified reason). */
async function probe(connector: string, name: string, call: () => Promise<string>): Promise<ConnectorProbe> {
  try {
    return { name, ok: true, detail: await call() };
  } catch (error) {
    return { name, ok: false, detail: classifyAwsError({ connector, operation: name }, error).message };
  }
}

/** Where the connector is and where its credentials come from (the secret's source, never its value). */
function whereabouts(config: Resolved<AwsConfig>): string {
  const endpoint = config.endpoint ? ` via ${config.endpoint}` : '';
  const credentials = config.access_key_id ? `keys from ${config.access_key_id.source}` : 'the default credential chain';
  return `region ${config.region}${endpoint}, ${credentials}`;
}

/** `aws-iam`: probes that the credentials are accepted and may list IAM users. */
export function createAwsIamConnector(config: Resolved<AwsConfig>, clients: AwsClients): Connector {
  return {
    id: AWS_IAM_CONNECTOR,
    description: `AWS IAM (${whereabouts(config)})`,
    async check() {
      return [
        await probe(AWS_IAM_CONNECTOR, 'iam:ListUsers', async () => {
          await clients.iam.send(new ListUsersCommand({ MaxItems: 1 }));
          return 'credentials accepted; users can be listed';
        }),
      ];
    },
  };
}

/** `aws-sg`: probes that security groups can be read and, when configured, that the quarantine group exists. */
export function createAwsSgConnector(config: Resolved<AwsConfig>, clients: AwsClients): Connector {
  const quarantine = config.quarantine_security_group;
  return {
    id: AWS_SG_CONNECTOR,
    description: `AWS EC2 security groups (${whereabouts(config)}${quarantine ? `, quarantine group ${quarantine}` : ''})`,
    async check() {
      const probes = [
        await probe(AWS_SG_CONNECTOR, 'ec2:DescribeSecurityGroups', async () => {
          await clients.ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));
          return 'credentials accepted; security groups can be read';
        }),
      ];
      if (quarantine) {
        probes.push(
          await probe(AWS_SG_CONNECTOR, 'quarantine security group', async () => {
            const found = await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [quarantine] }));
            const group = found.SecurityGroups?.[0];
            return `${quarantine} exists (${group?.GroupName ?? 'unnamed'} in ${group?.VpcId ?? 'no VPC'})`;
          }),
        );
      }
      return probes;
    },
  };
}
