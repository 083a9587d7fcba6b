import { readFileSync } from 'node:fs';
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
    expect(kinds).toEqual(['action', 'approval', 'parallel', 'wait', 'manual']);
  });
});
