/**
 * Posts one notification to one Slack conversation, at most once per delivery key.
 *
 * Slack has no idempotency key for chat.postMessage, so Quell combines two things:
 * - the delivery log (./delivery-log.ts): a retry that finds the post recorded sends nothing;
 * - message metadata: every post carries `event_type: quell_notification` with its delivery id.
 *   When the previous attempt ended without a clear answer (a crash, a timeout, a 5xx that Slack
 *   may have sent after storing the message), the conversation's recent history is searched for
 *   that delivery id before posting again. A clear refusal (429, an error code) needs no search.
 * What remains: a target given by name rather than id cannot be searched (conversations.history
 * takes ids only), nor can a conversation whose history the token may not read; those are posted
 * again after an uncertain attempt (with a warning in the log). Workers that do not share a data
 * folder do not share the log.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { ErrorType } from '../../common/errors';
import { deliverOnce, type DeliveryOutcome, type SendResult } from './deliver-once';
import type { DeliveryLog } from './delivery-log';
import { SLACK_CONNECTOR } from '../../connectors/slack/client';
import { slackFailure } from '../../connectors/slack/failures';

/** `metadata.event_type` of every message Quell posts. */
export const NOTIFICATION_EVENT_TYPE = 'quell_notification';

/** Conversation ids (public, private, DM, multi-DM); names like `#incident` are not. */
const CONVERSATION_ID = /^[CGDZ][A-Z0-9]{2,}$/;
const HISTORY_PAGES = 10;
/** Slack's clock and ours may differ a little; search from a bit before the first attempt. */
const HISTORY_SLACK_S = 120;

export interface SlackNotification {
  /** Key in the delivery log: the step's idempotency key plus the target. */
  key: string;
  deliveryId: string;
  /** Conversation id or name. */
  target: string;
  text: string;
  workflowId: string;
  stepId: string;
}

/** Posts `notification` unless it was posted before; throws classified failures. */
export async function postNotification(client: WebClient, log: DeliveryLog, logger: Logger, notification: SlackNotification): Promise<DeliveryOutcome> {
  const site = { connector: SLACK_CONNECTOR, operation: `post ${notification.deliveryId} to ${notification.target}` };
  return deliverOnce(
    log,
    notification.key,
    () => ({ delivery_id: notification.deliveryId, target: notification.target, first_attempt_at: new Date().toISOString() }),
    async (plan, outcomeUnknownBefore): Promise<SendResult> => {
      if (outcomeUnknownBefore) {
        const found = await findEarlierPost(client, logger, notification, String(plan.first_attempt_at));
        if (found) return { receipt: { channel_id: notification.target, ts: found, found_in_history: true }, alreadyThere: true };
      }
      try {
        const posted = await client.chat.postMessage({
          channel: notification.target,
          text: notification.text,
          unfurl_links: false,
          unfurl_media: false,
          metadata: {
            event_type: NOTIFICATION_EVENT_TYPE,
            event_payload: { delivery_id: notification.deliveryId, workflow_id: notification.workflowId, step_id: notification.stepId },
          },
        });
        return { receipt: { channel_id: posted.channel ?? notification.target, ts: posted.ts ?? '' } };
      } catch (error) {
        throw slackFailure(site, error);
      }
    },
  );
}

/** The `ts` of a message carrying this delivery id, posted since the first attempt; undefined if none. */
async function findEarlierPost(client: WebClient, logger: Logger, notification: SlackNotification, firstAttemptAt: string): Promise<string | undefined> {
  if (!CONVERSATION_ID.test(notification.target)) {
    logger.warn({ target: notification.target, deliveryId: notification.deliveryId }, 'an earlier attempt may have posted; the target is a name, so it cannot be looked up: posting again');
    return undefined;
  }
  const oldest = String(Math.floor(Date.parse(firstAttemptAt) / 1000) - HISTORY_SLACK_S);
  let cursor: string | undefined;
  try {
    for (let page = 0; page < HISTORY_PAGES; page += 1) {
      const history = await client.conversations.history({
        channel: notification.target,
        oldest,
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      const match = history.messages?.find(
        (message) =>
          message.metadata?.event_type === NOTIFICATION_EVENT_TYPE &&
          (message.metadata.event_payload as Record<string, unknown> | undefined)?.delivery_id === notification.deliveryId,
      );
      if (match?.ts) return match.ts;
      cursor = history.response_metadata?.next_cursor || undefined;
      if (!history.has_more || !cursor) return undefined;
    }
    return undefined;
  } catch (error) {
    const failure = slackFailure({ connector: SLACK_CONNECTOR, operation: `look for ${notification.deliveryId} in ${notification.target}` }, error);
    // Throttling or an outage: try the whole thing again later rather than risk a duplicate.
    if (failure.type === ErrorType.Throttled || failure.type === ErrorType.Unavailable) throw failure;
    logger.warn({ err: failure, deliveryId: notification.deliveryId }, 'cannot read the conversation history to rule out an earlier post: posting again');
    return undefined;
  }
}
