/**
 * How the app answers people: every outcome, refusals and failures included, reaches the person
 * who acted (an ephemeral message where they acted, or a DM when there is no such place). A
 * listener never only logs.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { scrubSecrets } from '../config/secret';
import { QuellClientError } from '../client/runs';
import { LIMIT, escape, truncate } from './text';

/** Where a reply goes: a conversation (and thread) the person was in, or just the person. */
export interface ReplyTarget {
  user: string;
  channel?: string;
  threadTs?: string;
}

/**
 * Posts an ephemeral message to `target.user` in `target.channel`; when that is impossible (the
 * bot is not in the conversation, a DM between two people, no channel at all) it goes to the
 * person's DM with the app instead, so the answer is never lost.
 */
export async function tell(client: WebClient, target: ReplyTarget, text: string, logger: Logger): Promise<void> {
  const message = truncate(text, LIMIT.messageText);
  if (target.channel) {
    try {
      await client.chat.postEphemeral({
        channel: target.channel,
        user: target.user,
        text: message,
        ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
      });
      return;
    } catch (error) {
      logger.debug({ err: slackError(error), channel: target.channel }, 'ephemeral reply failed; sending a direct message instead');
    }
  }
  try {
    await client.chat.postMessage({ channel: target.user, text: message });
  } catch (error) {
    logger.warn({ err: slackError(error), user: target.user }, 'could not reply to the person in Slack');
  }
}

/**
 * The text for a failed request. Quell's own errors already say what happened and what to do;
 * anything else is unexpected, so it is logged in full and the person gets a short notice.
 */
export function failureText(error: unknown, logger: Logger, doing: string): string {
  if (error instanceof QuellClientError || (error instanceof Error && error.name === 'QuellClientError')) {
    const code = (error as QuellClientError).code;
    const icon = code === 'refused' ? ':no_entry:' : code === 'not-found' ? ':grey_question:' : code === 'already-exists' ? ':information_source:' : ':warning:';
    return `${icon} ${escape(error.message)}`;
  }
  logger.error({ err: error }, `Slack: ${doing} failed`);
  return `:warning: Quell could not ${doing} just now (${escape(shortReason(error))}). Try again in a moment; if it keeps failing, tell whoever runs Quell.`;
}

function shortReason(error: unknown): string {
  if (error instanceof Error) {
    if (/UNAVAILABLE|ECONNREFUSED|deadline|timed? ?out/i.test(error.message)) return 'Temporal did not answer';
    return error.name;
  }
  return 'unexpected error';
}

/**
 * A Slack API error without its request details (which may carry tokens in headers), and with
 * every loaded secret value scrubbed from what Slack (or a proxy in between) answered: the result
 * is logged, shown to people and printed by worker/main.ts when the app cannot start.
 */
export function slackError(error: unknown): { message: string; code?: string; error?: string } {
  if (!(error instanceof Error)) return { message: scrubSecrets(String(error)) };
  const data = (error as { data?: { error?: string } }).data;
  const code = (error as { code?: string }).code;
  return { message: scrubSecrets(error.message), ...(code ? { code } : {}), ...(data?.error ? { error: scrubSecrets(data.error) } : {}) };
}
