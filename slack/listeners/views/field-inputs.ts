/**
 * Form fields in a modal, generated from a declaration (a decision's `fields`, a wait's or a
 * task's `outputs`), and read back. Values are typed and checked with the same rules as the
 * CLI's `--field` and the workflow's validator (common/form-fields.ts); a problem is put on the
 * field it concerns, ready for `response_action: errors`, before anything is sent.
 *
 * | field                          | element                          |
 * | ------------------------------ | -------------------------------- |
 * | string / number with `enum`    | static_select                     |
 * | boolean                        | static_select (Yes / No)          |
 * | number                         | number_input (decimals allowed)   |
 * | string                         | multiline plain_text_input        |
 * | datetime                       | plain_text_input (ISO 8601)       |
 */
import type { InputBlock, PlainTextOption } from '@slack/web-api';
import { checkFormValues, parseFieldText } from '../../../common/form-fields';
import { ISO_TIME_EXAMPLE } from '../../../common/iso-time';
import { LIMITS } from '../../../common/limits';
import type { FormFieldState } from '../../../common/run-state';
import type { ViewStateValues } from '../../payloads';
import { VALUE, fieldState } from '../../start-modal';
import { LIMIT, plain, truncate } from '../../text';

const FIELD_BLOCK_PREFIX = 'quell.field.';
/** Enums longer than this do not fit a static select; they are typed instead. */
const SELECT_OPTIONS_MAX = 100;

export function fieldBlockId(name: string): string {
  return `${FIELD_BLOCK_PREFIX}${name}`;
}

/** One input block per declared field. */
export function fieldBlock(field: FormFieldState): InputBlock {
  const base = {
    type: 'input' as const,
    block_id: fieldBlockId(field.name),
    label: plain(field.name, LIMIT.label),
    optional: !field.required,
    ...(field.description ? { hint: plain(field.description, LIMIT.hint) } : {}),
  };
  if (field.enum && field.enum.length <= SELECT_OPTIONS_MAX) {
    return { ...base, element: { type: 'static_select', action_id: VALUE, options: field.enum.map((value) => option(String(value))) } };
  }
  switch (field.type) {
    case 'boolean':
      return { ...base, element: { type: 'static_select', action_id: VALUE, options: [option('true', 'Yes'), option('false', 'No')] } };
    case 'number':
      return { ...base, element: { type: 'number_input', action_id: VALUE, is_decimal_allowed: true } };
    case 'datetime':
      return { ...base, element: { type: 'plain_text_input', action_id: VALUE, placeholder: plain(ISO_TIME_EXAMPLE, LIMIT.placeholder) } };
    case 'string':
      return { ...base, element: { type: 'plain_text_input', action_id: VALUE, multiline: true, max_length: LIMITS.reasonLength.value } };
  }
}

function option(value: string, text = value): PlainTextOption {
  return { text: plain(text, LIMIT.optionText), value: truncate(value, LIMIT.optionValue) };
}

export type FieldFormReading = { ok: true; fields: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

/**
 * Reads a submitted form back into typed field values (parseFieldText, as the CLI types
 * `--field`), then checks them as the workflow will (checkFormValues). Each problem is put on its
 * field's block, in the checks' own words with the field's name as subject ("notes is required").
 */
export function readFieldForm(fields: readonly FormFieldState[], values: ViewStateValues): FieldFormReading {
  const errors: Record<string, string> = {};
  const given: Record<string, unknown> = {};
  for (const field of fields) {
    const state = fieldState(values, fieldBlockId(field.name));
    const text = state?.type === 'static_select' ? state.selected_option?.value : state?.value;
    if (text === undefined || text === null || text.trim() === '') continue;
    const parsed = parseFieldText(field, text);
    if ('problem' in parsed) errors[fieldBlockId(field.name)] = fieldProblem(parsed.problem);
    else given[field.name] = parsed.value;
  }
  const checked = checkFormValues(fields, given);
  for (const problem of checked.problems) {
    const name = /^fields\.([^:]+):/.exec(problem)?.[1];
    const block = fieldBlockId(name && fields.some((field) => field.name === name) ? name : (fields[0]?.name ?? ''));
    errors[block] ??= fieldProblem(problem);
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, fields: checked.values };
}

/** `fields.notes: is required` → `notes is required`. */
function fieldProblem(problem: string): string {
  return truncate(problem.replace(/^fields\.([^:]+): /, '$1 '), 300);
}
