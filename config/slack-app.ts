/**
 * The Slack app's settings, taken from the connectors file's `slack:` section (the same section
 * the publisher and `notify` use, so one bot token serves all of them). Here in config/ because
 * three readers need them: the worker (to decide whether to run the app), the app itself and
 * `quell doctor`.
 *
 * The app runs only when the section has a `signing_secret` (HTTP: Slack calls us) or an
 * `app_token` (Socket Mode: we call Slack). Problems are reported as {@link SlackAppConfigError}
 * naming the setting, so `npm start` can exit 2 with a message that says what to fix.
 */
import type { Secret } from './secret';

export const DEFAULT_LISTEN_HOST = '127.0.0.1';
export const DEFAULT_LISTEN_PORT = 3000;
/** Slack posts commands, interactions and events to this one path (manifest.yml says so too). */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAppSettings {
  botToken: Secret;
  /** The incident channel runs are published in (for "follow it in #channel"). */
  channel: string;
  /** HTTP mode: verifies every request. */
  signingSecret?: Secret;
  /** Socket Mode: when set, the app connects out and never listens. */
  appToken?: Secret;
  /** Web API base (the fake Slack in tests); Slack's own when absent. */
  apiUrl?: string;
  receiver: 'http' | 'socket-mode';
  listen: { host: string; port: number };
}

/**
 * The parts of the loaded `slack:` section (secrets resolved) the app reads. Described here by
 * shape rather than imported: the section's schema lives with the Slack connector, a layer above
 * config/, and any loaded section fits this.
 */
export interface SlackAppSection {
  bot_token: Secret;
  channel: string;
  api_url?: string;
  signing_secret?: Secret;
  app_token?: Secret;
  listen?: { host?: string; port?: number };
}

export class SlackAppConfigError extends Error {
  override readonly name = 'SlackAppConfigError';
}

/** undefined when the section does not ask for the app (neither signing_secret nor app_token). */
export function slackAppSettings(section: SlackAppSection | undefined): SlackAppSettings | undefined {
  if (!section || (!section.signing_secret && !section.app_token)) return undefined;
  const problems: string[] = [];
  // An app-level token is the only kind Socket Mode accepts; a bot token pasted here is the
  // usual mistake, and Slack would only answer with an opaque `not_allowed_token_type` later.
  if (section.app_token && !section.app_token.reveal().startsWith('xapp-')) {
    problems.push(`slack.app_token (${section.app_token.source}) is not an app-level token: it must start with xapp- (Basic Information → App-Level Tokens, scope connections:write)`);
  }
  if (section.bot_token.reveal().startsWith('xapp-')) {
    problems.push(`slack.bot_token (${section.bot_token.source}) is an app-level token; the bot token starts with xoxb- (OAuth & Permissions)`);
  }
  if (problems.length > 0) throw new SlackAppConfigError(`invalid Slack app settings:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  return {
    botToken: section.bot_token,
    channel: section.channel,
    ...(section.signing_secret ? { signingSecret: section.signing_secret } : {}),
    ...(section.app_token ? { appToken: section.app_token } : {}),
    ...(section.api_url ? { apiUrl: section.api_url } : {}),
    receiver: section.app_token ? 'socket-mode' : 'http',
    listen: { host: section.listen?.host ?? DEFAULT_LISTEN_HOST, port: section.listen?.port ?? DEFAULT_LISTEN_PORT },
  };
}
