/**
 * `quell event <id> <event>`: deliver a named event a `wait` step is waiting for, with details as
 * JSON (`--data`) or as the wait step's declared outputs (`--field certificate_url=…`).
 */
import type { Command } from 'commander';
import { deliverEvent, getRunState } from '../../client/runs';
import { usageFailure } from '../failure';
import { fieldArgOption, typedFieldArgs } from '../field-args';
import { checkedReference, parsedEventData } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal } from '../display';

export function registerEvent(program: Command, ctx: CliContext): void {
  program
    .command('event <workflowId> <event>')
    .description('deliver an event (e.g. vendor-deletion-confirmed) to a run')
    .option('--as <user>', 'who is reporting it (default: $QUELL_USER or $USER)')
    .option('--data <json>', 'event details as a JSON object (e.g. a deletion certificate URL)')
    .option('--field <name=value>', 'one detail the wait step declares under outputs (repeatable; instead of --data)', fieldArgOption, [] as string[])
    .option('--json', 'print the result as JSON')
    .action(async (workflowId: string, event: string, options: { as?: string; data?: string; field: string[]; json?: boolean }) => {
      const actor = ctx.actor(options.as);
      checkedReference('<workflowId>', workflowId);
      checkedReference('<event>', event);
      if (options.data !== undefined && options.field.length > 0) throw usageFailure('give the details either as --data JSON or as --field values, not both');
      const client = await ctx.getClient();
      let payload = options.data === undefined ? undefined : parsedEventData(options.data);
      if (options.field.length > 0) {
        const steps = (await getRunState(client, workflowId)).steps;
        const declared = steps.find((s) => s.declaredOutputs?.event === event)?.declaredOutputs?.fields;
        payload = typedFieldArgs(options.field, declared, `the wait for ${event}`);
      }
      const result = await deliverEvent(client, workflowId, {
        event,
        actor,
        via: 'cli',
        ...(payload ? { payload } : {}),
      });
      if (options.json) ctx.io.stdout(jsonForTerminal(result));
      else ctx.io.stdout('buffered' in result ? `${event} recorded; no step is waiting for it yet` : `${event} delivered to step ${result.id}`);
    });
}
