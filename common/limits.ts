/**
 * Every size, depth and length limit Quell enforces on what people and files give it, in one
 * place. Each surface refuses input past a limit with a message naming the limit (see
 * {@link limitMessage}); README's "Limits and input rules" lists the same table, and a test keeps
 * the two in step.
 *
 * The numbers are generous for real runbooks and configuration (the shipped runbooks use a small
 * fraction of each) and small enough that a hostile file or form cannot make a process spend
 * seconds, megabytes of history or a deep stack on it.
 *
 * Workflow-safe: constants and pure functions only.
 */

const KIB = 1024;
const MIB = 1024 * KIB;
const DAY_MS = 86_400_000;

export interface Limit {
  /** The value itself (bytes, characters, levels, entries or milliseconds, see `unit`). */
  value: number;
  unit: 'bytes' | 'characters' | 'levels' | 'entries' | 'ms';
  /** What is limited, as a phrase that reads after "the limit on". */
  what: string;
}

function limit(value: number, unit: Limit['unit'], what: string): Limit {
  return { value, unit, what };
}

export const LIMITS = {
  runbookFileBytes: limit(1 * MIB, 'bytes', 'size of a runbook file'),
  configFileBytes: limit(1 * MIB, 'bytes', 'size of the connectors, approvers and calendar files'),
  secretFileBytes: limit(64 * KIB, 'bytes', 'size of a secret read from a { file: ... } reference'),
  yamlNestingDepth: limit(32, 'levels', 'nesting of mappings and lists in any YAML file'),
  yamlAliases: limit(100, 'entries', 'YAML aliases (*name) in one file'),
  mappingEntries: limit(2_000, 'entries', 'keys in one YAML mapping'),
  listEntries: limit(2_000, 'entries', 'items in one YAML list'),
  steps: limit(500, 'entries', 'steps in a runbook, parallel branches included'),
  foreachItems: limit(200, 'entries', 'items one foreach step works through'),
  runbookInputs: limit(100, 'entries', 'inputs a runbook declares'),
  templateLength: limit(4 * KIB, 'characters', 'length of one string holding a ${{ }} template'),
  expressionNesting: limit(32, 'levels', 'nesting of parentheses and ! inside one ${{ }} expression'),
  patternLength: limit(512, 'characters', 'length of an input pattern'),
  textLength: limit(16 * KIB, 'characters', 'length of any other text in a runbook or config file'),
  inputTextLength: limit(4 * KIB, 'characters', 'length of one input value (or one list item) given to a run'),
  inputListItems: limit(500, 'entries', 'items in one list input given to a run'),
  inputsGiven: limit(200, 'entries', 'input values given to one run (CLI --input flags included)'),
  identityLength: limit(200, 'characters', 'length of an identity (--as, Slack user id, api caller)'),
  reasonLength: limit(2_000, 'characters', 'length of a reason or note given with a decision'),
  referenceLength: limit(400, 'characters', 'length of a run id, step id or event name given in a request'),
  eventPayloadBytes: limit(16 * KIB, 'bytes', 'size of the details delivered with an event, as JSON'),
  eventPayloadNesting: limit(8, 'levels', 'nesting of objects and lists in the details delivered with an event'),
  runInputsBytes: limit(512 * KIB, 'bytes', 'size of all input values of one run together, as JSON'),
  slackRequestBytes: limit(1 * MIB, 'bytes', 'size of one request Slack sends to the app (read before its signature is checked)'),
  people: limit(2_000, 'entries', 'people in the approvers file'),
  groups: limit(1_000, 'entries', 'approver groups in the approvers file'),
  groupMembers: limit(2_000, 'entries', 'people or Slack user groups listed in one approver group'),
  connectorEntries: limit(1_000, 'entries', 'entries in one section of the connectors file (vendors, channels, ...)'),
  holidays: limit(1_000, 'entries', 'holidays in the calendar file'),
  duration: limit(366 * DAY_MS, 'ms', 'any duration in a runbook or config file (timeouts, waits, reminders)'),
  drillLength: limit(1 * DAY_MS, 'ms', 'length of a drill scenario (its duration, inject offsets and objective aims)'),
  drillInjects: limit(200, 'entries', 'injects in one drill scenario'),
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** The value of a limit in the unit people write it in: "1 MiB", "32 levels", "366 days". */
export function describeLimit(name: LimitName): string {
  const { value, unit } = LIMITS[name];
  switch (unit) {
    case 'bytes':
      if (value >= MIB && value % MIB === 0) return `${value / MIB} MiB`;
      if (value >= KIB && value % KIB === 0) return `${value / KIB} KiB`;
      return `${value} bytes`;
    case 'ms':
      if (value >= DAY_MS && value % DAY_MS === 0) return `${value / DAY_MS} day${value === DAY_MS ? '' : 's'}`;
      if (value >= 1000 && value % 1000 === 0) return `${value / 1000} s`;
      return `${value} ms`;
    default:
      return `${value.toLocaleString('en-US')} ${unit}`;
  }
}

/**
 * The tail of a refusal: "12,000 characters where the limit is 4 KiB (length of one input ...)",
 * or without the actual size "the limit is 4 KiB (...)". Callers say what is too large first.
 */
export function limitMessage(name: LimitName, actual?: number): string {
  const limitText = `the limit is ${describeLimit(name)} (${LIMITS[name].what})`;
  if (actual === undefined) return limitText;
  return `${actual.toLocaleString('en-US')} ${LIMITS[name].unit} where ${limitText}`;
}
