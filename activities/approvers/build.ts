/**
 * Builds the worker's approver setup from the approvers file and the connectors file's Slack
 * section (whose bot token reads Slack user groups).
 */
import type { Logger } from 'pino';
import { createSlackClient, type SlackSettings } from '../../connectors/slack/client';
import { loadApproversConfigOrThrow } from '../../config/approvers-file';
import type { ApproversSetup } from './resolve';
import { slackUsergroupReader } from '../../connectors/slack/usergroups';

/**
 * undefined without an approvers file (open policy).
 * @throws ApproversConfigError listing every problem of the file (file:line:col).
 */
export function buildApproversSetup(approversFile: string | undefined, slack: SlackSettings | undefined, logger: Logger): ApproversSetup | undefined {
  if (!approversFile) return undefined;
  const config = loadApproversConfigOrThrow(approversFile, { slackConfigured: slack !== undefined });
  return {
    config,
    ...(config.usesSlackUsergroups && slack ? { slack: slackUsergroupReader(createSlackClient(slack, logger), config.membershipCacheMs) } : {}),
  };
}
