/**
 * The `/quell` slash command. Acks at once (Slack allows 3 s and modals need the trigger_id
 * within that time), then parses and dispatches. A command Slack delivers twice (same
 * trigger_id) is handled once.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseQuellCommand } from '../../command-text';
import type { AppContext } from '../../context';
import { SlashCommandBody } from '../../payloads';
import { failureText } from '../../reply';
import { cancelCommand } from './cancel';
import { drillCommand } from './drill';
import { helpCommand, unknownCommand, usageReply } from './help';
import { listCommand } from './list';
import { commandRequest } from './request';
import { startCommand } from './start';
import { statusCommand } from './status';

export function quellCommand(ctx: AppContext) {
  return async ({ ack, body, client, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const parsed = SlashCommandBody.safeParse(body);
    if (!parsed.success) {
      ctx.logger.warn({ issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }, 'slash command payload not understood');
      await respond({ response_type: 'ephemeral', text: ':warning: Quell could not read this command (unexpected payload). Try again, or use the CLI.' }).catch(() => undefined);
      return;
    }
    if (!ctx.recent.first(`command:${parsed.data.trigger_id}`)) return;
    const request = commandRequest(ctx, parsed.data, client, respond);
    const command = parseQuellCommand(parsed.data.text);
    try {
      switch (command.kind) {
        case 'start':
          return await startCommand(request, command);
        case 'status':
          return await statusCommand(request, command);
        case 'list':
          return await listCommand(request);
        case 'cancel':
          return await cancelCommand(request, command);
        case 'drill':
          return await drillCommand(request, command);
        case 'help':
          return await helpCommand(request);
        case 'unknown':
          return await unknownCommand(request, command);
        case 'usage':
          return await usageReply(request, command);
      }
    } catch (error) {
      await request.reply(failureText(error, ctx.logger, `run /quell ${command.kind}`));
    }
  };
}
