/** The live half of the CloudTrail evidence source. Building does no I/O. */
import { awsClientsFor } from '../aws/shared-clients';
import type { LiveModule, LiveSystem } from '../definition';
import { probingConnector } from '../evidence-io/probing';
import type { EvidenceSource } from '../evidence-roles';
import { CLOUDTRAIL_CONNECTOR } from './connector-id';
import { cloudTrailPermissionProbe } from './permissions';
import type { CloudTrailConfig } from './settings';
import { CloudTrailSource } from './source';

export const build: LiveModule<CloudTrailConfig>['build'] = (_settings, shared): LiveSystem<EvidenceSource> => {
  const { cloudtrail, iam } = awsClientsFor(shared);
  const source = new CloudTrailSource(cloudtrail);
  return {
    connector: {
      ...probingConnector(CLOUDTRAIL_CONNECTOR, `evidence source: ${source.description}`, () => source.check()),
      permissionProbe: cloudTrailPermissionProbe(iam),
    },
    roles: source,
  };
};
