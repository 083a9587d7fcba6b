/**
 * `quell doctor`'s Slack app rows: whether `npm start` runs the app and with which receiver (HTTP
 * on host:port, or Socket Mode), the settings the app refuses to start with, and which secret
 * references it uses. Secrets are named by where they come from (`env:NAME`, `file:PATH`), never
 * by value; they resolved already, or the connectors file would not have loaded.
 */
import type { Secret } from '../../config/secret';
import { SLACK_EVENTS_PATH, SlackAppConfigError, slackAppSettings, type SlackAppSettings } from '../../config/slack-app';
import type { SlackSettings } from '../../connectors/slack/client';
import type { DoctorRow } from './row';

export const SLACK_APP_CHECK = 'slack-app';
const DESCRIPTION = 'Slack app (/quell, buttons, App Home) run by npm start';

export function slackAppRows(slack: SlackSettings | undefined): DoctorRow[] {
  if (!slack) return [];
  const row = (name: string, ok: boolean, detail: string): DoctorRow => ({ connector: SLACK_APP_CHECK, description: DESCRIPTION, name, ok, detail });
  let settings: SlackAppSettings | undefined;
  try {
    settings = slackAppSettings(slack);
  } catch (error) {
    if (!(error instanceof SlackAppConfigError)) throw error;
    // "invalid Slack app settings:\n  - problem\n  - problem": one row per problem.
    const problems = error.message.split('\n').slice(1).map((line) => line.replace(/^\s*-\s*/, ''));
    return problems.map((problem) => row('settings', false, problem));
  }
  if (!settings) {
    return [row('receiver', true, 'off: the slack section has neither signing_secret (HTTP) nor app_token (Socket Mode), so /quell and the buttons are not served; runs still post to Slack')];
  }
  const receiver =
    settings.receiver === 'socket-mode'
      ? `Socket Mode: connects out to Slack with slack.app_token, no public address needed${settings.signingSecret ? ' (signing_secret is set but unused: app_token wins)' : ''}`
      : `HTTP on ${settings.listen.host}:${settings.listen.port === 0 ? '<any free port>' : settings.listen.port}: Slack must reach ${SLACK_EVENTS_PATH} there (through your TLS proxy, at the manifest's URL)`;
  const secrets: Array<[string, Secret | undefined]> = [
    ['bot_token', settings.botToken],
    ['signing_secret', settings.signingSecret],
    ['app_token', settings.appToken],
  ];
  const resolved = secrets.filter((entry): entry is [string, Secret] => entry[1] !== undefined).map(([name, secret]) => `${name} (${secret.source})`);
  return [row('receiver', true, receiver), row('secrets', true, `resolved: ${resolved.join(', ')}`)];
}
