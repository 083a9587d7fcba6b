/**
 * CloudTrail as an evidence source: `evidence.collect` with `source: cloudtrail` copies the event
 * history (LookupEvents) over the step's window. Uses the shared `aws` section's credentials.
 */
import { defineConnector } from '../definition';
import type { EvidenceConnectorNeeds } from '../evidence-roles';
import { CLOUDTRAIL_CONNECTOR } from './connector-id';
import { lookupAttribute } from './lookup-attribute';
import { CloudTrailSettings, type CloudTrailConfig } from './settings';

const needs: EvidenceConnectorNeeds<CloudTrailConfig> = (_action, params) => {
  const { problem } = lookupAttribute(params);
  return problem ? [problem] : [];
};

export const cloudtrail = defineConnector({
  id: CLOUDTRAIL_CONNECTOR,
  title: 'AWS CloudTrail',
  settings: { path: ['evidence', 'sources', 'cloudtrail'], schema: CloudTrailSettings, secrets: [], requires: [['aws']] },
  roles: { 'evidence-source': 'event history (LookupEvents) over the window, by `principal` (Username) or one `Key=Value` attribute in `query`' },
  needs,
  live: () => import('./live'),
});
