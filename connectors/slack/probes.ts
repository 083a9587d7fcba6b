/**
 * The `slack` connector: `auth.test` proves the API answers and accepts the bot token, and names
 * the workspace and bot the messages will come from.
 */
import type { WebClient } from '@slack/web-api';
import type { Connector } from '../connector';
import { SLACK_CONNECTOR, type SlackSettings } from './client';
import { slackFailure } from './failures';

/** The connector for the configured Slack workspace; `check()` never rejects and posts nothing. */
export function slackConnector(client: WebClient, settings: SlackSettings): Connector {
  return {
    id: SLACK_CONNECTOR,
    description: `Slack Web API ${settings.api_url ?? 'https://slack.com/api/'}, default channel ${settings.channel}`,
    async check() {
      try {
        const identity = await client.auth.test();
        const bot = identity.bot_id ? ` (bot ${identity.bot_id})` : '';
        return [{ name: 'auth.test', ok: true, detail: `workspace ${identity.team ?? identity.team_id ?? '?'} as ${identity.user ?? identity.user_id ?? '?'}${bot}` }];
      } catch (error) {
        return [{ name: 'auth.test', ok: false, detail: slackFailure({ connector: SLACK_CONNECTOR, operation: 'auth.test' }, error).message }];
      }
    },
  };
}
