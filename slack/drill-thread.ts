/**
 * Where a drill can be followed in Slack: its run posts a root message in the incident channel
 * (marked EXERCISE) and threads everything under it. Right after a start that message may not be
 * out yet, so the start waits a few seconds for it; a status only looks once.
 */
import type { WebClient } from '@slack/web-api';
import { getRunState } from '../client/runs';
import type { AppContext } from './context';
import type { DrillThread } from './drill-text';
import { slackError } from './reply';

const POLL_MS = 250;
/** How long a start waits for its run's first message, so the reply can link the thread. */
export const START_WAIT_MS = 5_000;
/** Slack's permalinks are https URLs; anything else is not put into a link. */
const PERMALINK = /^https:\/\/[^\s<>|]+$/;

export async function drillThread(ctx: AppContext, client: WebClient, runWorkflowId: string, waitMs: number): Promise<DrillThread> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const root = await rootMessage(ctx, runWorkflowId);
    if (root) return { channel: root.channel, ...(await permalinkOf(ctx, client, root)) };
    if (Date.now() + POLL_MS > deadline) return { channel: ctx.settings.channel };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function rootMessage(ctx: AppContext, runWorkflowId: string): Promise<{ channel: string; ts: string } | undefined> {
  try {
    return (await getRunState(ctx.temporal, runWorkflowId)).slack;
  } catch (error) {
    // Not started yet, or Temporal slow to answer: the reply then names the channel only.
    ctx.logger.debug({ err: error, runWorkflowId }, 'drill run not readable yet');
    return undefined;
  }
}

async function permalinkOf(ctx: AppContext, client: WebClient, root: { channel: string; ts: string }): Promise<{ permalink?: string }> {
  try {
    const answer = await client.chat.getPermalink({ channel: root.channel, message_ts: root.ts });
    return answer.permalink && PERMALINK.test(answer.permalink) ? { permalink: answer.permalink } : {};
  } catch (error) {
    ctx.logger.debug({ err: slackError(error), channel: root.channel }, 'permalink of the drill run’s message not available');
    return {};
  }
}
