/**
 * Rewrites the generated parts of README.md from the code: the connector table (from the
 * registry). `--check` only compares, for tests and CI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConnectorTable, withConnectorTable } from '../connectors/readme-table';

/** README.md at the project root, whether this runs from scripts/ (ts-node) or dist/scripts/. */
function readmePath(): string {
  return __filename.endsWith('.ts') ? join(__dirname, '..', 'README.md') : join(__dirname, '..', '..', 'README.md');
}

function main(argv: string[]): number {
  const file = readmePath();
  const current = readFileSync(file, 'utf8');
  const expected = withConnectorTable(current, renderConnectorTable());
  if (argv.includes('--check')) {
    if (current === expected) return 0;
    process.stderr.write(`${file}: the connector table is out of date: run \`npm run docs\`\n`);
    return 1;
  }
  if (current !== expected) writeFileSync(file, expected);
  process.stdout.write(`${current === expected ? 'up to date' : 'updated'}: ${file}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
