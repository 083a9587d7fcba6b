/**
 * The live half of the Slack connector. Building makes the Web API client only: Slack is first
 * asked when the connector is probed or a message is posted. Its role object is that client with
 * the section's settings, for the notify action.
 */
import type { LiveModule, LiveSystem } from '../definition';
import type { SlackPoster } from '../message-roles';
import { SLACK_CONNECTOR, createSlackClient, type SlackSettings } from './client';
import { slackPermissionProbe } from './permissions';
import { slackConnector } from './probes';

export const build: LiveModule<SlackSettings>['build'] = (settings, shared): LiveSystem<SlackPoster> => {
  const client = createSlackClient(settings, shared.logger.child({ connector: SLACK_CONNECTOR }));
  return { connector: { ...slackConnector(client, settings), permissionProbe: slackPermissionProbe(client) }, roles: { client, settings } };
};
