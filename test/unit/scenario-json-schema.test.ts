import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
// ajv's draft 2020-12 build: the schema's dialect.
import Ajv2020 from 'ajv/dist/2020';
import { SCENARIO_JSON_SCHEMA_PATH, renderScenarioJsonSchema } from '../../runbooks/scenarios/generate-json-schema';

const drillsDir = path.join(__dirname, '..', '..', 'runbooks', 'drills');
const shipped = ['credential-compromise', 'offboarding', 'vendor-breach', 'vendor-offboarding'].map((name) => `${name}.drill.yaml`);

describe('runbooks/drills/scenario.schema.json', () => {
  it('is exactly what the generator produces from schema.ts (run `npm run schema` if not)', () => {
    expect(readFileSync(SCENARIO_JSON_SCHEMA_PATH, 'utf8')).toBe(renderScenarioJsonSchema());
  });

  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(renderScenarioJsonSchema()) as object);

  it.each(shipped)('accepts the shipped scenario %s', (file) => {
    const parsed = parseYaml(readFileSync(path.join(drillsDir, file), 'utf8')) as unknown;
    expect({ valid: validate(parsed), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  });

  it('refuses unknown keys, an inject with two kinds and an objective with two aims, as editors should', () => {
    const scenario = (extra: Record<string, unknown>) => ({
      scenario: 'editor-check',
      version: 1,
      title: 'Editor check',
      runbook: 'credential-compromise',
      participants: { facilitators: ['security-leads'], players: ['security-oncall'] },
      objectives: [{ id: 'contain', description: 'Contain', steps: ['revoke-key'], target: 'contain_within' }],
      ...extra,
    });
    expect(validate(scenario({}))).toBe(true);
    expect(validate(scenario({ injectz: [] }))).toBe(false);
    expect(validate(scenario({ injects: [{ id: 'both', at: '1m', message: 'hi', fault: { action: 'notify', fail: 1 } }] }))).toBe(false);
    const twoAims = { id: 'contain', description: 'Contain', steps: ['revoke-key'], target: 'contain_within', within: '10m' };
    expect(validate(scenario({ objectives: [twoAims] }))).toBe(false);
  });
});
