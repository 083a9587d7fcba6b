/**
 * The "start a runbook" modal, generated from the runbook's typed inputs, and the reading of its
 * submission back into run inputs. Pure (no I/O): the listeners open and read it, and the same
 * rules as every other surface apply (runbooks/inputs.ts validates), so a problem is named on the
 * field it belongs to.
 *
 * | input                         | element                                       |
 * | ----------------------------- | --------------------------------------------- |
 * | string / number with `enum`   | static_select                                  |
 * | string                        | plain_text_input                               |
 * | number                        | number_input (decimals allowed)                |
 * | boolean                       | one checkbox (unticked = false)                |
 * | list with `enum`              | multi_static_select                            |
 * | list                          | multiline plain_text_input, one item per line  |
 *
 * Plus the incident id (empty: derived from the view, so a replayed submission maps to the same
 * run) and the tabletop checkbox.
 */
import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/web-api';
import { INCIDENT_ID_PATTERN, INCIDENT_ID_RULE } from '../client/request-rules';
import { emptyRecord, ownValue, setOwn } from '../common/own';
import { validateRunInputs } from '../runbooks/inputs';
import type { InputSpecType, Runbook } from '../runbooks/schema';
import { CallbackId } from './blocks/interaction-ids';
import type { StartModalMetadata, ViewStateValue, ViewStateValues } from './payloads';
import { LIMIT, escape, plain, truncate } from './text';
import { ISO_TIME_EXAMPLE } from '../common/iso-time';

export const START_BLOCK = {
  incident: 'quell.incident',
  mode: 'quell.mode',
  inputPrefix: 'quell.input.',
} as const;
/** Every element in Quell's modals uses this action id; the block id says which field it is. */
export const VALUE = 'value';
const TABLETOP = 'tabletop';

export function inputBlockId(name: string): string {
  return `${START_BLOCK.inputPrefix}${name}`;
}

export interface StartModalOptions {
  sha256: string;
  /** Where the command was typed: the result is posted there (ephemeral). */
  channelId?: string;
  /** Tick the tabletop box (`/quell start <runbook> tabletop`). */
  tabletop?: boolean;
}

/** Fixed blocks besides the inputs: header, context, incident, mode. */
const FIXED_BLOCKS = 4;

export class ModalTooLargeError extends Error {
  override readonly name = 'ModalTooLargeError';
}

export function buildStartModal(runbook: Runbook, options: StartModalOptions): ModalView {
  const inputs = Object.entries(runbook.inputs);
  if (inputs.length + FIXED_BLOCKS > LIMIT.blocks) {
    throw new ModalTooLargeError(`runbook ${runbook.id} has ${inputs.length} inputs, more than a Slack form can hold; start it with the CLI`);
  }
  const metadata: StartModalMetadata = { r: runbook.id, h: options.sha256, ...(options.channelId ? { c: options.channelId } : {}) };
  const description = runbook.description ? `\n${escape(runbook.description.trim())}` : '';
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${escape(runbook.title)}*  ·  severity ${runbook.severity}${description}`, LIMIT.sectionText) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(`\`${runbook.id}\` v${runbook.version}  ·  a live run acts on real systems; a tabletop run only records what it would do`, LIMIT.contextText),
        },
      ],
    },
    ...inputs.map(([name, spec]) => inputBlock(name, spec)),
    {
      type: 'input',
      block_id: START_BLOCK.incident,
      optional: true,
      label: plain('Incident id', LIMIT.label),
      hint: plain('Letters, digits, . _ - (e.g. INC-42). Leave empty for a new one. The same runbook runs once per incident.', LIMIT.hint),
      element: { type: 'plain_text_input', action_id: VALUE, max_length: 64, placeholder: plain('INC-42', LIMIT.placeholder) },
    },
    {
      type: 'input',
      block_id: START_BLOCK.mode,
      optional: true,
      label: plain('Mode', LIMIT.label),
      element: {
        type: 'checkboxes',
        action_id: VALUE,
        options: [tabletopOption],
        ...(options.tabletop ? { initial_options: [tabletopOption] } : {}),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: CallbackId.startRun,
    title: plain('Start a runbook', LIMIT.modalTitle),
    submit: plain('Start', LIMIT.modalTitle),
    close: plain('Cancel', LIMIT.modalTitle),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

const tabletopOption: PlainTextOption = {
  text: plain('Tabletop exercise: no side effects, real approvals', LIMIT.optionText),
  value: TABLETOP,
};

function inputBlock(name: string, spec: InputSpecType): InputBlock {
  const hintText = [spec.description, spec.type === 'list' && !spec.enum ? 'One item per line.' : undefined].filter(Boolean).join(' ');
  const base = {
    type: 'input' as const,
    block_id: inputBlockId(name),
    label: plain(name, LIMIT.label),
    // A checkbox left unticked is an answer (false), so booleans are never "required" in Slack's sense.
    optional: spec.type === 'boolean' ? true : !spec.required,
    ...(hintText ? { hint: plain(hintText, LIMIT.hint) } : {}),
  };
  const options = spec.enum && spec.enum.length <= 100 ? spec.enum.map((value) => option(String(value))) : undefined;
  switch (spec.type) {
    case 'boolean': {
      const yes = option('true', 'Yes');
      return { ...base, element: { type: 'checkboxes', action_id: VALUE, options: [yes], ...(spec.default === true ? { initial_options: [yes] } : {}) } };
    }
    case 'list': {
      const defaults = Array.isArray(spec.default) ? spec.default.map(String) : [];
      if (options) {
        const initial = options.filter((candidate) => defaults.includes(candidate.value ?? ''));
        return { ...base, element: { type: 'multi_static_select', action_id: VALUE, options, ...(initial.length ? { initial_options: initial } : {}) } };
      }
      return {
        ...base,
        element: { type: 'plain_text_input', action_id: VALUE, multiline: true, ...(defaults.length ? { initial_value: defaults.join('\n') } : {}) },
      };
    }
    case 'string':
    case 'number': {
      const initialValue = spec.default === undefined || spec.default === null ? undefined : String(spec.default);
      if (options) {
        const initial = options.find((candidate) => candidate.value === initialValue);
        return { ...base, element: { type: 'static_select', action_id: VALUE, options, ...(initial ? { initial_option: initial } : {}) } };
      }
      if (spec.type === 'number') {
        return { ...base, element: { type: 'number_input', action_id: VALUE, is_decimal_allowed: true, ...(initialValue ? { initial_value: initialValue } : {}) } };
      }
      return { ...base, element: { type: 'plain_text_input', action_id: VALUE, ...(initialValue ? { initial_value: initialValue } : {}) } };
    }
    case 'datetime': {
      // Typed as text, offset included: a picker would send the viewer's local time without saying so.
      const initialValue = typeof spec.default === 'string' ? spec.default : undefined;
      const hint = [spec.description, `An ISO time with its offset, e.g. ${ISO_TIME_EXAMPLE}.`].filter(Boolean).join(' ');
      return { ...base, hint: plain(hint, LIMIT.hint), element: { type: 'plain_text_input', action_id: VALUE, ...(initialValue ? { initial_value: initialValue } : {}) } };
    }
  }
}

function option(value: string, text = value): PlainTextOption {
  return { text: plain(text, LIMIT.optionText), value: truncate(value, LIMIT.optionValue) };
}

export type StartSubmission =
  /** `inputs` as given (startRun validates and coerces them again, as for every surface). */
  | { ok: true; inputs: Record<string, unknown>; incidentId?: string; tabletop: boolean }
  /** Block id → message, as `response_action: errors` wants them. */
  | { ok: false; errors: Record<string, string> };

/**
 * Reads and validates a submitted start modal against the runbook it was generated from. Field
 * values are looked up as own properties of the submitted state, so block ids a forged payload
 * adds (`constructor`, `__proto__`) are ignored rather than read from Object.prototype.
 */
export function readStartSubmission(runbook: Runbook, values: ViewStateValues): StartSubmission {
  const given = emptyRecord<unknown>();
  for (const [name, spec] of Object.entries(runbook.inputs)) {
    const raw = readInput(spec, fieldState(values, inputBlockId(name)));
    if (raw !== undefined) setOwn(given, name, raw);
  }
  const errors: Record<string, string> = {};
  const validated = validateRunInputs(runbook, given);
  if (!validated.ok) {
    for (const problem of validated.problems) {
      // Only inputs of the runbook reach validation, so a problem names its block; one about the
      // inputs as a whole (their total size) goes on the first input's.
      const name = problem.input ?? Object.keys(runbook.inputs)[0];
      const block = name === undefined ? START_BLOCK.incident : inputBlockId(name);
      errors[block] ??= truncate(sentence(problem.message), 300);
    }
  }
  const incident = fieldState(values, START_BLOCK.incident)?.value?.trim() ?? '';
  if (incident && !INCIDENT_ID_PATTERN.test(incident)) {
    errors[START_BLOCK.incident] = sentence(INCIDENT_ID_RULE);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const tabletop = (fieldState(values, START_BLOCK.mode)?.selected_options ?? []).some((selected) => selected.value === TABLETOP);
  return { ok: true, inputs: given, tabletop, ...(incident ? { incidentId: incident } : {}) };
}

/** The state of the element in block `blockId`, if the submission has it (own properties only). */
export function fieldState(values: ViewStateValues, blockId: string): ViewStateValue | undefined {
  const block = ownValue(values, blockId);
  return block === undefined ? undefined : ownValue(block, VALUE);
}

/** The raw value of one field, as validateRunInputs takes it; undefined when left empty. */
function readInput(spec: InputSpecType, state: ViewStateValue | undefined): unknown {
  if (!state) return undefined;
  switch (state.type) {
    case 'checkboxes':
      return (state.selected_options ?? []).length > 0;
    case 'static_select':
      return state.selected_option?.value ?? undefined;
    case 'multi_static_select': {
      const selected = (state.selected_options ?? []).map((entry) => entry.value);
      return selected.length > 0 ? selected : undefined;
    }
    default: {
      const text = state.value ?? '';
      if (spec.type === 'list') {
        const items = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
        return items.length > 0 ? items : undefined;
      }
      return text.trim() === '' ? undefined : text.trim();
    }
  }
}

function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
