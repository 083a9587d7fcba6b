/**
 * The AWS family: IAM credential and session revocation (`aws-iam`), security-group egress blocking
 * (`aws-sg`) and the `aws-iam` access-report probe, all from the connectors file's `aws` section.
 */
import { createAwsIamCredentialsRevoke } from '../credentials/aws-iam';
import { createAwsSgEgressBlock, createAwsSgEgressUnblock } from '../egress/aws-sg';
import type { LiveFamily } from '../live/contribution';
import { createAwsIamConnector, createAwsSgConnector } from './connectors';
import { createAwsIamAccessProbe } from './iam/access-probe';
import { createAwsIamSessionsRevoke } from './iam/sessions-revoke';

/**
 * Contributes nothing without an `aws` section. Building does no I/O: the connectors probe only
 * when checked, and the handlers call AWS only when a step runs.
 */
export const awsFamily: LiveFamily = (config, shared) => {
  if (!config.aws || !shared.aws) return { connectors: [] };
  const { iam, ec2 } = shared.aws;
  const logger = shared.logger.child({ family: 'aws' });
  const quarantineGroup = config.aws.quarantine_security_group;
  return {
    connectors: [createAwsIamConnector(config.aws, shared.aws), createAwsSgConnector(config.aws, shared.aws)],
    routed: [
      { action: 'credentials.revoke', handler: createAwsIamCredentialsRevoke({ iam, logger }) },
      { action: 'sessions.revoke', handler: createAwsIamSessionsRevoke({ iam, logger }) },
      { action: 'egress.block', handler: createAwsSgEgressBlock({ ec2, logger, ...(quarantineGroup ? { quarantineGroup } : {}) }) },
      { action: 'egress.unblock', handler: createAwsSgEgressUnblock({ ec2, logger }) },
    ],
    accessProbes: [createAwsIamAccessProbe(iam)],
  };
};
