/** The live half of the CloudWatch Logs evidence source. Building does no I/O. */
import { awsClientsFor } from '../aws/shared-clients';
import type { LiveModule, LiveSystem } from '../definition';
import { probingConnector } from '../evidence-io/probing';
import type { EvidenceSource } from '../evidence-roles';
import { CLOUDWATCH_LOGS_CONNECTOR } from './connector-id';
import { logsPermissionProbe } from './permissions';
import type { CloudWatchLogsConfig } from './settings';
import { CloudWatchLogsSource } from './source';

export const build: LiveModule<CloudWatchLogsConfig>['build'] = (settings, shared): LiveSystem<EvidenceSource> => {
  const { logs, iam, region } = awsClientsFor(shared);
  const source = new CloudWatchLogsSource(logs, settings.log_groups);
  return {
    connector: {
      ...probingConnector(CLOUDWATCH_LOGS_CONNECTOR, `evidence source: ${source.description}`, () => source.check()),
      permissionProbe: logsPermissionProbe(iam, region, settings.log_groups),
    },
    roles: source,
  };
};
