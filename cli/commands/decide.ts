/**
 * `quell approve|reject <id> <step>`: a decision on an approval gate, checked by the workflow.
 *
 * The command reads the gate first and prints its summary, then sends the summary's hash with the
 * decision: what the person decides on is bound to the text they were shown. `--sha256` pins a
 * hash read earlier (e.g. from `quell status --json`), so a summary that changed in between is
 * refused rather than approved unseen. `--as USER` acts as the identity `cli:USER`, which the
 * approvers file maps to a person.
 */
import type { Command } from 'commander';
import { decideApproval } from '../../client/runs';
import { checkedFreeText, checkedReference } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal, shownLine, shownText } from '../display';
import { usageFailure } from '../failure';
import { readOpenGate } from './open-gate';

interface DecideOptions {
  as?: string;
  reason?: string;
  sha256?: string;
  json?: boolean;
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

export function registerDecisions(program: Command, ctx: CliContext): void {
  for (const decision of ['approve', 'reject'] as const) {
    program
      .command(`${decision} <workflowId> <step>`)
      .description(decision === 'approve' ? 'approve an approval gate' : 'reject an approval gate (a reason is required)')
      .option('--as <user>', 'who is deciding (default: $QUELL_USER or $USER); acts as the identity cli:USER')
      .option('--reason <text>', decision === 'approve' ? 'why (optional)' : 'why (required)')
      .option('--sha256 <hash>', 'the summary hash you reviewed (default: the hash of the summary printed now)')
      .option('--json', 'print the gate as JSON')
      .action(async (workflowId: string, stepId: string, options: DecideOptions) => {
        const actor = ctx.actor(options.as);
        checkedReference('<workflowId>', workflowId);
        checkedReference('<step>', stepId);
        if (options.reason !== undefined) checkedFreeText('--reason', options.reason);
        const pinned = options.sha256?.trim();
        if (pinned !== undefined && !SHA256_HEX.test(pinned)) throw usageFailure('--sha256 must be 64 hexadecimal digits (the summary hash `quell status --json` shows)');
        const client = await ctx.getClient();
        const gate = await readOpenGate(client, workflowId, stepId, (step) => step.approval);
        if (gate && !options.json) {
          const summary = shownText(gate.summary).split('\n').join('\n  ');
          ctx.io.stdout(`${stepId} of ${workflowId} asks you to ${decision}:\n  ${summary}\n  (summary sha256 ${shownLine(gate.summarySha256)})`);
        }
        // No gate to read (wrong step, closed run): the workflow's refusal says precisely why.
        const summarySha256 = pinned ?? gate?.summarySha256 ?? '';
        const decided = await decideApproval(client, workflowId, {
          stepId,
          actor,
          decision,
          via: 'cli',
          summarySha256,
          ...(options.reason ? { reason: options.reason } : {}),
        });
        if (options.json) {
          ctx.io.stdout(jsonForTerminal(decided));
          return;
        }
        const approvals = decided.decisions.filter((d) => d.decision === 'approve').length;
        const where = decided.outcome ? `gate ${decided.outcome}` : `${approvals} of ${decided.quorum} approvals`;
        const person = decided.decisions.at(-1)?.person;
        const as = person && person !== actor ? ` as ${shownLine(person)}` : '';
        ctx.io.stdout(`${decision}d ${stepId} of ${workflowId}${as}: ${where}`);
      });
  }
}
