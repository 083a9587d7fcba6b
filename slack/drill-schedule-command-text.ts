/**
 * Parses `/quell drill schedule …`: create a schedule of a scenario, list schedules, and pause,
 * resume, trigger or delete one. Pure. The timing, name and note are checked with the client's
 * own checks (client/drill-schedules.ts), their wording turned from CLI flags into the words
 * typed here, so nothing accepted here is refused later for its shape.
 */
import { checkDrillScheduleId, checkDrillScheduleTiming } from '../client/drill-schedules';
import { EXERCISE_ID_PATTERN, EXERCISE_ID_RULE } from '../client/drills';
import { freeTextProblem } from '../client/request-rules';
import { closestMatch } from '../common/suggest';
import { inSlackWords } from './drill-client-errors';
import { clip, readKeywords, splitWords, type KeywordRule, type UsageReply, type Word } from './drill-words';

export const SCHEDULE_OPS = ['create', 'list', 'pause', 'resume', 'trigger', 'delete'] as const;
export type ScheduleOp = (typeof SCHEDULE_OPS)[number];

export type DrillScheduleCommand =
  | { kind: 'schedule'; op: 'create'; scenario: string; every?: string; cron?: string; jitter?: string; name?: string; note?: string }
  | { kind: 'schedule'; op: 'list' }
  | { kind: 'schedule'; op: 'pause'; scheduleId: string; note?: string }
  | { kind: 'schedule'; op: 'resume' | 'trigger'; scheduleId: string }
  /** Without `confirmed` nothing is deleted: the reply says what would be. */
  | { kind: 'schedule'; op: 'delete'; scheduleId: string; confirmed: boolean };

export const SCHEDULE_USAGE: Record<ScheduleOp, string> = {
  create: '/quell drill schedule <scenario> every <duration> | cron "<expression>" [jitter <duration>] [name <name>] [note <text…>]',
  list: '/quell drill schedule list',
  pause: '/quell drill schedule pause <schedule id> [note…]',
  resume: '/quell drill schedule resume <schedule id>',
  trigger: '/quell drill schedule trigger <schedule id>',
  delete: '/quell drill schedule delete <schedule id> yes',
};

const CREATE_KEYWORDS: Record<string, KeywordRule> = {
  every: { shape: 'word', hint: '<duration>, e.g. every 1w or every 30d' },
  cron: { shape: 'phrase', hint: '"<expression>" in quotes, e.g. cron "0 9 * * 1" (Mondays 09:00 UTC)' },
  jitter: { shape: 'word', hint: '<duration>, e.g. jitter 10m' },
  name: { shape: 'word', hint: '<name>, e.g. name weekly' },
  note: { shape: 'rest', hint: '<text…> at the end, e.g. note security on-call practice' },
};

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SCHEDULE_ID_HINT = 'schedule ids look like quell-drill-schedule:<scenario>[:<name>], e.g. quell-drill-schedule:credential-compromise:weekly (`/quell drill schedule list` shows them)';

/** `text` is everything after the word `schedule`, spacing kept. */
export function parseScheduleCommand(text: string): DrillScheduleCommand | UsageReply {
  const words = splitWords(text);
  if (words.length === 0) return usage(`what should schedule do? Create one (${SCHEDULE_USAGE.create}), or list, pause, resume, trigger or delete one`, 'create');
  const op = words[0].quoted ? '' : words[0].text.toLowerCase();
  switch (op) {
    case 'list':
      return words.length > 1 ? usage(`list takes no arguments; found ${words.length - 1} more`, 'list') : { kind: 'schedule', op: 'list' };
    case 'pause': {
      const scheduleId = scheduleIdArgument(words[1], op);
      if (typeof scheduleId !== 'string') return scheduleId;
      const note = text.slice(words[1].end).trim();
      if (!note) return { kind: 'schedule', op, scheduleId };
      const problem = freeTextProblem(note);
      return problem ? usage(`[note]: the note ${problem}`, op) : { kind: 'schedule', op, scheduleId, note };
    }
    case 'resume':
    case 'trigger': {
      const scheduleId = scheduleIdArgument(words[1], op);
      if (typeof scheduleId !== 'string') return scheduleId;
      if (words.length > 2) return usage(`${op} takes one argument, the schedule id; found ${words.length - 1} words`, op);
      return { kind: 'schedule', op, scheduleId };
    }
    case 'delete': {
      const scheduleId = scheduleIdArgument(words[1], op);
      if (typeof scheduleId !== 'string') return scheduleId;
      const confirmation = words[2];
      if (confirmation && (confirmation.quoted || confirmation.text.toLowerCase() !== 'yes' || words.length > 3)) {
        return usage(`only the word yes may follow the schedule id (it confirms the delete); found "${clip(text.slice(confirmation.start).trim())}"`, op);
      }
      return { kind: 'schedule', op, scheduleId, confirmed: confirmation !== undefined };
    }
    case 'create':
      return parseCreate(text, words.slice(1));
    default:
      return parseCreate(text, words);
  }
}

/** `words[0]` is the scenario; keyword pairs follow. */
function parseCreate(text: string, words: Word[]): DrillScheduleCommand | UsageReply {
  const [scenarioWord, ...options] = words;
  if (!scenarioWord) return usage('<scenario> is missing: which scenario? (`/quell drill help` lists them)', 'create');
  const scenario = scenarioWord.text;
  if (scenarioWord.quoted || !KEBAB.test(scenario)) {
    return usage(`<scenario> "${clip(scenario)}": scenario ids are lower-case kebab-case, e.g. credential-compromise-tabletop`, 'create');
  }
  // `/quell drill schedule lst` is likelier a typo of a sub-command than a scenario to create.
  const typo = options.length === 0 ? closestMatch(scenario, SCHEDULE_OPS.filter((op) => op !== 'create')) : undefined;
  const read = readKeywords(text, options, CREATE_KEYWORDS);
  if ('problem' in read) return usage(read.problem, 'create');
  const { every, cron, jitter, name, note } = read.values;
  try {
    checkDrillScheduleTiming({ ...(every !== undefined ? { every } : {}), ...(cron !== undefined ? { cron } : {}), ...(jitter !== undefined ? { jitter } : {}) });
  } catch (error) {
    const problem = inSlackWords(error instanceof Error ? error.message : String(error));
    return usage(`${problem}${typo ? ` (or did you mean \`/quell drill schedule ${typo}\`?)` : ''}`, 'create');
  }
  if (name !== undefined && !EXERCISE_ID_PATTERN.test(name)) return usage(`name "${clip(name)}" is not valid: ${EXERCISE_ID_RULE}`, 'create');
  const noteProblem = note === undefined ? undefined : freeTextProblem(note);
  if (noteProblem) return usage(`note: the note ${noteProblem}`, 'create');
  return {
    kind: 'schedule',
    op: 'create',
    scenario,
    ...(every !== undefined ? { every } : {}),
    ...(cron !== undefined ? { cron } : {}),
    ...(jitter !== undefined ? { jitter } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

function scheduleIdArgument(word: Word | undefined, op: ScheduleOp): string | UsageReply {
  if (!word) return usage(`<schedule id> is missing: which schedule? ${capitalise(SCHEDULE_ID_HINT)}`, op);
  const scheduleId = word.text;
  if (scheduleId.startsWith('quell-drill:')) return usage(`<schedule id> "${clip(scheduleId)}" is a drill id; ${SCHEDULE_ID_HINT}`, op);
  try {
    checkDrillScheduleId(scheduleId);
  } catch {
    return usage(`<schedule id> "${clip(scheduleId)}": ${SCHEDULE_ID_HINT}`, op);
  }
  if (word.quoted || /\s/.test(scheduleId)) return usage(`<schedule id> "${clip(scheduleId)}": ${SCHEDULE_ID_HINT}`, op);
  return scheduleId;
}

function usage(problem: string, op: ScheduleOp): UsageReply {
  return { kind: 'usage', problem, usage: SCHEDULE_USAGE[op] };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
