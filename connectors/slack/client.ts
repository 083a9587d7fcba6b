/**
 * The Slack Web API client Quell posts with. Temporal owns retries and backoff: the WebClient's
 * own retry loop (ten retries over half an hour by default) is switched off and a 429 is handed
 * back at once with its Retry-After, so one activity attempt is exactly one HTTP request and the
 * activity's retry policy (and Temporal's `nextRetryDelay`) decides when to try again.
 */
import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from 'pino';
import { scrubSecrets, type Resolved } from '../../config/secret';
import type { SlackConfig } from './settings';

/** The `slack` section as loaded, secrets resolved. */
export type SlackSettings = Resolved<SlackConfig>;

/** The connector id Slack failures are reported under. */
export const SLACK_CONNECTOR = 'slack';

const REQUEST_TIMEOUT_MS = 20_000;

export function createSlackClient(settings: SlackSettings, logger: Logger): WebClient {
  return new WebClient(settings.bot_token.reveal(), {
    ...(settings.api_url ? { slackApiUrl: settings.api_url } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: REQUEST_TIMEOUT_MS,
    logger: slackLogAdapter(logger),
  });
}

/**
 * Routes the WebClient's own log lines into the worker's pino logger. Its warnings repeat what the
 * classified failure already says (and the activity logs that), so they are kept at debug level.
 * At debug it logs Slack's answers verbatim, so loaded secret values are scrubbed from every line.
 */
function slackLogAdapter(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => scrubSecrets(parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' '));
  return {
    debug: (...parts: unknown[]) => logger.debug(text(parts)),
    info: (...parts: unknown[]) => logger.debug(text(parts)),
    warn: (...parts: unknown[]) => logger.debug(text(parts)),
    error: (...parts: unknown[]) => logger.warn(text(parts)),
    setLevel: (next: LogLevel) => void (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}
