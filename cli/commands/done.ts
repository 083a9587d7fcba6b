/** `quell done <id> <step>`: acknowledge a manual task as done. */
import type { Command } from 'commander';
import { completeManual } from '../../client/runs';
import type { CliContext } from '../context';

export function registerDone(program: Command, ctx: CliContext): void {
  program
    .command('done <workflowId> <step>')
    .description('mark a manual task as done')
    .option('--as <user>', 'who did it (default: $QUELL_USER or $USER)')
    .option('--note <text>', 'what was done')
    .option('--json', 'print the step as JSON')
    .action(async (workflowId: string, stepId: string, options: { as?: string; note?: string; json?: boolean }) => {
      const step = await completeManual(await ctx.getClient(), workflowId, {
        stepId,
        actor: ctx.actor(options.as),
        via: 'cli',
        ...(options.note ? { note: options.note } : {}),
      });
      ctx.io.stdout(options.json ? JSON.stringify(step, null, 2) : `${stepId} of ${workflowId} marked done by ${step.actor}`);
    });
}
