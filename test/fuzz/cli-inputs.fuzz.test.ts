/**
 * Property test of `quell start --input` handling (cli/input-pairs.ts, then runbooks/inputs.ts,
 * exactly as the command runs them) over hostile flags: names JavaScript gives meaning to,
 * forging characters, every Unicode plane, values around the limits, too many flags, pairs without
 * `=`. Properties, for every case:
 * - nothing is thrown but the typed usage refusal (CliFailure, exit code 2, naming --input);
 * - the parsed inputs have no prototype, and no object's prototype changed;
 * - a refusal names each input at fault (a name not declared is named, built-in names included),
 *   in visible text;
 * - accepted values are declared, bounded and free of forbidden characters; an input declared as
 *   `constructor` is an ordinary input;
 * - each case takes under 200 ms.
 * Seeded (QUELL_FUZZ_SEED replays a seed; fast-check prints the failing one), QUELL_FUZZ_RUNS scales.
 */
import fc from 'fast-check';
import { CliFailure } from '../../cli/failure';
import { parseInputPairs } from '../../cli/input-pairs';
import { LIMITS } from '../../common/limits';
import { hasOwnKey } from '../../common/own';
import { formatInputProblems, validateRunInputs } from '../../runbooks/inputs';
import { RunbookSchema, type Runbook } from '../../runbooks/schema';
import { fuzzSettings } from '../support/fuzz-settings';
import { aroundLimit, hostileText, isVisible, prototypeName, prototypeSnapshot, withinTime } from './hostile-text';

const { seed, numRuns } = fuzzSettings('cli-inputs', 1_400);
const CASE_TIME_BOUND_MS = 200;

const runbook: Runbook = RunbookSchema.parse({
  id: 'fuzz-inputs',
  version: 1,
  title: 'Every kind of input',
  severity: 'low',
  inputs: {
    principal: { type: 'string', required: true, pattern: '^[a-z][a-z0-9._-]*$' },
    constructor: { type: 'string', description: 'named like a JavaScript built-in, on purpose' },
    region: { type: 'string', enum: ['eu', 'us'] },
    hours: { type: 'number' },
    notify: { type: 'boolean' },
    cidrs: { type: 'list', items: 'string' },
    ports: { type: 'list', items: 'number' },
  },
  steps: [{ id: 'note', manual: { task: 'Write it down' } }],
});
const DECLARED = Object.keys(runbook.inputs);

const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...DECLARED) }, { weight: 2, arbitrary: prototypeName }, { weight: 2, arbitrary: hostileText() });
const plausibleValue = fc.constantFrom('alice', 'bob.smith', 'eu', 'us', '4', '1.5', 'true', 'no', '203.0.113.7', '203.0.113.7,198.51.100.0/24', '443', '');
const value = fc.oneof({ weight: 5, arbitrary: plausibleValue }, { weight: 4, arbitrary: hostileText() }, { weight: 1, arbitrary: aroundLimit(LIMITS.inputTextLength.value) });
const pair = fc.oneof({ weight: 9, arbitrary: fc.tuple(name, value).map(([key, text]) => `${key}=${text}`) }, { weight: 1, arbitrary: hostileText() });
const flags = fc.oneof(
  { weight: 20, arbitrary: fc.array(pair, { maxLength: 10 }) },
  { weight: 1, arbitrary: fc.array(pair, { minLength: LIMITS.inputsGiven.value - 2, maxLength: LIMITS.inputsGiven.value + 40 }) },
);

describe(`quell start --input fuzz (seed ${seed}, ${numRuns} cases)`, () => {
  it('refuses only with named, visible, typed refusals; never touches a prototype; accepts only clean values', () => {
    // Logged as well as in the title, so a CI log shows which seed ran.
    console.info(`cli-inputs fuzz: seed ${seed}, ${numRuns} cases (QUELL_FUZZ_SEED=${seed} replays)`);
    const prototypes = prototypeSnapshot();
    const outcomes = { usage: 0, refused: 0, accepted: 0 };
    fc.assert(
      fc.property(flags, (pairs) => {
        withinTime(CASE_TIME_BOUND_MS, 'one case', () => check(pairs, outcomes));
        if (prototypeSnapshot() !== prototypes) throw new Error('Object.prototype changed');
        if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('a plain object gained a property');
      }),
      { seed, numRuns },
    );
    // The generators must reach every branch, or the properties above prove little.
    expect(outcomes.usage).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.accepted).toBeGreaterThan(0);
  });
});

function check(pairs: string[], outcomes: { usage: number; refused: number; accepted: number }): void {
  let given: Record<string, string | string[]>;
  try {
    given = parseInputPairs(pairs);
  } catch (error) {
    if (!(error instanceof CliFailure) || error.exitCode !== 2) throw error;
    if (!error.message.startsWith('--input ')) throw new Error(`usage refusal names no flag: ${error.message}`);
    if (!isVisible(error.message)) throw new Error(`usage refusal is not visible text: ${JSON.stringify(error.message)}`);
    outcomes.usage += 1;
    return;
  }
  if (Object.getPrototypeOf(given) !== null) throw new Error('parsed inputs have a prototype');
  const result = validateRunInputs(runbook, given);
  if (!result.ok) {
    outcomes.refused += 1;
    if (result.problems.length === 0) throw new Error('refused without a problem');
    for (const problem of result.problems) {
      const line = formatInputProblems([problem]);
      const names = problem.input === undefined ? line.startsWith('inputs: ') : line.startsWith('input ') && line.includes(problem.input);
      if (!names || problem.message.trim() === '') throw new Error(`refusal names no input: ${JSON.stringify(line)}`);
      if (!isVisible(line)) throw new Error(`refusal is not visible text: ${JSON.stringify(line)}`);
    }
    // Undeclared names are named one by one (the first ten; the rest are counted).
    const undeclared = Object.keys(given).filter((key) => !hasOwnKey(runbook.inputs, key));
    for (const key of undeclared.slice(0, 10)) {
      const plain = key.length <= 40 && isVisible(key);
      if (plain && !result.problems.some((problem) => problem.input === key)) throw new Error(`undeclared input ${JSON.stringify(key)} was not named`);
    }
    return;
  }
  outcomes.accepted += 1;
  if (Object.getPrototypeOf(result.values) !== null) throw new Error('accepted values have a prototype');
  for (const [key, accepted] of Object.entries(result.values)) {
    if (!hasOwnKey(runbook.inputs, key)) throw new Error(`accepted an undeclared input ${JSON.stringify(key)}`);
    for (const item of Array.isArray(accepted) ? accepted : [accepted]) {
      if (typeof item !== 'string') continue;
      if (!isVisible(item) || item.length > LIMITS.inputTextLength.value || item.trim() === '') throw new Error(`accepted ${key}=${JSON.stringify(item.slice(0, 80))}`);
    }
  }
  if (typeof result.values.principal !== 'string') throw new Error('accepted a run without its required input');
  const constructorGiven: unknown = hasOwnKey(given, 'constructor') ? given['constructor'] : undefined;
  if (typeof constructorGiven === 'string' && constructorGiven.trim() !== '' && result.values['constructor'] !== constructorGiven) {
    throw new Error('the input named constructor was not taken as given');
  }
}
