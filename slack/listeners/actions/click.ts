/**
 * What every button listener does around its own work: ack first, parse the payload and the
 * button's value (zod), drop a repeated click, and answer the clicker: an ephemeral message in
 * the card's thread, or, for a click in App Home, Home republished with the outcome on top.
 */
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import type { AppContext } from '../../context';
import { clickUpdateId } from '../../dedupe';
import { publishHome } from '../../home';
import { parseButtonValue } from '../../interaction-values';
import { BlockActionBody } from '../../payloads';
import { failureText, tell, type ReplyTarget } from '../../reply';

export type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;

/**
 * An Update waits for the worker to run it; with the worker down or busy that can take long.
 * After this delay the clicker is told the click is in, so silence is never mistaken for a loss.
 */
const STILL_WORKING_MS = 10_000;
const UNREADABLE = ':warning: Quell cannot read this button (an old or altered message). `/quell status <run id>` shows the run as it is now.';

export interface Click<T> {
  ctx: AppContext;
  client: WebClient;
  body: BlockActionBody;
  user: string;
  actionTs: string;
  /** The button's value, parsed with the contract's schema. */
  value: T;
  /** Temporal update id for this click: a replay of the same click is the same update. */
  updateId: string;
  /** Where a reply to this click goes (undefined: App Home). */
  where?: ReplyTarget;
  answer(text: string): Promise<void>;
}

/**
 * Wraps a click handler: `work` returns the text for the clicker (success), and any error is
 * turned into the explanation they see (a refusal carries the workflow validator's reason).
 */
export function onClick<T>(ctx: AppContext, schema: z.ZodType<T>, doing: string, work: (click: Click<T>) => Promise<string | undefined>) {
  return async ({ ack, body, client, respond }: ActionArgs): Promise<void> => {
    await ack();
    const parsed = BlockActionBody.safeParse(body);
    if (!parsed.success) {
      ctx.logger.warn({ issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }, 'button payload not understood');
      // Who and where cannot be trusted from a payload that does not parse; the click's own
      // response URL (when Slack gave one) still reaches the person who clicked.
      await respond?.({ response_type: 'ephemeral', replace_original: false, text: UNREADABLE }).catch(() => undefined);
      return;
    }
    const click = parsed.data;
    const action = click.actions[0];
    const user = click.user.id;
    // Slack stamps each click with its own action_ts; the same pair again is a replay or retry.
    if (!ctx.recent.first(`click:${user}:${action.action_ts}:${action.action_id}`)) {
      ctx.logger.debug({ user, action: action.action_id }, 'repeated click ignored');
      return;
    }
    const where: ReplyTarget | undefined = click.channel
      ? { user, channel: click.channel.id, ...(click.message?.thread_ts ? { threadTs: click.message.thread_ts } : {}) }
      : undefined;
    const answer = (text: string) => (where ? tell(client, where, text, ctx.logger) : publishHome(ctx, client, user, text));
    const value = parseButtonValue(schema, action.value);
    if (value === undefined) {
      ctx.logger.warn({ user, action: action.action_id }, 'button value not understood');
      await answer(UNREADABLE);
      return;
    }
    let text: string | undefined;
    const stillWorking = setTimeout(() => {
      void answer(':hourglass_flowing_sand: Quell is still waiting for the run to take your click; you will get its answer here.');
    }, STILL_WORKING_MS);
    try {
      text = await work({ ctx, client, body: click, user, actionTs: action.action_ts, value, updateId: clickUpdateId(user, action.action_ts), ...(where ? { where } : {}), answer });
    } catch (error) {
      text = failureText(error, ctx.logger, doing);
    } finally {
      clearTimeout(stillWorking);
    }
    if (text !== undefined) await answer(text);
  };
}
