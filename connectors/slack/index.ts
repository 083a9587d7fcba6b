/**
 * A Slack workspace: `notify` posts there (the default channel, also used for the engine's
 * reminders and escalations), approver groups may be Slack user groups, and the Slack app
 * (activities/slack-surface, slack/) talks to people through the same section.
 */
import { defineConnector } from '../definition';
import { SlackSection } from './settings';
import { CREDENTIAL_ADVICE } from '../../config/http-url';

export const slack = defineConnector({
  id: 'slack',
  title: 'Slack',
  settings: { path: ['slack'], schema: SlackSection, secrets: ['bot_token', 'signing_secret', 'app_token'], credentialAdvice: CREDENTIAL_ADVICE.slack },
  roles: {
    'notify-channel': 'the default for `notify` and for reminders and escalations: posts to `to` or the configured channel; after an uncertain attempt, looks in the history before posting again',
  },
  live: () => import('./live'),
});
