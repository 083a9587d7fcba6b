/**
 * Validates and coerces the inputs of a run against the runbook's declarations, before the run
 * starts. Accepts typed values (Slack modal, API) and strings (CLI `--input k=v`), so every
 * surface gets the same rules and the same messages, each naming the input at fault.
 */
import type { InputSpecType, Runbook } from './schema';

export interface InputProblem {
  input: string;
  message: string;
}

export type InputValidation =
  | { ok: true; values: Record<string, unknown> }
  | { ok: false; problems: InputProblem[] };

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off']);

export function validateRunInputs(runbook: Runbook, given: Record<string, unknown>): InputValidation {
  const problems: InputProblem[] = [];
  const values: Record<string, unknown> = {};
  const declared = runbook.inputs;

  for (const name of Object.keys(given)) {
    if (!(name in declared)) {
      const known = Object.keys(declared);
      problems.push({
        input: name,
        message: `runbook ${runbook.id} has no input "${name}"` + (known.length ? `; its inputs are: ${known.join(', ')}` : '; it takes no inputs'),
      });
    }
  }

  for (const [name, spec] of Object.entries(declared)) {
    const raw = given[name];
    if (raw === undefined || raw === '') {
      if (spec.default !== undefined) values[name] = spec.default;
      else if (spec.required) problems.push({ input: name, message: `is required${spec.description ? ` (${spec.description})` : ''}` });
      else values[name] = spec.type === 'list' ? [] : null;
      continue;
    }
    const coerced = coerce(spec, raw);
    if ('problem' in coerced) problems.push({ input: name, message: coerced.problem });
    else values[name] = coerced.value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

export function formatInputProblems(problems: InputProblem[]): string {
  return problems.map((problem) => `input ${problem.input}: ${problem.message}`).join('\n');
}

function coerce(spec: InputSpecType, raw: unknown): { value: unknown } | { problem: string } {
  switch (spec.type) {
    case 'string':
      return checkScalar(spec, typeof raw === 'string' ? raw : undefined, 'a string');
    case 'number': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(value)) return { problem: `must be a number, got ${JSON.stringify(raw)}` };
      return checkScalar(spec, value, 'a number');
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const word = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (TRUE_WORDS.has(word)) return { value: true };
      if (FALSE_WORDS.has(word)) return { value: false };
      return { problem: `must be true or false, got ${JSON.stringify(raw)}` };
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((part) => part.trim()).filter(Boolean) : undefined;
      if (!items) return { problem: `must be a list, got ${JSON.stringify(raw)}` };
      const itemSpec: InputSpecType = { ...spec, type: spec.items === 'number' ? 'number' : 'string' };
      const result: unknown[] = [];
      for (const [index, item] of items.entries()) {
        const coerced = coerce(itemSpec, item);
        if ('problem' in coerced) return { problem: `item ${index + 1}: ${coerced.problem}` };
        result.push(coerced.value);
      }
      return { value: result };
    }
  }
}

function checkScalar(spec: InputSpecType, value: string | number | undefined, what: string): { value: unknown } | { problem: string } {
  if (value === undefined) return { problem: `must be ${what}` };
  if (spec.enum && !spec.enum.includes(value)) {
    return { problem: `must be one of ${spec.enum.map((option) => JSON.stringify(option)).join(', ')}, got ${JSON.stringify(value)}` };
  }
  if (spec.pattern && typeof value === 'string' && !new RegExp(spec.pattern).test(value)) {
    return { problem: `${JSON.stringify(value)} does not match the pattern ${spec.pattern}` };
  }
  return { value };
}
