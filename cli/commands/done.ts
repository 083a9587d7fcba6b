/**
 * `quell done <id> <step>`: acknowledge a manual task as done, with the values its `outputs:`
 * declare (`--field laptop_returned=yes`).
 */
import type { Command } from 'commander';
import { completeManual, getRunState } from '../../client/runs';
import { fieldArgOption, typedFieldArgs } from '../field-args';
import { checkedFreeText, checkedReference } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal, shownLine } from '../display';

export function registerDone(program: Command, ctx: CliContext): void {
  program
    .command('done <workflowId> <step>')
    .description('mark a manual task as done')
    .option('--as <user>', 'who did it (default: $QUELL_USER or $USER)')
    .option('--note <text>', 'what was done')
    .option('--field <name=value>', 'a value the task declares under outputs (repeatable)', fieldArgOption, [] as string[])
    .option('--json', 'print the step as JSON')
    .action(async (workflowId: string, stepId: string, options: { as?: string; note?: string; field: string[]; json?: boolean }) => {
      const actor = ctx.actor(options.as);
      checkedReference('<workflowId>', workflowId);
      checkedReference('<step>', stepId);
      if (options.note !== undefined) checkedFreeText('--note', options.note);
      const client = await ctx.getClient();
      const declared = options.field.length > 0 ? (await getRunState(client, workflowId)).steps.find((s) => s.id === stepId)?.declaredOutputs?.fields : undefined;
      const fields = typedFieldArgs(options.field, declared, `step ${stepId}`);
      const step = await completeManual(client, workflowId, {
        stepId,
        actor,
        via: 'cli',
        ...(options.note ? { note: options.note } : {}),
        ...(Object.keys(fields).length > 0 ? { fields } : {}),
      });
      ctx.io.stdout(options.json ? jsonForTerminal(step) : `${stepId} of ${workflowId} marked done by ${shownLine(step.actor)}`);
    });
}
