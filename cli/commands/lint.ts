/** `quell lint [files…]`: validate runbooks; one `file:line:col: message` per error, exit 1 on any. */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { formatRunbookError, lintFiles } from '../../runbooks/load';
import { CliFailure, type CliContext } from '../context';

export function registerLint(program: Command, ctx: CliContext): void {
  program
    .command('lint [files...]')
    .description('check runbooks (default: every *.yaml in the runbooks folder)')
    .option('--json', 'print errors as a JSON array')
    .action(async (files: string[], options: { json?: boolean }) => {
      const targets = files.length > 0 ? files : await defaultRunbookFiles(ctx.getConfig().runbooksDir);
      const { errors, checked } = await lintFiles(targets);
      if (options.json) ctx.io.stdout(JSON.stringify(errors, null, 2));
      else errors.forEach((error) => ctx.io.stdout(formatRunbookError(error)));
      if (errors.length > 0) throw new CliFailure(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${checked} runbook${checked === 1 ? '' : 's'}`);
      if (!options.json) ctx.io.stderr(`${checked} runbook${checked === 1 ? '' : 's'} OK`);
    });
}

async function defaultRunbookFiles(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir);
  return names.filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => path.join(dir, name));
}
