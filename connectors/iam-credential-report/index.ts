/**
 * The AWS IAM credential report as an evidence source: `evidence.collect` with
 * `source: iam-credential-report` keeps the account's credential report (CSV), whole or only the
 * `principal`'s row. Uses the shared `aws` section's credentials.
 */
import { defineConnector } from '../definition';
import type { EvidenceConnectorNeeds } from '../evidence-roles';
import { IAM_CREDENTIAL_REPORT_CONNECTOR } from './connector-id';
import { IamCredentialReportSettings, type IamCredentialReportConfig } from './settings';
import { credentialReportProblems } from './step-params';

const needs: EvidenceConnectorNeeds<IamCredentialReportConfig> = (_action, params) => credentialReportProblems(params);

export const iamCredentialReport = defineConnector({
  id: IAM_CREDENTIAL_REPORT_CONNECTOR,
  title: 'AWS IAM credential report',
  settings: { path: ['evidence', 'sources', 'iam-credential-report'], schema: IamCredentialReportSettings, secrets: [], requires: [['aws']] },
  roles: { 'evidence-source': 'the account credential report (CSV: passwords, MFA, access keys and their last use), whole or only the `principal` row; a snapshot, not a window' },
  needs,
  live: () => import('./live'),
});
