/**
 * Routes Bolt's and its WebClient's log lines into Quell's pino logger. Bolt logs free text
 * (sometimes with request bodies at debug level, and Slack's answers verbatim), which pino's
 * key-based redaction cannot see into, so response URLs and loaded secret values are masked here;
 * the process logger (worker/logger.ts) masks token shapes as a second net.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { scrubSecrets } from '../config/secret';

const RESPONSE_URL = /https:\/\/hooks\.slack\.com\/[^\s"'\\]+/g;
const RESPONSE_URL_FIELD = /("?response_url"?\s*[:=]\s*"?)[^\s"&,}]+/g;
// Slack's legacy verification token rides in every payload (`"token":"…"`, `token=…`); anyone
// holding it could pass as Slack to apps that still check it. Bare `token` only, not bot_token.
const VERIFICATION_TOKEN_FIELD = /((?:^|[\s"&{,?])"?token"?\s*[:=]\s*"?)[^\s"&,}]+/g;

/**
 * Masks Slack response URLs (each one can post into a conversation for 30 minutes) and the
 * verification token that payloads carry.
 */
export function maskResponseUrls(text: string): string {
  return text.replace(RESPONSE_URL_FIELD, '$1[REDACTED]').replace(RESPONSE_URL, '[REDACTED]').replace(VERIFICATION_TOKEN_FIELD, '$1[REDACTED]');
}

export function boltLogger(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    scrubSecrets(maskResponseUrls(parts.map((part) => (typeof part === 'string' ? part : part instanceof Error ? (part.stack ?? part.message) : safeJson(part))).join(' ')));
  return {
    debug: (...parts: unknown[]) => logger.debug(text(parts)),
    info: (...parts: unknown[]) => logger.debug(text(parts)),
    warn: (...parts: unknown[]) => logger.warn(text(parts)),
    error: (...parts: unknown[]) => logger.error(text(parts)),
    setLevel: (next: LogLevel) => void (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
