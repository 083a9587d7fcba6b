/** The live half of the GuardDuty evidence source. Building does no I/O. */
import { awsClientsFor } from '../aws/shared-clients';
import type { LiveModule, LiveSystem } from '../definition';
import { probingConnector } from '../evidence-io/probing';
import type { EvidenceSource } from '../evidence-roles';
import { GUARDDUTY_CONNECTOR } from './connector-id';
import { guardDutyPermissionProbe } from './permissions';
import type { GuardDutyConfig } from './settings';
import { GuardDutySource } from './source';

export const build: LiveModule<GuardDutyConfig>['build'] = (_settings, shared): LiveSystem<EvidenceSource> => {
  const { guardduty, iam, region } = awsClientsFor(shared);
  const source = new GuardDutySource(guardduty, region);
  return {
    connector: {
      ...probingConnector(GUARDDUTY_CONNECTOR, `evidence source: ${source.description}`, () => source.check()),
      permissionProbe: guardDutyPermissionProbe(iam, region),
    },
    roles: source,
  };
};
