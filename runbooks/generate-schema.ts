/**
 * Generates runbooks/runbook.schema.json, the JSON Schema editors use for completion and inline
 * errors (yaml-language-server: `# yaml-language-server: $schema=./runbook.schema.json`).
 *
 * The file is committed so editors work without a build; test/unit/runbook-json-schema.test.ts
 * fails when it drifts from schema.ts. Regenerate with `npm run schema`; `-- --check` only
 * verifies (for CI).
 *
 * Each action step's `with` (and its compensation's) is checked against the action's schema, with
 * the systems a step may name taken from the connector registry; a `${{ … }}` template is
 * accepted wherever a value goes. Semantic checks (template references, step order) need
 * `quell lint`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ActionName } from '../common/actions';
import { withSchemas } from '../connectors/with-schemas';
import { RunbookSchema } from './schema';

/** Where the generated schema lives. */
export const RUNBOOK_JSON_SCHEMA_PATH = join(__dirname, 'runbook.schema.json');

/**
 * The runbook JSON Schema as committed: the *input* shape (defaults optional), pretty-printed
 * with a trailing newline. Deterministic, so the committed file can be compared byte for byte.
 */
export function renderRunbookJsonSchema(): string {
  const generated = z.toJSONSchema(RunbookSchema, { io: 'input' }) as Record<string, unknown>;
  const withBlocks = withBlockSchemas();
  addWithSchemas(generated, withBlocks);
  // Defined once and referenced from steps, branch steps and compensations.
  generated.$defs = Object.fromEntries([...withBlocks].map(([action, schema]) => [withDefinition(action), schema]));
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

type JsonSchema = Record<string, unknown>;

/** A template where a value goes: the value is known only when the step runs. */
const TEMPLATE: JsonSchema = { type: 'string', pattern: '\\$\\{\\{' };

/** `schema` with a template accepted in place of any value inside it. */
function allowTemplates(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(allowTemplates);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(Object.entries(schema as JsonSchema).map(([key, value]) => [key, key === 'enum' || key === 'const' || key === 'required' ? value : allowTemplates(value)]));
  // Nodes that describe a value (they have a type or an enum) may also be a template.
  return 'type' in node || 'enum' in node ? { anyOf: [node, TEMPLATE] } : node;
}

/** Each action's `with` schema as JSON Schema (input shape, templates allowed). */
function withBlockSchemas(): Map<ActionName, JsonSchema> {
  const schemas = new Map<ActionName, JsonSchema>();
  for (const [action, schema] of Object.entries(withSchemas()) as [ActionName, z.ZodObject][]) {
    const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const properties = json.properties as Record<string, unknown>;
    schemas.set(action, { ...json, properties: Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, allowTemplates(value)])) });
  }
  return schemas;
}

function withDefinition(action: string): string {
  return `with:${action}`;
}

/**
 * Adds, to every object that has an `action` and a `with` (steps, branch steps, compensations),
 * one if/then per action checking `with` against that action's schema.
 */
function addWithSchemas(node: unknown, schemas: ReadonlyMap<ActionName, JsonSchema>): void {
  if (Array.isArray(node)) {
    for (const item of node) addWithSchemas(item, schemas);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const object = node as JsonSchema;
  for (const value of Object.values(object)) addWithSchemas(value, schemas);
  const properties = object.properties as JsonSchema | undefined;
  const action = properties?.action as { enum?: string[] } | undefined;
  if (!properties?.with || !Array.isArray(action?.enum)) return;
  object.allOf = action.enum.map((name) => ({
    if: { properties: { action: { const: name } }, required: ['action'] },
    then: { properties: { with: { $ref: `#/$defs/${withDefinition(name)}` } } },
  }));
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
