/** `quell history <id>`: the audit trail from Temporal's event history (works for closed runs). */
import type { Command } from 'commander';
import { runHistory } from '../../client/history';
import { checkedReference } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal, shownLine } from '../display';

export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command('history <workflowId>')
    .description("show a run's audit history: starts, actions, decisions, status changes")
    .option('--json', 'print the entries as a JSON array')
    .action(async (workflowId: string, options: { json?: boolean }) => {
      checkedReference('<workflowId>', workflowId);
      const entries = await runHistory(await ctx.getClient(), workflowId);
      if (options.json) {
        ctx.io.stdout(jsonForTerminal(entries));
        return;
      }
      for (const entry of entries) {
        const who = entry.actor ? ` by ${entry.actor}` : '';
        const step = entry.step ? ` [${entry.step}]` : '';
        // One entry, one line: an actor or reason with a line break cannot fake the next entry.
        ctx.io.stdout(shownLine(`${entry.at}  ${entry.kind}${step}${who}${entry.detail ? `  ${entry.detail}` : ''}`));
      }
    });
}
