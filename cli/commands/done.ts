/** `quell done <id> <step>`: acknowledge a manual task as done. */
import type { Command } from 'commander';
import { completeManual } from '../../client/runs';
import { checkedFreeText, checkedReference } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal, shownLine } from '../display';

export function registerDone(program: Command, ctx: CliContext): void {
  program
    .command('done <workflowId> <step>')
    .description('mark a manual task as done')
    .option('--as <user>', 'who did it (default: $QUELL_USER or $USER)')
    .option('--note <text>', 'what was done')
    .option('--json', 'print the step as JSON')
    .action(async (workflowId: string, stepId: string, options: { as?: string; note?: string; json?: boolean }) => {
      const actor = ctx.actor(options.as);
      checkedReference('<workflowId>', workflowId);
      checkedReference('<step>', stepId);
      if (options.note !== undefined) checkedFreeText('--note', options.note);
      const step = await completeManual(await ctx.getClient(), workflowId, {
        stepId,
        actor,
        via: 'cli',
        ...(options.note ? { note: options.note } : {}),
      });
      ctx.io.stdout(options.json ? jsonForTerminal(step) : `${stepId} of ${workflowId} marked done by ${shownLine(step.actor)}`);
    });
}
