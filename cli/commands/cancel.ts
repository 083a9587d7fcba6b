/** `quell cancel <id>`: stop a run and undo its compensable steps, newest first. */
import type { Command } from 'commander';
import { cancelRun } from '../../client/runs';
import { checkedFreeText, checkedReference } from '../checks';
import type { CliContext } from '../context';

export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel <workflowId>')
    .description('cancel a run; completed compensable steps are undone in reverse order')
    .option('--as <user>', 'who is cancelling (default: $QUELL_USER or $USER)')
    .requiredOption('--reason <text>', 'why the run is cancelled')
    .option('--json', 'print the result as JSON')
    .action(async (workflowId: string, options: { as?: string; reason: string; json?: boolean }) => {
      const actor = ctx.actor(options.as);
      checkedReference('<workflowId>', workflowId);
      checkedFreeText('--reason', options.reason);
      await cancelRun(await ctx.getClient(), workflowId, { actor, via: 'cli', reason: options.reason });
      ctx.io.stdout(options.json ? JSON.stringify({ workflowId, cancelRequested: true }) : `cancel requested for ${workflowId}; compensating completed steps`);
    });
}
