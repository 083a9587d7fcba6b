/** `quell event <id> <event>`: deliver a named event a `wait` step is waiting for. */
import type { Command } from 'commander';
import { deliverEvent } from '../../client/runs';
import { checkedReference, parsedEventData } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal } from '../display';

export function registerEvent(program: Command, ctx: CliContext): void {
  program
    .command('event <workflowId> <event>')
    .description('deliver an event (e.g. vendor-deletion-confirmed) to a run')
    .option('--as <user>', 'who is reporting it (default: $QUELL_USER or $USER)')
    .option('--data <json>', 'event details as a JSON object (e.g. a deletion certificate URL)')
    .option('--json', 'print the result as JSON')
    .action(async (workflowId: string, event: string, options: { as?: string; data?: string; json?: boolean }) => {
      const actor = ctx.actor(options.as);
      checkedReference('<workflowId>', workflowId);
      checkedReference('<event>', event);
      const payload = options.data === undefined ? undefined : parsedEventData(options.data);
      const result = await deliverEvent(await ctx.getClient(), workflowId, {
        event,
        actor,
        via: 'cli',
        ...(payload ? { payload } : {}),
      });
      if (options.json) ctx.io.stdout(jsonForTerminal(result));
      else ctx.io.stdout('buffered' in result ? `${event} recorded; no step is waiting for it yet` : `${event} delivered to step ${result.id}`);
    });
}
