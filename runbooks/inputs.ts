/**
 * Validates and coerces the inputs of a run against the runbook's declarations, before the run
 * starts. Accepts typed values (Slack modal, API) and strings (CLI `--input k=v`), so every
 * surface gets the same rules and the same messages, each naming the input at fault.
 *
 * Input names are chosen by people twice over: the runbook author declares them, the responder
 * types them. Both are looked up as own properties only, so an input declared as `constructor`
 * works, and `__proto__`, `toString` and friends typed by a responder are unknown inputs like any
 * other. Values are bounded (README "Limits and input rules") and must be one line of visible
 * text: they are shown in terminals, Slack and audit lines, where a control character could
 * disguise what they say. Blank values count as not given.
 */
import { LIMITS, limitMessage } from '../common/limits';
import { emptyRecord, hasOwnKey, setOwn } from '../common/own';
import { compilePattern } from '../common/pattern';
import { excerpt, isBlank, shownTextProblem } from '../common/text-safety';
import type { InputSpecType, Runbook } from './schema';
import { ISO_TIME_EXAMPLE, parseIsoTime } from '../common/iso-time';

export interface InputProblem {
  /** The input at fault; absent when the problem is with the inputs as a whole (too many). */
  input?: string;
  message: string;
}

export type InputValidation =
  | { ok: true; values: Record<string, unknown> }
  | { ok: false; problems: InputProblem[] };

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off']);
/** How much of a refused value or name a message repeats: enough to recognise it, never a paste. */
const SHOWN_CHARACTERS = 60;
/** Unknown names refused one by one; past this many, the rest are counted, not listed. */
const UNKNOWN_NAMED = 10;

type Coerced = { value: unknown } | { problem: string };

export function validateRunInputs(runbook: Runbook, given: Record<string, unknown>): InputValidation {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    return { ok: false, problems: [{ message: 'must be a mapping of input names to values' }] };
  }
  const names = Object.keys(given);
  if (names.length > LIMITS.inputsGiven.value) {
    return { ok: false, problems: [{ message: `too many values given: ${limitMessage('inputsGiven', names.length)}` }] };
  }
  const problems: InputProblem[] = [];
  const values = emptyRecord<unknown>();
  const declared = runbook.inputs;

  const unknown = names.filter((name) => !hasOwnKey(declared, name));
  const known = Object.keys(declared);
  for (const name of unknown.slice(0, UNKNOWN_NAMED)) {
    const shownName = shown(name);
    problems.push({
      input: shownName,
      message: `runbook ${runbook.id} has no input "${shownName}"` + (known.length ? `; its inputs are: ${known.join(', ')}` : '; it takes no inputs'),
    });
  }
  if (unknown.length > UNKNOWN_NAMED) problems.push({ message: `${unknown.length - UNKNOWN_NAMED} more names that runbook ${runbook.id} has no input for` });

  for (const [name, spec] of Object.entries(declared)) {
    const raw = hasOwnKey(given, name) ? given[name] : undefined;
    const coerced = isMissing(raw) ? missing(spec) : coerce(spec, raw);
    if ('problem' in coerced) problems.push({ input: name, message: coerced.problem });
    else if (coerced.value !== undefined) setOwn(values, name, coerced.value);
  }
  if (problems.length === 0) {
    // Each value is bounded; together they must still fit comfortably in one workflow start.
    const bytes = new TextEncoder().encode(JSON.stringify(values)).length;
    if (bytes > LIMITS.runInputsBytes.value) problems.push({ message: `the values together are too large: ${limitMessage('runInputsBytes', bytes)}` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

export function formatInputProblems(problems: InputProblem[]): string {
  return problems.map((problem) => (problem.input === undefined ? `inputs: ${problem.message}` : `input ${inputLabel(problem.input)}: ${problem.message}`)).join('\n');
}

/** An input's name as a message starts with it: quoted when it is not a plain word (`input ":": ...`). */
function inputLabel(name: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(name) ? name : `"${name}"`;
}

/** Nothing given, or only whitespace: a required input is then missing. */
function isMissing(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && isBlank(raw));
}

/** What an input left out becomes: its default, an empty value, or a problem when required. */
function missing(spec: InputSpecType): Coerced {
  if (spec.default !== undefined) return { value: spec.default };
  if (spec.required) return { problem: `is required${spec.description ? ` (${spec.description})` : ''}` };
  return { value: spec.type === 'list' ? [] : null };
}

function coerce(spec: InputSpecType, raw: unknown): Coerced {
  if (typeof raw === 'string') {
    const problem = textProblem(raw);
    if (problem) return { problem };
  }
  switch (spec.type) {
    case 'string':
      return typeof raw === 'string' ? checkScalar(spec, raw) : { problem: `must be text, got ${describeGiven(raw)}` };
    case 'number':
      return coerceNumber(spec, raw);
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const word = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (TRUE_WORDS.has(word)) return { value: true };
      if (FALSE_WORDS.has(word)) return { value: false };
      return { problem: `must be true or false, got ${describeGiven(raw)}` };
    }
    case 'list':
      return coerceList(spec, raw);
    case 'datetime':
      // Kept as given (trimmed): the offset the person typed is part of what they meant.
      return typeof raw === 'string' && parseIsoTime(raw) !== undefined
        ? { value: raw.trim() }
        : { problem: `must be an ISO time with a date, time and offset (e.g. ${ISO_TIME_EXAMPLE}), got ${describeGiven(raw)}` };
  }
}

function coerceNumber(spec: InputSpecType, raw: unknown): Coerced {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(value)) return { problem: `must be a number, got ${describeGiven(raw)}` };
  return checkScalar(spec, value);
}

function coerceList(spec: InputSpecType, raw: unknown): Coerced {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((part) => part.trim()).filter(Boolean) : undefined;
  if (!items) return { problem: `must be a list, got ${describeGiven(raw)}` };
  if (items.length > LIMITS.inputListItems.value) return { problem: `has too many items: ${limitMessage('inputListItems', items.length)}` };
  if (spec.required && items.length === 0) return missing({ ...spec, default: undefined });
  const itemSpec: InputSpecType = { ...spec, type: spec.items === 'number' ? 'number' : 'string' };
  const result: unknown[] = [];
  for (const [index, item] of items.entries()) {
    const coerced = isMissing(item) ? { problem: 'is empty' } : coerce(itemSpec, item);
    if ('problem' in coerced) return { problem: `item ${index + 1}: ${coerced.problem}` };
    result.push(coerced.value);
  }
  return { value: result };
}

function checkScalar(spec: InputSpecType, value: string | number): Coerced {
  if (spec.enum && !spec.enum.includes(value)) {
    return { problem: `must be one of ${spec.enum.map((option) => JSON.stringify(option)).join(', ')}, got ${describeGiven(value)}` };
  }
  if (spec.pattern !== undefined && typeof value === 'string') {
    // Linear-time matching: a pattern with nested repetition cannot make a start slow.
    const pattern = compilePattern(spec.pattern);
    if (!pattern.ok) return { problem: `cannot be checked: the runbook's ${pattern.message}` };
    if (!pattern.test(value)) return { problem: `${describeGiven(value)} does not match the pattern ${spec.pattern}` };
  }
  return { value };
}

/** Why a value given as text cannot be used, or undefined: too long, or not one visible line. */
function textProblem(text: string): string | undefined {
  return shownTextProblem(text, 'inputTextLength');
}

/** A given value as a message shows it: quoted and shortened text, or just what kind of thing it is. */
function describeGiven(raw: unknown): string {
  if (typeof raw === 'string') return `"${shown(raw)}"`;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw)) return `a list of ${raw.length} item${raw.length === 1 ? '' : 's'}`;
  return raw === null ? 'nothing' : typeof raw === 'object' ? 'a mapping' : `a ${typeof raw}`;
}

/** Text people sent, safe and short enough to repeat in a message (e.g. an unknown input's name). */
function shown(text: string): string {
  return excerpt(text, SHOWN_CHARACTERS);
}
