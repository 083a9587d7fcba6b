/**
 * Property test of what the Slack app reads from people, in process and exactly as the listeners
 * read it: start-form submissions (state parsed by the payload schema, then readStartSubmission),
 * button values, reason forms, `/quell` text, whole interaction bodies, and the text builders that
 * put people's words back into Slack. Inputs mix forging characters, every Unicode plane, values
 * around their limits, wrong types and block ids or keys named like JavaScript built-ins.
 * Properties, for every case:
 * - nothing throws; a refused form names the fields at fault (only blocks the form has), in
 *   visible text;
 * - what is accepted passes the run's own input rules and holds no forbidden characters;
 * - text built for Slack shows every control or invisible character as a visible escape and no
 *   raw `<` or `>` from people;
 * - no object's prototype changes; each case takes under 200 ms.
 * Seeded (QUELL_FUZZ_SEED replays a seed; fast-check prints the failing one), QUELL_FUZZ_RUNS scales.
 */
import fc from 'fast-check';
import { LIMITS } from '../../common/limits';
import { validateRunInputs } from '../../runbooks/inputs';
import { RunbookSchema, type Runbook } from '../../runbooks/schema';
import { parseQuellCommand } from '../../slack/command-text';
import { ApprovalButtonValue, EventButtonValue, ManualButtonValue, parseButtonValue } from '../../slack/interaction-values';
import { BlockActionBody, SlashCommandBody, ViewStateValues, ViewSubmissionBody } from '../../slack/payloads';
import { REASON_BLOCK, readReason } from '../../slack/reason-modal';
import { START_BLOCK, inputBlockId, readStartSubmission } from '../../slack/start-modal';
import { code, escape, who } from '../../slack/text';
import { INCIDENT_ID_PATTERN } from '../../workflows/ids';
import { fuzzSettings } from '../support/fuzz-settings';
import { aroundLimit, hostileText, isVisible, prototypeName, prototypeSnapshot, withinTime } from './hostile-text';

const { seed, numRuns } = fuzzSettings('slack-payloads', 1_300);
const CASE_TIME_BOUND_MS = 200;

const runbook: Runbook = RunbookSchema.parse({
  id: 'fuzz-slack-form',
  version: 1,
  title: 'A form with every kind of field',
  severity: 'low',
  inputs: {
    principal: { type: 'string', required: true, description: 'who' },
    constructor: { type: 'string' },
    vendor: { type: 'string', enum: ['acme', 'globex'] },
    hours: { type: 'number' },
    notify: { type: 'boolean' },
    cidrs: { type: 'list', items: 'string' },
    systems: { type: 'list', items: 'string', enum: ['aws', 'github'] },
  },
  steps: [{ id: 'note', manual: { task: 'Write it down' } }],
});
const FORM_BLOCKS = [...Object.keys(runbook.inputs).map(inputBlockId), START_BLOCK.incident, START_BLOCK.mode];

const text = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('alice', 'acme', 'aws', 'true', '4', '203.0.113.7\n198.51.100.1', 'INC-42', 'tabletop', '') },
  { weight: 5, arbitrary: hostileText() },
  { weight: 1, arbitrary: aroundLimit(LIMITS.inputTextLength.value) },
);
const option = text.map((value) => ({ text: { type: 'plain_text', text: 'x' }, value }));
const elementState = fc.oneof(
  fc.record({ type: fc.constantFrom('plain_text_input', 'number_input'), value: fc.oneof(text, fc.constant(null)) }),
  fc.record({ type: fc.constant('static_select'), selected_option: fc.oneof(option, fc.constant(null)) }),
  fc.record({ type: fc.constantFrom('multi_static_select', 'checkboxes'), selected_options: fc.array(option, { maxLength: 4 }) }),
  fc.record({ type: hostileText(), value: fc.jsonValue({ maxDepth: 1 }) }),
  fc.jsonValue({ maxDepth: 2 }),
);
const blockId = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FORM_BLOCKS) }, { weight: 1, arbitrary: prototypeName }, { weight: 1, arbitrary: prototypeName.map(inputBlockId) }, { weight: 1, arbitrary: hostileText() });
const actionId = fc.oneof({ weight: 8, arbitrary: fc.constant('value') }, { weight: 1, arbitrary: prototypeName });

/** JSON text of an object with exactly these entries (so a `__proto__` key arrives as a key). */
function objectJson(entries: Array<[string, unknown]>): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;
}
/** view.state.values as Slack's JSON would carry them. */
const stateValues = fc
  .array(fc.tuple(blockId, actionId, elementState), { maxLength: 9 })
  .map((entries) => JSON.parse(`{${entries.map(([block, action, state]) => `${JSON.stringify(block)}:${objectJson([[action, state]])}`).join(',')}}`) as unknown);

const buttonValue = fc.oneof(
  fc.tuple(text, text, fc.constantFrom('a'.repeat(64), 'A'.repeat(64), 'x')).map(([w, s, h]) => JSON.stringify({ w, s, h })),
  fc.tuple(text, text, text).map(([w, s, e]) => JSON.stringify({ w, s, e })),
  fc.tuple(text, prototypeName, text).map(([w, key, s]) => objectJson([['w', w], ['s', s], [key, 'x']])),
  hostileText(),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? ''),
);

type Case =
  | { kind: 'form'; values: unknown }
  | { kind: 'reason'; values: unknown }
  | { kind: 'button'; value: string }
  | { kind: 'command'; text: string }
  | { kind: 'body'; body: unknown }
  | { kind: 'render'; text: string };

const commandText = fc.oneof(
  fc.tuple(fc.constantFrom('start', 'status', 'cancel', 'list', 'help', 'strat', ''), fc.array(text, { maxLength: 3 })).map(([sub, words]) => [sub, ...words].join(' ')),
  hostileText({ limit: 4000 }),
);
const cases: fc.Arbitrary<Case> = fc.oneof(
  { weight: 5, arbitrary: stateValues.map((values): Case => ({ kind: 'form', values })) },
  { weight: 1, arbitrary: text.map((reason): Case => ({ kind: 'reason', values: { [REASON_BLOCK]: { value: { type: 'plain_text_input', value: reason } } } })) },
  { weight: 2, arbitrary: buttonValue.map((value): Case => ({ kind: 'button', value })) },
  { weight: 2, arbitrary: commandText.map((command): Case => ({ kind: 'command', text: command })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((body): Case => ({ kind: 'body', body })) },
  { weight: 1, arbitrary: hostileText({ limit: 3000 }).map((shown): Case => ({ kind: 'render', text: shown })) },
);

describe(`Slack payload fuzz (seed ${seed}, ${numRuns} cases)`, () => {
  it('never throws, names the fields it refuses, accepts only clean values, and renders people’s text visibly', () => {
    console.info(`slack-payloads fuzz: seed ${seed}, ${numRuns} cases (QUELL_FUZZ_SEED=${seed} replays)`);
    const prototypes = prototypeSnapshot();
    const outcomes = { formRefused: 0, formAccepted: 0 };
    fc.assert(
      fc.property(cases, (one) => {
        withinTime(CASE_TIME_BOUND_MS, `one ${one.kind} case`, () => check(one, outcomes));
        if (prototypeSnapshot() !== prototypes) throw new Error('Object.prototype changed');
      }),
      { seed, numRuns },
    );
    expect(outcomes.formRefused).toBeGreaterThan(0);
    expect(outcomes.formAccepted).toBeGreaterThan(0);
  });
});

function check(one: Case, outcomes: { formRefused: number; formAccepted: number }): void {
  switch (one.kind) {
    case 'form':
      return checkForm(one.values, outcomes);
    case 'reason': {
      const parsed = ViewStateValues.safeParse(one.values);
      if (!parsed.success) return;
      const reason = readReason(parsed.data);
      if (reason.ok) assertText(reason.reason, 'accepted reason', { lines: true, max: LIMITS.reasonLength.value });
      else for (const message of Object.values(reason.errors)) assertText(message, 'reason form error');
      return;
    }
    case 'button':
      for (const schema of [ApprovalButtonValue, EventButtonValue, ManualButtonValue] as const) {
        const value = parseButtonValue(schema as typeof ManualButtonValue, one.value);
        if (value === undefined) continue;
        for (const field of Object.values(value as Record<string, string | number>).filter((entry): entry is string => typeof entry === 'string')) assertText(field, 'accepted button field', { max: LIMITS.referenceLength.value });
      }
      return;
    case 'command': {
      const command = parseQuellCommand(one.text);
      if (command.kind === 'cancel' && command.reason !== undefined) assertText(command.reason, 'accepted cancel reason', { lines: true, max: LIMITS.reasonLength.value });
      if (command.kind === 'usage') assertText(escape(command.problem), 'usage reply', { lines: true });
      if (command.kind === 'unknown') assertSlackText(code(command.word), 'echoed word');
      return;
    }
    case 'body':
      BlockActionBody.safeParse(one.body);
      ViewSubmissionBody.safeParse(one.body);
      SlashCommandBody.safeParse(one.body);
      return;
    case 'render':
      assertSlackText(escape(one.text), 'escaped text', true);
      assertSlackText(who(one.text), 'actor');
      assertSlackText(code(one.text), 'inline code');
      return;
  }
}

function checkForm(values: unknown, outcomes: { formRefused: number; formAccepted: number }): void {
  const parsed = ViewStateValues.safeParse(values);
  if (!parsed.success) return;
  const submission = readStartSubmission(runbook, parsed.data);
  if (!submission.ok) {
    outcomes.formRefused += 1;
    const blocks = Object.keys(submission.errors);
    if (blocks.length === 0) throw new Error('refused without naming a field');
    for (const block of blocks) {
      if (!FORM_BLOCKS.includes(block)) throw new Error(`an error on a block the form does not have: ${JSON.stringify(block)}`);
      assertText(submission.errors[block], `error on ${block}`, { max: 300 });
    }
    return;
  }
  outcomes.formAccepted += 1;
  const validated = validateRunInputs(runbook, submission.inputs);
  if (!validated.ok) throw new Error(`accepted a form the run would refuse: ${JSON.stringify(validated.problems).slice(0, 200)}`);
  for (const value of Object.values(validated.values)) {
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') assertText(item, 'accepted input', { max: LIMITS.inputTextLength.value });
  }
  if (submission.incidentId !== undefined && !INCIDENT_ID_PATTERN.test(submission.incidentId)) throw new Error(`accepted incident ${JSON.stringify(submission.incidentId)}`);
}

function assertText(value: string, what: string, options: { lines?: boolean; max?: number } = {}): void {
  if (value.trim() === '' && what.startsWith('error')) throw new Error(`${what} is empty`);
  if (!isVisible(value, options.lines)) throw new Error(`${what} is not visible text: ${JSON.stringify(value.slice(0, 120))}`);
  if (options.max !== undefined && value.length > options.max) throw new Error(`${what} is ${value.length} characters`);
}

/** Built for Slack: visible, and angle brackets only where Quell makes a mention. */
function assertSlackText(value: string, what: string, lines = false): void {
  assertText(value, what, { lines });
  if (/[<>]/.test(value.replace(/^<@[UW][A-Z0-9]{2,39}>$/, ''))) throw new Error(`${what} has a raw angle bracket: ${JSON.stringify(value.slice(0, 120))}`);
}
