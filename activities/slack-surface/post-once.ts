/**
 * Posts one message of a run's Slack presence (the root message, or a message in its thread) at
 * most once per delivery key. The same two safeguards as `notify` (../notify/slack/post-notification.ts):
 * the delivery log makes a retry after a recorded post a no-op, and every post carries its
 * delivery id as message metadata, so after an attempt that ended without a clear answer (a crash,
 * a timeout, a 5xx after Slack stored the message) the conversation is searched for that id
 * before posting again. Thread messages are searched with conversations.replies, because
 * conversations.history does not list replies.
 *
 * What remains uncertain is documented there: a channel given by name cannot be searched, and
 * workers that do not share a data folder do not share the log.
 */
import type { KnownBlock } from '@slack/web-api';
import { ErrorType } from '../../common/errors';
import { deliverOnce, type SendResult } from '../notify/deliver-once';
import { stableId } from '../notify/delivery-id';
import { SLACK_CONNECTOR } from '../../connectors/slack/client';
import { slackFailure } from '../../connectors/slack/failures';
import type { SlackSurface } from './surface';

/** `metadata.event_type` of the run's root and thread messages. */
export const RUN_MESSAGE_EVENT_TYPE = 'quell_run_message';

const CONVERSATION_ID = /^[CGDZ][A-Z0-9]{2,}$/;
const SEARCH_PAGES = 10;
/** Slack's clock and ours may differ a little; search from a bit before the first attempt. */
const SEARCH_SLACK_S = 120;

export interface RunMessage {
  /** Delivery key (stable across retries and replays of the workflow). */
  key: string;
  channel: string;
  /** Root message ts for thread messages; absent for the root itself. */
  threadTs?: string;
  workflowId: string;
  /** What the message is, for people reading metadata (`root`, `events`, `approval`…). */
  part: string;
  text: string;
  blocks: KnownBlock[];
}

export interface PostedMessage {
  channel: string;
  ts: string;
  /** True when nothing new was posted (recorded before, or found in the conversation). */
  alreadyDone: boolean;
}

/** Posts `message` unless it was posted before; throws classified failures. */
export async function postRunMessageOnce(surface: SlackSurface, message: RunMessage): Promise<PostedMessage> {
  const deliveryId = stableId('QS', [message.key], 12);
  const site = { connector: SLACK_CONNECTOR, operation: `post ${message.part} ${deliveryId} to ${message.channel}` };
  const outcome = await deliverOnce(
    surface.log,
    message.key,
    () => ({ delivery_id: deliveryId, channel: message.channel, first_attempt_at: new Date().toISOString() }),
    async (plan, outcomeUnknownBefore): Promise<SendResult> => {
      if (outcomeUnknownBefore) {
        const found = await findEarlierPost(surface, message, deliveryId, String(plan.first_attempt_at));
        if (found) return { receipt: { channel: message.channel, ts: found, found_in_history: true }, alreadyThere: true };
      }
      try {
        const posted = await surface.client.chat.postMessage({
          channel: message.channel,
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: {
            event_type: RUN_MESSAGE_EVENT_TYPE,
            event_payload: { delivery_id: deliveryId, workflow_id: message.workflowId, part: message.part },
          },
        });
        return { receipt: { channel: posted.channel ?? message.channel, ts: posted.ts ?? '' } };
      } catch (error) {
        throw slackFailure(site, error);
      }
    },
  );
  return { channel: String(outcome.receipt.channel), ts: String(outcome.receipt.ts), alreadyDone: outcome.alreadyDone };
}

/** The `ts` of a message carrying this delivery id, posted since the first attempt; undefined if none. */
async function findEarlierPost(surface: SlackSurface, message: RunMessage, deliveryId: string, firstAttemptAt: string): Promise<string | undefined> {
  if (!CONVERSATION_ID.test(message.channel)) {
    surface.logger.warn({ channel: message.channel, deliveryId }, 'an earlier attempt may have posted; the channel is a name, so it cannot be searched: posting again');
    return undefined;
  }
  const oldest = String(Math.floor(Date.parse(firstAttemptAt) / 1000) - SEARCH_SLACK_S);
  let cursor: string | undefined;
  try {
    for (let page = 0; page < SEARCH_PAGES; page += 1) {
      const common = { channel: message.channel, oldest, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
      const answer = message.threadTs
        ? await surface.client.conversations.replies({ ...common, ts: message.threadTs })
        : await surface.client.conversations.history(common);
      const match = answer.messages?.find(
        (candidate) =>
          candidate.metadata?.event_type === RUN_MESSAGE_EVENT_TYPE &&
          (candidate.metadata.event_payload as Record<string, unknown> | undefined)?.delivery_id === deliveryId,
      );
      if (match?.ts) return match.ts;
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!answer.has_more || !cursor) return undefined;
    }
    return undefined;
  } catch (error) {
    const failure = slackFailure({ connector: SLACK_CONNECTOR, operation: `look for ${deliveryId} in ${message.channel}` }, error);
    // Throttled or down: try the whole attempt again later rather than risk a duplicate.
    if (failure.type === ErrorType.Throttled || failure.type === ErrorType.Unavailable) throw failure;
    surface.logger.warn({ err: failure, deliveryId }, 'cannot read the conversation to rule out an earlier post: posting again');
    return undefined;
  }
}
