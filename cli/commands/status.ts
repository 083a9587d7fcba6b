/** `quell status <id>`: every step's state; `--json` prints the documented RunState. */
import type { Command } from 'commander';
import { getRunState } from '../../client/runs';
import { checkedReference } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal } from '../display';
import { renderRunState } from '../render';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status <workflowId>')
    .description("show a run's steps, their states, actors and outputs")
    .option('--json', 'print the RunState as JSON')
    .action(async (workflowId: string, options: { json?: boolean }) => {
      checkedReference('<workflowId>', workflowId);
      const state = await getRunState(await ctx.getClient(), workflowId);
      ctx.io.stdout(options.json ? jsonForTerminal(state) : renderRunState(state));
    });
}
