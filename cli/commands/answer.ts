/**
 * `quell answer <id> <step> <option>`: answers a decision step with one of its options, checked
 * by the workflow (who may answer, the quorum, the declared form fields).
 *
 * Like `quell approve`, it prints the question first and sends the question's hash with the
 * answer, so the answer is bound to the text the person read; `--sha256` pins a hash read earlier.
 * `--field name=value` fills a declared form field (repeatable); values are typed as the decision
 * declares them (`--field count=3` is a number for a number field) and checked here first, with
 * the same words as the workflow's refusal.
 */
import type { Command } from 'commander';
import { answerDecision } from '../../client/runs';
import { checkedFreeText, checkedReference } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal, shownLine, shownText } from '../display';
import { usageFailure } from '../failure';
import { fieldArgOption, typedFieldArgs } from '../field-args';
import { readOpenGate } from './open-gate';

interface AnswerOptions {
  as?: string;
  reason?: string;
  sha256?: string;
  field: string[];
  json?: boolean;
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

export function registerAnswer(program: Command, ctx: CliContext): void {
  program
    .command('answer <workflowId> <step> <option>')
    .description('answer a decision step with one of its options (quell status shows them)')
    .option('--as <user>', 'who is answering (default: $QUELL_USER or $USER); acts as the identity cli:USER')
    .option('--field <name=value>', 'fill in a form field the decision declares (repeatable)', fieldArgOption, [] as string[])
    .option('--reason <text>', 'why (optional, kept with the answer)')
    .option('--sha256 <hash>', 'the question hash you read (default: the hash of the question printed now)')
    .option('--json', 'print the decision as JSON')
    .action(async (workflowId: string, stepId: string, option: string, options: AnswerOptions) => {
      const actor = ctx.actor(options.as);
      checkedReference('<workflowId>', workflowId);
      checkedReference('<step>', stepId);
      checkedReference('<option>', option);
      if (options.reason !== undefined) checkedFreeText('--reason', options.reason);
      const pinned = options.sha256?.trim();
      if (pinned !== undefined && !SHA256_HEX.test(pinned)) throw usageFailure('--sha256 must be 64 hexadecimal digits (the question hash `quell status --json` shows)');
      const client = await ctx.getClient();
      const decision = await readOpenGate(client, workflowId, stepId, (step) => step.decision);
      const fields = typedFieldArgs(options.field, decision?.fields, 'the decision');
      if (decision && !options.json) {
        const question = shownText(decision.question).split('\n').join('\n  ');
        const choices = decision.options.map((choice) => `${choice.id} (${shownLine(choice.label)})`).join(', ');
        ctx.io.stdout(`${stepId} of ${workflowId} asks:\n  ${question}\n  options: ${choices}\n  (question sha256 ${shownLine(decision.questionSha256)})`);
      }
      // No open decision to read: the workflow's refusal says precisely why.
      const answered = await answerDecision(client, workflowId, {
        stepId,
        actor,
        option,
        via: 'cli',
        questionSha256: pinned ?? decision?.questionSha256 ?? '',
        ...(options.reason ? { reason: options.reason } : {}),
        ...(Object.keys(fields).length > 0 ? { fields } : {}),
      });
      if (options.json) {
        ctx.io.stdout(jsonForTerminal(answered));
        return;
      }
      const person = answered.decisions.at(-1)?.person;
      const as = person && person !== actor ? ` as ${shownLine(person)}` : '';
      const where = answered.chosen ? `decided: ${answered.chosen}` : `${answered.decisions.filter((d) => d.option === option).length} of ${answered.quorum} for ${option}`;
      ctx.io.stdout(`answered ${stepId} of ${workflowId} with ${option}${as}: ${where}`);
    });
}
