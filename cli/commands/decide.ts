/** `quell approve|reject <id> <step>`: a decision on an approval gate, checked by the workflow. */
import type { Command } from 'commander';
import { decideApproval } from '../../client/runs';
import type { CliContext } from '../context';

interface DecideOptions {
  as?: string;
  reason?: string;
  json?: boolean;
}

export function registerDecisions(program: Command, ctx: CliContext): void {
  for (const decision of ['approve', 'reject'] as const) {
    program
      .command(`${decision} <workflowId> <step>`)
      .description(decision === 'approve' ? 'approve an approval gate' : 'reject an approval gate (a reason is required)')
      .option('--as <user>', 'who is deciding (default: $QUELL_USER or $USER)')
      .option('--reason <text>', decision === 'approve' ? 'why (optional)' : 'why (required)')
      .option('--json', 'print the gate as JSON')
      .action(async (workflowId: string, stepId: string, options: DecideOptions) => {
        const gate = await decideApproval(await ctx.getClient(), workflowId, {
          stepId,
          actor: ctx.actor(options.as),
          decision,
          via: 'cli',
          ...(options.reason ? { reason: options.reason } : {}),
        });
        if (options.json) {
          ctx.io.stdout(JSON.stringify(gate, null, 2));
          return;
        }
        const approvals = gate.decisions.filter((d) => d.decision === 'approve').length;
        const where = gate.outcome ? `gate ${gate.outcome}` : `${approvals} of ${gate.quorum} approvals`;
        ctx.io.stdout(`${decision}d ${stepId} of ${workflowId}: ${where}`);
      });
  }
}
