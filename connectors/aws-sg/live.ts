/**
 * The live half of the aws-sg connector: egress blocks on security groups and instance
 * quarantine. Building does no I/O: the probes call EC2 only when checked, the handlers only when
 * a step runs. The SDK clients are shared with the other AWS connectors.
 */
import type { Resolved } from '../../config/secret';
import { awsClientsFor } from '../aws/shared-clients';
import type { AwsConfig } from '../aws/settings';
import type { LiveModule } from '../definition';
import { createAwsSgEgressBlock } from './block';
import { AWS_SG_CONNECTOR } from './connector-id';
import { awsSgPermissionProbe } from './permissions';
import { createAwsSgConnector } from './probes';
import { createAwsSgEgressUnblock } from './unblock';

export const build: LiveModule<Resolved<AwsConfig>>['build'] = (settings, shared) => {
  const { ec2, iam } = awsClientsFor(shared);
  const logger = shared.logger.child({ connector: AWS_SG_CONNECTOR });
  const quarantineGroup = settings.quarantine_security_group;
  return {
    connector: { ...createAwsSgConnector(settings, ec2), permissionProbe: awsSgPermissionProbe(iam, settings.region) },
    handlers: {
      'egress.block': createAwsSgEgressBlock({ ec2, logger, ...(quarantineGroup ? { quarantineGroup } : {}) }),
      'egress.unblock': createAwsSgEgressUnblock({ ec2, logger }),
    },
  };
};
