/**
 * CloudWatch Logs as an evidence source: `evidence.collect` with `source: cloudwatch-logs` copies
 * the events matching the step's `query` (a filter pattern) over its window, one artifact per log
 * group. Uses the shared `aws` section's credentials.
 */
import { defineConnector } from '../definition';
import { CLOUDWATCH_LOGS_CONNECTOR } from './connector-id';
import { CloudWatchLogsSettings } from './settings';

export const cloudwatchLogs = defineConnector({
  id: CLOUDWATCH_LOGS_CONNECTOR,
  title: 'AWS CloudWatch Logs',
  settings: { path: ['evidence', 'sources', 'cloudwatch-logs'], schema: CloudWatchLogsSettings, secrets: [], requires: [['aws']], listLimits: [['log_groups']] },
  roles: { 'evidence-source': 'events matching `query` (a filter pattern) over the window, one artifact per log group' },
  live: () => import('./live'),
});
