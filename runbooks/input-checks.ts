/**
 * Checks of a runbook's declared inputs: defaults, enum options and patterns must be values the
 * input itself would accept (patterns compiled by the same linear-time engine that matches run
 * inputs, so lint and start agree), and a runbook declares at most so many inputs.
 *
 * Workflow-safe: pure functions over common/.
 */
import { LIMITS, limitMessage } from '../common/limits';
import { compilePattern } from '../common/pattern';
import { ISO_TIME_EXAMPLE, parseIsoTime } from '../common/iso-time';
import type { DocumentProblem } from '../config/yaml/explain-issues';
import type { InputSpecType } from './schema';

const inputTypeNoun: Record<InputSpecType['type'], string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  list: 'a list',
  datetime: 'a time',
};

function scalarProblem(spec: InputSpecType, value: unknown, itemType: 'string' | 'number' | 'boolean' | 'datetime'): string | undefined {
  if (itemType === 'datetime') return typeof value === 'string' && parseIsoTime(value) !== undefined ? undefined : `${JSON.stringify(value)} is not an ISO time with a date, time and offset (${ISO_TIME_EXAMPLE})`;
  if (itemType === 'number' && (typeof value !== 'number' || !Number.isFinite(value))) return `${JSON.stringify(value)} is not a number`;
  if (itemType === 'string' && typeof value !== 'string') return `${JSON.stringify(value)} is not text`;
  if (itemType === 'boolean' && typeof value !== 'boolean') return `${JSON.stringify(value)} is not true or false`;
  if (spec.pattern !== undefined && typeof value === 'string') {
    const pattern = compilePattern(spec.pattern);
    if (!pattern.ok) return pattern.message;
    if (!pattern.test(value)) return `${JSON.stringify(value)} does not match the pattern ${spec.pattern}`;
  }
  if (spec.enum !== undefined && !spec.enum.some((allowed) => allowed === value)) {
    return `${JSON.stringify(value)} is not one of ${spec.enum.join(', ')}`;
  }
  return undefined;
}

/**
 * Why `value` is not acceptable for an input declared as `spec`, or undefined if it is. Shared by
 * the linter (defaults) and whoever validates inputs when a run starts, so both agree. `pattern`
 * is searched like a JavaScript/JSON Schema pattern (anchor it with ^...$ for a full match); for
 * lists, `pattern` and `enum` apply to every item, and items are strings unless `items: number`.
 */
export function inputValueProblem(spec: InputSpecType, value: unknown): string | undefined {
  if (spec.type !== 'list') return scalarProblem(spec, value, spec.type);
  if (!Array.isArray(value)) return `${JSON.stringify(value)} is not a list`;
  for (const [index, item] of value.entries()) {
    const problem = scalarProblem(spec, item, spec.items ?? 'string');
    if (problem) return `item ${index}: ${problem}`;
  }
  return undefined;
}

export function checkInputs(inputs: Record<string, InputSpecType>): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const names = Object.keys(inputs);
  if (names.length > LIMITS.runbookInputs.value) {
    problems.push({ path: ['inputs', names[LIMITS.runbookInputs.value]], at: 'key', message: `too many inputs: ${limitMessage('runbookInputs', names.length)}` });
  }
  for (const [name, spec] of Object.entries(inputs)) {
    if (spec.pattern !== undefined) {
      // Compiled by the same linear-time engine that matches run inputs, so lint and start agree.
      const pattern = compilePattern(spec.pattern);
      if (!pattern.ok) {
        problems.push({ path: ['inputs', name, 'pattern'], message: pattern.message });
        continue;
      }
    }
    if (spec.enum !== undefined) {
      // An option that the input's own type or pattern refuses could be offered but never chosen.
      const itemType = spec.type === 'list' ? (spec.items ?? 'string') : spec.type;
      const enumProblems = spec.enum.flatMap((option, index) => {
        const problem = itemType === 'boolean' ? 'enum does not apply to true/false inputs' : scalarProblem({ ...spec, enum: undefined }, option, itemType);
        return problem ? [{ path: ['inputs', name, 'enum', index], message: `option ${index + 1} of input "${name}" (${inputTypeNoun[spec.type]}) is invalid: ${problem}` }] : [];
      });
      problems.push(...enumProblems.slice(0, 1));
    }
    if (spec.default === undefined) continue;
    const path = ['inputs', name, 'default'];
    if (spec.required === true) {
      problems.push({ path, at: 'key', message: `input "${name}": required inputs cannot have a default; remove "required: true" or the default` });
      continue;
    }
    const problem = inputValueProblem(spec, spec.default);
    if (problem) problems.push({ path, message: `default of input "${name}" (${inputTypeNoun[spec.type]}) is invalid: ${problem}` });
  }
  return problems;
}
