/**
 * Property test of the `${{ }}` evaluator: for any text, parsing and rendering either succeed or
 * fail with the typed ExpressionError (with an offset inside the text), never anything else; and
 * no template can read past `inputs`, `steps` and `run` — not a prototype, not a function, not a
 * value planted on the context objects' prototype chain.
 */
import fc from 'fast-check';
import { ExpressionError, renderTemplate, templateReferences, type TemplateContext } from '../../common/expression';
import { fuzzSettings } from '../support/fuzz-settings';
import { PROTOTYPE_NAMES } from '../support/runbook-mutants';

const { seed, numRuns } = fuzzSettings('template', 3_000);
const PLANTED = 'PLANTED-ON-A-PROTOTYPE';

/** A context whose objects inherit a planted value: reading it would mean leaving own data. */
function contextWithPlantedPrototypes(): TemplateContext {
  const planted = Object.fromEntries([...PROTOTYPE_NAMES.filter((name) => name !== '__proto__'), 'secret', 'length'].map((name) => [name, PLANTED]));
  const own = <T extends object>(value: T): T => Object.setPrototypeOf(value, planted) as T;
  return own({
    inputs: own({ principal: 'alice', cidrs: ['192.0.2.1'], count: 2, enabled: true }),
    steps: own({ 'block-egress': own({ status: 'completed', output: own({ rule_id: 'r-1', nested: own({ deep: [1, 2] }) }) }) }),
    run: own({ id: 'quell:x:INC-1', incident: 'INC-1', mode: 'tabletop' }),
  });
}

const name = fc.oneof(
  fc.constantFrom('inputs', 'steps', 'run', ...PROTOTYPE_NAMES, 'principal', 'cidrs', 'block-egress', 'output', 'status', 'rule_id', 'secret', 'length', 'null', 'true'),
  fc.string({ minLength: 1, maxLength: 6 }),
);
const segment = fc.oneof(name.map((part) => `.${part}`), fc.nat({ max: 3 }).map((index) => `[${index}]`), name.map((part) => `['${part}']`));
const path = fc.tuple(fc.constantFrom('inputs', 'steps', 'run', 'constructor', 'this', 'globalThis', 'process'), fc.array(segment, { maxLength: 5 })).map(([root, rest]) => root + rest.join(''));
const operand = fc.oneof(path, fc.constantFrom('null', 'true', 'false', '1', '-2.5e3', "'x'", '"}}"', "'\\n'"));
const operator = fc.constantFrom('==', '!=', '<', '>', '<=', '>=', '&&', '||', '+', '=', '(', ')', '!', '.', '[', ']', ',');

/** Token soup around real paths: mostly near-valid expressions, sometimes broken ones. */
const expression = fc.array(fc.oneof({ weight: 3, arbitrary: operand }, { weight: 2, arbitrary: operator }), { minLength: 1, maxLength: 8 }).map((tokens) => tokens.join(' '));
const template = fc.oneof(
  { weight: 4, arbitrary: expression.map((source) => `\${{ ${source} }}`) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), expression, fc.string({ maxLength: 8 })).map(([before, source, after]) => `${before}\${{ ${source} }}${after}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map((depth) => `\${{ ${'('.repeat(depth)}inputs.principal${')'.repeat(depth)} }}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((count) => `\${{ ${'!'.repeat(count)}true }}`) },
);

function assertStaysInside(value: unknown): void {
  if (typeof value === 'function') throw new Error('a template produced a function');
  if (value === PLANTED) throw new Error('a template read a value from a prototype');
  if (typeof value === 'string' && value.includes(PLANTED)) throw new Error('a template interpolated a value from a prototype');
}

describe(`template evaluator fuzz (seed ${seed}, ${numRuns} cases)`, () => {
  it('renders or fails with ExpressionError, and never reads outside inputs, steps and run', () => {
    const context = contextWithPlantedPrototypes();
    // Control: a naive property read does reach the planted value, so the property can fail.
    expect((context.inputs as Record<string, unknown>).secret).toBe(PLANTED);
    let rendered = 0;
    fc.assert(
      fc.property(template, (text) => {
        const started = performance.now();
        try {
          for (const reference of templateReferences(text)) {
            if (!['inputs', 'steps', 'run'].includes(reference.path[0])) throw new Error(`reference outside the roots: ${reference.path.join('.')}`);
          }
          assertStaysInside(renderTemplate(text, context));
          rendered += 1;
        } catch (error) {
          if (!(error instanceof ExpressionError)) throw error;
          if (!(error.offset >= 0 && error.offset <= text.length)) throw new Error(`offset ${error.offset} outside a ${text.length}-character text`);
        }
        const elapsed = performance.now() - started;
        if (elapsed > 200) throw new Error(`took ${elapsed.toFixed(0)} ms`);
      }),
      { seed, numRuns },
    );
    console.log(`template evaluator fuzz: seed ${seed}, ${numRuns} cases, ${rendered} rendered`);
    expect(rendered).toBeGreaterThan(numRuns / 10);
  });
});
