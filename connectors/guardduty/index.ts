/**
 * Amazon GuardDuty as an evidence source: `evidence.collect` with `source: guardduty` copies the
 * findings updated over the step's window (optionally only the `principal`'s), one artifact per
 * detector of the region. Uses the shared `aws` section's credentials and region.
 */
import { defineConnector } from '../definition';
import type { EvidenceConnectorNeeds } from '../evidence-roles';
import { GUARDDUTY_CONNECTOR } from './connector-id';
import { guardDutyProblems } from './finding-criteria';
import { GuardDutySettings, type GuardDutyConfig } from './settings';

const needs: EvidenceConnectorNeeds<GuardDutyConfig> = (_action, params) => guardDutyProblems(params);

export const guardduty = defineConnector({
  id: GUARDDUTY_CONNECTOR,
  title: 'Amazon GuardDuty',
  settings: { path: ['evidence', 'sources', 'guardduty'], schema: GuardDutySettings, secrets: [], requires: [['aws']] },
  roles: { 'evidence-source': 'findings updated over the window (ListFindings, GetFindings), by `principal` (the access key\'s IAM user name), one artifact per detector' },
  needs,
  live: () => import('./live'),
});
