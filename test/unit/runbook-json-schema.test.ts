import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
// ajv's draft 2020-12 build: the schema's dialect.
import Ajv2020 from 'ajv/dist/2020';
import { RUNBOOK_JSON_SCHEMA_PATH, renderRunbookJsonSchema } from '../../runbooks/generate-schema';

describe('runbooks/runbook.schema.json', () => {
  it('is exactly what the generator produces from schema.ts (run `npm run schema` if not)', () => {
    expect(readFileSync(RUNBOOK_JSON_SCHEMA_PATH, 'utf8')).toBe(renderRunbookJsonSchema());
  });

  it('is a draft 2020-12 schema that rejects unknown top-level keys and names every step kind', () => {
    const schema = JSON.parse(renderRunbookJsonSchema()) as {
      $schema: string;
      title: string;
      additionalProperties: boolean;
      required: string[];
      properties: { steps: { items: { anyOf: Array<{ required: string[] }> } } };
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('Quell runbook');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'version', 'title', 'severity', 'steps']));
    const kinds = schema.properties.steps.items.anyOf.map((variant) => variant.required.find((key) => key !== 'id'));
    expect(kinds).toEqual(['action', 'approval', 'parallel', 'wait', 'manual', 'sleep', 'decision', 'end', 'foreach', 'observe', 'runbook', 'sequence', 'severity']);
  });
});

describe('action `with` blocks in the JSON Schema (what editors check as you type)', () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(renderRunbookJsonSchema()) as object);
  const runbook = (steps: unknown[]) => ({ id: 'json-schema', version: 1, title: 'JSON Schema', severity: 'low', steps });

  it('accepts every shipped runbook', () => {
    for (const file of ['credential-compromise.yaml', 'offboarding.yaml', 'vendor-breach.yaml']) {
      const parsed = parseYaml(readFileSync(path.join(__dirname, '..', '..', 'runbooks', file), 'utf8')) as unknown;
      expect({ file, valid: validate(parsed), errors: validate.errors ?? null }).toEqual({ file, valid: true, errors: null });
    }
  });

  it('accepts a system the registry serves, or a template, and refuses one it does not', () => {
    const step = (provider: string) => ({ id: 'revoke', action: 'credentials.revoke', with: { provider, principal: 'alice' } });
    expect(validate(runbook([step('aws-iam')]))).toBe(true);
    expect(validate(runbook([step('${{ inputs.where }}')]))).toBe(true);
    expect(validate(runbook([step('okta')]))).toBe(false);
  });

  it('checks keys and compensations too', () => {
    expect(validate(runbook([{ id: 'block', action: 'egress.block', with: { provider: 'nftables', cidrs: ['203.0.113.7/32'], prots: [443] } }]))).toBe(false);
    const compensated = (rule: unknown) => ({
      id: 'block',
      action: 'egress.block',
      with: { provider: 'nftables', cidrs: ['${{ inputs.cidr }}'] },
      compensate: { action: 'egress.unblock', with: { rule_id: rule } },
    });
    expect(validate(runbook([compensated('${{ steps.block.output.rule_id }}')]))).toBe(true);
    expect(validate(runbook([compensated(42)]))).toBe(false);
  });
});
