/** `quell history <id>`: the audit trail from Temporal's event history (works for closed runs). */
import type { Command } from 'commander';
import { runHistory } from '../../client/history';
import type { CliContext } from '../context';

export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command('history <workflowId>')
    .description("show a run's audit history: starts, actions, decisions, status changes")
    .option('--json', 'print the entries as a JSON array')
    .action(async (workflowId: string, options: { json?: boolean }) => {
      const entries = await runHistory(await ctx.getClient(), workflowId);
      if (options.json) {
        ctx.io.stdout(JSON.stringify(entries, null, 2));
        return;
      }
      for (const entry of entries) {
        const who = entry.actor ? ` by ${entry.actor}` : '';
        const step = entry.step ? ` [${entry.step}]` : '';
        ctx.io.stdout(`${entry.at}  ${entry.kind}${step}${who}${entry.detail ? `  ${entry.detail}` : ''}`);
      }
    });
}
