/**
 * What a `/quell` sub-command handler gets: the parsed command body, the Slack client and one
 * way to answer the person (ephemeral, through the command's response URL; if that fails, an
 * ephemeral message or DM from the bot).
 */
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context';
import type { SlashCommandBody } from '../../payloads';
import { slackError, tell } from '../../reply';

export interface CommandRequest {
  ctx: AppContext;
  body: SlashCommandBody;
  client: WebClient;
  reply(text: string): Promise<void>;
}

export function commandRequest(ctx: AppContext, body: SlashCommandBody, client: WebClient, respond: RespondFn | undefined): CommandRequest {
  return {
    ctx,
    body,
    client,
    async reply(text) {
      if (respond) {
        try {
          await respond({ response_type: 'ephemeral', text });
          return;
        } catch (error) {
          ctx.logger.debug({ err: slackError(error) }, 'response URL refused the reply; answering from the bot instead');
        }
      }
      await tell(client, { user: body.user_id, channel: body.channel_id }, text, ctx.logger);
    },
  };
}
