/**
 * Every AWS system (IAM, security groups, S3, CloudWatch Logs, CloudTrail) uses the one `aws`
 * section of the connectors file; their SDK clients are built once per live setup and shared.
 */
import type { Resolved } from '../../config/secret';
import type { SharedLive } from '../definition';
import { createAwsClients, type AwsClients } from './clients';
import type { AwsConfig } from './settings';

export function awsClientsFor(shared: SharedLive): AwsClients {
  return shared.shared('aws-clients', () => {
    const settings = shared.settingsAt(['aws']) as Resolved<AwsConfig> | undefined;
    if (!settings) throw new Error('an AWS connector was built without the `aws` section');
    return createAwsClients(settings);
  });
}
