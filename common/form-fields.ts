/**
 * The values people fill in when they answer a decision (its `fields:`): checked the same way by
 * the workflow's Update validator, the CLI (`--field name=value`) and Slack's form, so a value is
 * refused with the same words wherever it was typed. Text is bounded and free of invisible or
 * control characters; a datetime is ISO 8601 with an offset. Workflow-safe: no zod, no I/O.
 */
import type { FormFieldState } from './run-state';
import { parseIsoTime, ISO_TIME_EXAMPLE } from './iso-time';
import { shownTextProblem } from './text-safety';

export interface FormCheck {
  /** The accepted values, typed, with only declared fields. */
  values: Record<string, unknown>;
  /** One line per refused field, naming it: `fields.severity: must be one of low, high`. */
  problems: string[];
}

/** The runbook's declaration of fields (`fields:` of a decision, `outputs:` of a wait or task), in its order. */
export function formFieldStates(
  declared: Record<string, { type: FormFieldState['type']; required?: boolean; enum?: Array<string | number>; description?: string }> | undefined,
): FormFieldState[] {
  return Object.entries(declared ?? {}).map(([name, field]) => ({
    name,
    type: field.type,
    required: field.required ?? false,
    ...(field.enum ? { enum: [...field.enum] } : {}),
    ...(field.description ? { description: field.description } : {}),
  }));
}

/**
 * Checks the values given for a form: each known, typed as declared, required ones present.
 * `label` names the values in messages: `fields` for an answer, `payload` for event details.
 */
export function checkFormValues(fields: readonly FormFieldState[], raw: unknown, label = 'fields'): FormCheck {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return { values, problems: [`${label}: must be an object of field values`] };
  const given = raw as Record<string, unknown>;
  const declared = new Map(fields.map((field) => [field.name, field]));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = fields.map((field) => field.name);
      problems.push(`${label}.${printable(name)}: this step declares no such field${known.length > 0 ? ` (it has ${known.join(', ')})` : ' (it has none)'}`);
    }
  }
  for (const field of fields) {
    const value = Object.prototype.hasOwnProperty.call(given, field.name) ? given[field.name] : undefined;
    if (value === undefined || value === '') {
      if (field.required) problems.push(`${label}.${field.name}: is required`);
      continue;
    }
    const problem = valueProblem(field, value);
    if (problem) problems.push(`${label}.${field.name}: ${problem}`);
    else values[field.name] = typeof value === 'string' ? value.trim() : value;
  }
  return { values, problems };
}

function valueProblem(field: FormFieldState, value: unknown): string | undefined {
  switch (field.type) {
    case 'string': {
      if (typeof value !== 'string') return 'must be text';
      const problem = shownTextProblem(value, 'reasonLength', { allowLineBreaks: true });
      if (problem) return problem;
      break;
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return 'must be true or false';
      break;
    case 'datetime':
      if (typeof value !== 'string' || parseIsoTime(value) === undefined) return `must be an ISO 8601 time with an offset, e.g. ${ISO_TIME_EXAMPLE}`;
      break;
  }
  if (field.enum && !field.enum.some((allowed) => allowed === (typeof value === 'string' ? value.trim() : value))) {
    return `must be one of ${field.enum.join(', ')}`;
  }
  return undefined;
}

/**
 * A value typed as text (`--field count=3`, a Slack text input) turned into the field's type, or
 * a problem. Text stays text; the checks above still apply afterwards.
 */
export function parseFieldText(field: FormFieldState, text: string): { value: unknown } | { problem: string } {
  const trimmed = text.trim();
  switch (field.type) {
    case 'number': {
      const value = Number(trimmed);
      return trimmed !== '' && Number.isFinite(value) ? { value } : { problem: `fields.${field.name}: "${printable(text)}" is not a number` };
    }
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (['true', 'yes', 'y', '1'].includes(lower)) return { value: true };
      if (['false', 'no', 'n', '0'].includes(lower)) return { value: false };
      return { problem: `fields.${field.name}: "${printable(text)}" is not true or false` };
    }
    default:
      return { value: text };
  }
}

/** A field name as sent, shortened and made visible, for a message about it. */
function printable(text: string): string {
  const visible = text.replace(/[^\x20-\x7e]/g, '?');
  return visible.length > 40 ? `${visible.slice(0, 40)}…` : visible;
}
