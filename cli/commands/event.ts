/** `quell event <id> <event>`: deliver a named event a `wait` step is waiting for. */
import type { Command } from 'commander';
import { deliverEvent } from '../../client/runs';
import type { CliContext } from '../context';

export function registerEvent(program: Command, ctx: CliContext): void {
  program
    .command('event <workflowId> <event>')
    .description('deliver an event (e.g. vendor-deletion-confirmed) to a run')
    .option('--as <user>', 'who is reporting it (default: $QUELL_USER or $USER)')
    .option('--data <json>', 'event details as a JSON object (e.g. a deletion certificate URL)')
    .option('--json', 'print the result as JSON')
    .action(async (workflowId: string, event: string, options: { as?: string; data?: string; json?: boolean }) => {
      const payload = options.data === undefined ? undefined : parsePayload(options.data);
      const result = await deliverEvent(await ctx.getClient(), workflowId, {
        event,
        actor: ctx.actor(options.as),
        via: 'cli',
        ...(payload ? { payload } : {}),
      });
      if (options.json) ctx.io.stdout(JSON.stringify(result, null, 2));
      else ctx.io.stdout('buffered' in result ? `${event} recorded; no step is waiting for it yet` : `${event} delivered to step ${result.id}`);
    });
}

function parsePayload(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`--data is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('--data must be a JSON object');
  return value as Record<string, unknown>;
}
