/**
 * docs/drill-report.schema.json is generated from reports/drill/report-types.ts and committed, so
 * tools can validate `quell drill after-action --format json` without a build: it must match.
 */
import { readFileSync } from 'node:fs';
import { DRILL_REPORT_JSON_SCHEMA_PATH, renderDrillReportJsonSchema } from '../../reports/drill/generate-json-schema';

test('the committed drill report JSON Schema is current (regenerate: npx ts-node --transpile-only reports/drill/generate-json-schema.ts)', () => {
  expect(readFileSync(DRILL_REPORT_JSON_SCHEMA_PATH, 'utf8')).toBe(renderDrillReportJsonSchema());
});
