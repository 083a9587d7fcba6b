/**
 * `quell lint [files…]`: validate runbooks and drill scenarios (cli/lint-targets.ts says which is
 * which); one `file:line:col: message` per error, exit 1 on any.
 */
import type { Command } from 'commander';
import { formatRunbookError } from '../../runbooks/load';
import { CliFailure, type CliContext } from '../context';
import { describeChecked, lintRunbooksAndScenarios } from '../lint-targets';

export function registerLint(program: Command, ctx: CliContext): void {
  program
    .command('lint [files...]')
    .description('check runbooks and drill scenarios (*.drill.yaml); default: the runbooks folder and its drills/')
    .option('--json', 'print errors as a JSON array')
    .action(async (files: string[], options: { json?: boolean }) => {
      const runbooksDir = () => ctx.getConfig().runbooksDir;
      const targets = files.length > 0 ? files : [runbooksDir()];
      const outcome = await lintRunbooksAndScenarios(targets, runbooksDir);
      const { errors } = outcome;
      if (options.json) ctx.io.stdout(JSON.stringify(errors, null, 2));
      else errors.forEach((error) => ctx.io.stdout(formatRunbookError(error)));
      if (errors.length > 0) throw new CliFailure(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${describeChecked(outcome)}`);
      if (!options.json) ctx.io.stderr(`${describeChecked(outcome)} OK`);
    });
}
