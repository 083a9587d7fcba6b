/**
 * Generates docs/drill-report.schema.json, the JSON Schema of the drill report that
 * `quell drill after-action --format json` prints, from the zod schema in ./report-types.ts.
 *
 * Committed so tools can validate reports without a build; test/unit/drill-report-schema.test.ts
 * fails when it drifts from report-types.ts. Run this file to regenerate it; `--check` only
 * verifies.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import * as types from './report-types';
import { DRILL_REPORT_SCHEMA_VERSION, DrillReportSchema } from './report-types';

export const DRILL_REPORT_JSON_SCHEMA_PATH = join(__dirname, '..', '..', 'docs', 'drill-report.schema.json');

/** The schema as committed: the report's output shape, pretty-printed with a trailing newline. */
export function renderDrillReportJsonSchema(): string {
  // Parts used in several places are defined once, under the names report-types.ts gives them.
  const names = z.registry<{ id: string }>();
  for (const [name, value] of Object.entries(types)) {
    if (value instanceof z.ZodType && value !== DrillReportSchema) names.add(value, { id: name });
  }
  const { $schema, ...rest } = z.toJSONSchema(DrillReportSchema, { io: 'output', reused: 'ref', metadata: names }) as Record<string, unknown>;
  const document = {
    $schema,
    title: `Quell drill report (schema version ${DRILL_REPORT_SCHEMA_VERSION})`,
    description:
      'The after-action report of a tabletop drill, built from Temporal histories only. Times marked drillMs are drill time (ms since launch, paused time left out); every ref names the history event a value is read from (drill#12, run#57, follow-up:<inject>#9, debrief#4). Generated from reports/drill/report-types.ts; do not edit.',
    ...rest,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function main(argv: string[]): number {
  const expected = renderDrillReportJsonSchema();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(DRILL_REPORT_JSON_SCHEMA_PATH, 'utf8');
    } catch {
      // A missing file is simply out of date.
    }
    if (current === expected) return 0;
    process.stderr.write(`${DRILL_REPORT_JSON_SCHEMA_PATH} is out of date: run \`npx ts-node --transpile-only reports/drill/generate-json-schema.ts\`\n`);
    return 1;
  }
  writeFileSync(DRILL_REPORT_JSON_SCHEMA_PATH, expected);
  process.stdout.write(`wrote ${DRILL_REPORT_JSON_SCHEMA_PATH}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
