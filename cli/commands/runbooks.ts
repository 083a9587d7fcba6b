/**
 * `quell runbooks`: the runbooks that can be started, with their inputs, and which runbook
 * language each needs (and what of it, when it needs more than language 1).
 */
import type { Command } from 'commander';
import { languageFeatures, languageNeeded } from '../../runbooks/language';
import type { CliContext } from '../context';
import { listRunbooks } from '../runbook-catalogue';

export function registerRunbooks(program: Command, ctx: CliContext): void {
  program
    .command('runbooks')
    .description('list the runbooks in the runbooks folder')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const entries = await listRunbooks(ctx.getConfig().runbooksDir);
      if (options.json) {
        ctx.io.stdout(JSON.stringify(entries.map(({ runbook, sha256, file }) => ({
          id: runbook.id, version: runbook.version, title: runbook.title, severity: runbook.severity, file, sha256, inputs: runbook.inputs,
          language: { needs: languageNeeded(runbook), ...(runbook.language !== undefined ? { declared: runbook.language } : {}), features: [...new Set(languageFeatures(runbook).map((entry) => entry.feature))] },
        })), null, 2));
        return;
      }
      for (const { runbook } of entries) {
        const inputs = Object.entries(runbook.inputs)
          .map(([name, spec]) => `${name}${spec.required ? '*' : ''}:${spec.type}`)
          .join(' ');
        const features = [...new Set(languageFeatures(runbook).map((entry) => entry.feature))];
        const language = features.length > 0 ? `\n${''.padEnd(26)}language ${languageNeeded(runbook)}: ${features.join(', ')}` : '';
        ctx.io.stdout(`${runbook.id.padEnd(24)} v${runbook.version}  ${runbook.severity.padEnd(8)} ${runbook.title}${inputs ? `\n${''.padEnd(26)}inputs: ${inputs}` : ''}${language}`);
      }
    });
}
