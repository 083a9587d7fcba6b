/** The live half of the IAM credential report evidence source. Building does no I/O. */
import { awsClientsFor } from '../aws/shared-clients';
import type { LiveModule, LiveSystem } from '../definition';
import { probingConnector } from '../evidence-io/probing';
import type { EvidenceSource } from '../evidence-roles';
import { IAM_CREDENTIAL_REPORT_CONNECTOR } from './connector-id';
import { credentialReportPermissionProbe } from './permissions';
import type { IamCredentialReportConfig } from './settings';
import { IamCredentialReportSource } from './source';

export const build: LiveModule<IamCredentialReportConfig>['build'] = (_settings, shared): LiveSystem<EvidenceSource> => {
  const { iam } = awsClientsFor(shared);
  const source = new IamCredentialReportSource(iam);
  return {
    connector: {
      ...probingConnector(IAM_CREDENTIAL_REPORT_CONNECTOR, `evidence source: ${source.description}`, () => source.check()),
      permissionProbe: credentialReportPermissionProbe(iam),
    },
    roles: source,
  };
};
