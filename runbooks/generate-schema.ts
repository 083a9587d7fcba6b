/**
 * Generates runbooks/runbook.schema.json, the JSON Schema editors use for completion and inline
 * errors (yaml-language-server: `# yaml-language-server: $schema=./runbook.schema.json`).
 *
 * The file is committed so editors work without a build; test/unit/runbook-json-schema.test.ts
 * fails when it drifts from schema.ts. Regenerate with `npm run schema`; `-- --check` only
 * verifies (for CI).
 *
 * The JSON Schema covers structure only; semantic checks (templates, step order, action `with`
 * keys) need `quell lint`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RunbookSchema } from './schema';

/** Where the generated schema lives. */
export const RUNBOOK_JSON_SCHEMA_PATH = join(__dirname, 'runbook.schema.json');

/**
 * The runbook JSON Schema as committed: the *input* shape (defaults optional), pretty-printed
 * with a trailing newline. Deterministic, so the committed file can be compared byte for byte.
 */
export function renderRunbookJsonSchema(): string {
  const generated = z.toJSONSchema(RunbookSchema, { io: 'input' }) as Record<string, unknown>;
  // Put identifying keys first so the file reads well; the rest keeps zod's (stable) order.
  const { $schema, ...rest } = generated;
  const document = {
    $schema,
    title: 'Quell runbook',
    description: 'An incident-response runbook run by Quell. Generated from runbooks/schema.ts by `npm run schema`; do not edit.',
    ...rest,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function main(argv: string[]): number {
  const expected = renderRunbookJsonSchema();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(RUNBOOK_JSON_SCHEMA_PATH, 'utf8');
    } catch {
      // A missing file is simply out of date.
    }
    if (current === expected) return 0;
    process.stderr.write(`${RUNBOOK_JSON_SCHEMA_PATH} is out of date: run \`npm run schema\`\n`);
    return 1;
  }
  writeFileSync(RUNBOOK_JSON_SCHEMA_PATH, expected);
  process.stdout.write(`wrote ${RUNBOOK_JSON_SCHEMA_PATH}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
