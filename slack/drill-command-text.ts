/**
 * Parses the words after `/quell drill` into a facilitator's drill command. Pure: the listener
 * acks first and parses afterwards. Bad input becomes a reply naming the argument that was wrong
 * and what it should look like; the checks are the ones the client and the drill workflow apply,
 * so nothing Slack accepts here is refused later for its shape.
 */
import { EXERCISE_ID_PATTERN, EXERCISE_ID_RULE } from '../client/drills';
import { freeTextProblem } from '../client/request-rules';
import { closestMatch } from '../common/suggest';
import { parsePlanCommand, type DrillPlanCommand } from './drill-plan-command-text';
import { parseScheduleCommand, type DrillScheduleCommand } from './drill-schedule-command-text';
import { clip, drillIdProblem } from './drill-words';

export const DRILL_SUB_COMMANDS = ['start', 'status', 'pause', 'resume', 'inject', 'skip', 'follow-up', 'note', 'end', 'schedule', 'plan', 'help'] as const;
export type DrillSubCommand = (typeof DRILL_SUB_COMMANDS)[number];

/** The controls that steer a drill that exists (not start, schedule, plan or help). */
export type DrillControlKind = 'status' | 'pause' | 'resume' | 'inject' | 'skip' | 'follow-up' | 'note' | 'end';

export type DrillCommand =
  | { kind: 'start'; scenario: string; exerciseId?: string }
  | { kind: 'status' | 'pause' | 'resume'; drillId: string }
  | { kind: 'end'; drillId: string; reason?: string }
  | { kind: 'inject' | 'skip' | 'follow-up'; drillId: string; injectId: string }
  | { kind: 'note'; drillId: string; text: string }
  | DrillScheduleCommand
  | DrillPlanCommand
  | { kind: 'help' }
  | { kind: 'unknown'; word: string; suggestion?: DrillSubCommand }
  | { kind: 'usage'; problem: string; usage: string };

export type DrillControlCommand = Extract<DrillCommand, { kind: DrillControlKind }>;

export const DRILL_USAGE: Record<DrillSubCommand, string> = {
  start: '/quell drill start <scenario> [exercise-id]',
  status: '/quell drill status <drill id>',
  pause: '/quell drill pause <drill id>',
  resume: '/quell drill resume <drill id>',
  inject: '/quell drill inject <drill id> <inject id>',
  skip: '/quell drill skip <drill id> <inject id>',
  'follow-up': '/quell drill follow-up <drill id> <twist inject id>',
  note: '/quell drill note <drill id> <text…>',
  end: '/quell drill end <drill id> [reason…]',
  schedule: '/quell drill schedule <scenario> every|cron … | list | pause|resume|trigger|delete <schedule id>',
  plan: '/quell drill plan add|list <drill id> …',
  help: '/quell drill help',
};

const INJECT_QUESTION = {
  inject: 'which inject should fire now?',
  skip: 'which inject should never fire?',
  'follow-up': 'which twist’s follow-up run should start?',
} as const;

/** Scenario and inject ids are kebab-case in the scenario language (runbooks/schema.ts KebabId). */
const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** `text` is everything after the word `drill`, spacing kept (a note keeps its own). */
export function parseDrillCommand(text: string): DrillCommand {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'help' };
  const words = trimmed.split(/\s+/);
  const [first, ...rest] = words;
  const sub = first.toLowerCase();
  switch (sub) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'start':
      return parseStart(rest);
    case 'schedule':
      return parseScheduleCommand(trimmed.slice(first.length));
    case 'plan':
      return parsePlanCommand(trimmed.slice(first.length));
    case 'status':
    case 'pause':
    case 'resume': {
      const drillId = drillIdArgument(rest, sub);
      if (typeof drillId !== 'string') return drillId;
      if (rest.length > 1) return usage(`${sub} takes one argument, the drill id; found ${rest.length} words`, sub);
      return { kind: sub, drillId };
    }
    case 'inject':
    case 'skip':
    case 'follow-up': {
      const drillId = drillIdArgument(rest, sub);
      if (typeof drillId !== 'string') return drillId;
      if (rest.length < 2) return usage(`<inject id> is missing: ${INJECT_QUESTION[sub]} (${code(`/quell drill status ${drillId}`)} lists them)`, sub);
      const injectId = rest[1];
      if (!KEBAB.test(injectId)) return usage(`<inject id> "${clip(injectId)}": inject ids are kebab-case as the scenario writes them, e.g. vendor-silent`, sub);
      if (rest.length > 2) return usage(`${sub} takes two arguments, the drill id and the inject id; found ${rest.length} words`, sub);
      return { kind: sub, drillId, injectId };
    }
    case 'note': {
      const drillId = drillIdArgument(rest, sub);
      if (typeof drillId !== 'string') return drillId;
      const note = afterWord(trimmed, rest[0], first.length).trim();
      if (!note) return usage('<text> is missing: what should the note say?', sub);
      const problem = freeTextProblem(note);
      if (problem) return usage(`<text>: the note ${problem}`, sub);
      return { kind: 'note', drillId, text: note };
    }
    case 'end': {
      const drillId = drillIdArgument(rest, sub);
      if (typeof drillId !== 'string') return drillId;
      const reason = afterWord(trimmed, rest[0], first.length).trim();
      if (!reason) return { kind: 'end', drillId };
      const problem = freeTextProblem(reason);
      if (problem) return usage(`[reason]: the reason ${problem}`, sub);
      return { kind: 'end', drillId, reason };
    }
    default: {
      const suggestion = closestMatch(sub, DRILL_SUB_COMMANDS) as DrillSubCommand | undefined;
      return suggestion ? { kind: 'unknown', word: first, suggestion } : { kind: 'unknown', word: first };
    }
  }
}

function parseStart(rest: string[]): DrillCommand {
  if (rest.length === 0) return usage('<scenario> is missing: which scenario? (`/quell drill help` lists them)', 'start');
  const [scenario, exerciseId] = rest;
  if (!KEBAB.test(scenario)) return usage(`<scenario> "${clip(scenario)}": scenario ids are lower-case kebab-case, e.g. credential-compromise-tabletop`, 'start');
  if (rest.length > 2) return usage(`start takes a scenario id and, optionally, an exercise id; found ${rest.length} words (the scenario file sets the inputs)`, 'start');
  if (exerciseId === undefined) return { kind: 'start', scenario };
  if (!EXERCISE_ID_PATTERN.test(exerciseId)) return usage(`[exercise-id] "${clip(exerciseId)}": ${EXERCISE_ID_RULE}`, 'start');
  return { kind: 'start', scenario, exerciseId };
}

/** The drill id every control takes first, or the usage reply saying what is wrong with it. */
function drillIdArgument(rest: string[], sub: DrillControlKind): string | DrillCommand {
  const problem = drillIdProblem(rest[0]);
  return problem ? usage(problem, sub) : rest[0];
}

/** What follows `word` (the first occurrence after the sub-command), with its own spacing. */
function afterWord(text: string, word: string, from: number): string {
  const at = text.indexOf(word, from);
  return text.slice(at + word.length);
}

function usage(problem: string, sub: DrillSubCommand): DrillCommand {
  return { kind: 'usage', problem, usage: DRILL_USAGE[sub] };
}

function code(text: string): string {
  return `\`${text}\``;
}
