/**
 * Generates runbooks/drills/scenario.schema.json, the JSON Schema editors use for completion and
 * inline errors in drill scenarios (`# yaml-language-server: $schema=./scenario.schema.json`).
 *
 * Committed so editors work without a build; test/unit/scenario-json-schema.test.ts fails when it
 * drifts from schema.ts. `npm run schema` regenerates it (with the runbook schema); `-- --check`
 * only verifies. What needs the runbook (step ids, targets, actions, events) needs `quell lint`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { INJECT_KINDS, ScenarioSchema } from './schema';

/** Where the generated schema lives: next to the scenarios it describes. */
export const SCENARIO_JSON_SCHEMA_PATH = join(__dirname, '..', 'drills', 'scenario.schema.json');

type JsonSchema = Record<string, unknown>;

/**
 * The scenario JSON Schema as committed: the input shape, pretty-printed with a trailing newline.
 * The "exactly one of" rules that zod checks in code are added as `oneOf`, so editors flag an
 * inject with two kinds or an objective with two aims as well.
 */
export function renderScenarioJsonSchema(): string {
  const { $schema, ...rest } = z.toJSONSchema(ScenarioSchema, { io: 'input' }) as JsonSchema;
  const properties = rest.properties as Record<string, { items: JsonSchema }>;
  properties.injects.items.oneOf = INJECT_KINDS.map((kind) => ({ required: [kind] }));
  properties.objectives.items.oneOf = [{ required: ['target'] }, { required: ['within'] }];
  const document = {
    $schema,
    title: 'Quell drill scenario',
    description: 'A tabletop drill on one Quell runbook. Generated from runbooks/scenarios/schema.ts by `npm run schema`; do not edit.',
    ...rest,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function main(argv: string[]): number {
  const expected = renderScenarioJsonSchema();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(SCENARIO_JSON_SCHEMA_PATH, 'utf8');
    } catch {
      // A missing file is simply out of date.
    }
    if (current === expected) return 0;
    process.stderr.write(`${SCENARIO_JSON_SCHEMA_PATH} is out of date: run \`npm run schema\`\n`);
    return 1;
  }
  writeFileSync(SCENARIO_JSON_SCHEMA_PATH, expected);
  process.stdout.write(`wrote ${SCENARIO_JSON_SCHEMA_PATH}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
