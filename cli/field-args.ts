/**
 * `--field name=value` arguments (`quell answer`, `quell done`, `quell event`), typed as the step
 * declares its fields (`--field count=3` is a number for a number field) and checked here first
 * with the workflow's own words. Without a declaration to go by, values stay text and the
 * workflow's check has the last word.
 */
import { parseFieldText } from '../common/form-fields';
import type { FormFieldState } from '../common/run-state';
import { checkedFreeText, checkedReference } from './checks';
import { shownLine } from './display';
import { usageFailure } from './failure';

export function fieldArgOption(value: string, all: string[]): string[] {
  return [...all, value];
}

export function typedFieldArgs(args: readonly string[], declared: readonly FormFieldState[] | undefined, what: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const arg of args) {
    const equals = arg.indexOf('=');
    if (equals <= 0) throw usageFailure(`--field ${shownLine(arg)}: write it as name=value`);
    const name = arg.slice(0, equals).trim();
    const text = arg.slice(equals + 1);
    checkedReference('--field name', name);
    checkedFreeText(`--field ${name}`, text);
    if (Object.prototype.hasOwnProperty.call(fields, name)) throw usageFailure(`--field ${shownLine(name)} is given twice`);
    const field = declared?.find((candidate) => candidate.name === name);
    if (declared && !field) {
      const known = declared.map((candidate) => candidate.name);
      throw usageFailure(`--field ${shownLine(name)}: ${what} declares no such field (${known.length > 0 ? `it has ${known.join(', ')}` : 'it has none'})`);
    }
    const parsed = field ? parseFieldText(field, text) : { value: text };
    if ('problem' in parsed) throw usageFailure(parsed.problem);
    fields[name] = parsed.value;
  }
  return fields;
}
