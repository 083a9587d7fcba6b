/**
 * The live half of the aws-iam connector: credential and session revocation, the reversible
 * containment actions (parking keys, denying all access, taking MFA devices off), listing a
 * user's keys, and its answer to the access report. Building does no I/O: the probe calls IAM only when checked, the handlers
 * only when a step runs. The SDK clients are shared with the other AWS connectors.
 */
import type { Resolved } from '../../config/secret';
import { awsClientsFor } from '../aws/shared-clients';
import type { AwsConfig } from '../aws/settings';
import type { LiveModule } from '../definition';
import { createAwsIamAccessDenyAll, createAwsIamAccessRestore } from './access-deny';
import { createAwsIamAccessProbe } from './access-probe';
import { AWS_IAM_CONNECTOR } from './connector-id';
import { createAwsIamCredentialsList } from './credentials-list';
import { createAwsIamCredentialsRevoke } from './credentials-revoke';
import { createAwsIamCredentialsDeactivate, createAwsIamCredentialsReactivate } from './key-parking';
import { createAwsIamMfaDeactivate } from './mfa';
import { awsIamPermissionProbe } from './permissions';
import { createAwsIamConnector } from './probes';
import { createAwsIamSessionsRevoke } from './sessions-revoke';

export const build: LiveModule<Resolved<AwsConfig>>['build'] = (settings, shared) => {
  const { iam } = awsClientsFor(shared);
  const logger = shared.logger.child({ connector: AWS_IAM_CONNECTOR });
  return {
    connector: { ...createAwsIamConnector(settings, iam), permissionProbe: awsIamPermissionProbe(iam) },
    handlers: {
      'credentials.revoke': createAwsIamCredentialsRevoke({ iam, logger }),
      'sessions.revoke': createAwsIamSessionsRevoke({ iam, logger }),
      'credentials.deactivate': createAwsIamCredentialsDeactivate({ iam, logger }),
      'credentials.reactivate': createAwsIamCredentialsReactivate({ iam, logger }),
      'credentials.list': createAwsIamCredentialsList({ iam }),
      'access.deny_all': createAwsIamAccessDenyAll({ iam, logger }),
      'access.restore': createAwsIamAccessRestore({ iam, logger }),
      'mfa.deactivate': createAwsIamMfaDeactivate({ iam, logger }),
    },
    accessProbe: createAwsIamAccessProbe(iam),
  };
};
