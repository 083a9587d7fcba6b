/**
 * Parses the text after `/quell` into a sub-command. Pure: no I/O, so the listener can ack at
 * once and do the work afterwards. Bad input becomes a message that says what was expected,
 * with the closest sub-command when the word looks like a typo.
 */
import { z } from 'zod';
import { freeTextProblem } from '../client/request-rules';
import { closestMatch } from '../common/suggest';

export const SUB_COMMANDS = ['start', 'status', 'list', 'cancel', 'drill', 'help'] as const;
export type SubCommand = (typeof SUB_COMMANDS)[number];

export type QuellCommand =
  | { kind: 'start'; runbook: string; tabletop: boolean }
  | { kind: 'status'; run?: string }
  | { kind: 'list' }
  | { kind: 'cancel'; run: string; reason?: string }
  /** Everything after `drill`, spacing kept: parsed by drill-command-text.ts. */
  | { kind: 'drill'; text: string }
  | { kind: 'help' }
  /** A word that is no sub-command: the listener may still recognise a runbook id in it. */
  | { kind: 'unknown'; word: string; suggestion?: SubCommand }
  | { kind: 'usage'; problem: string; usage: string };

export const USAGE: Record<SubCommand, string> = {
  start: '/quell start <runbook> [tabletop]',
  status: '/quell status [run id | incident id]',
  list: '/quell list',
  cancel: '/quell cancel <run id> [reason…]',
  drill: '/quell drill <start|status|pause|resume|inject|skip|follow-up|note|end|schedule|plan|help> …',
  help: '/quell help',
};

const RunbookRef = z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, { message: 'runbook ids are lower-case kebab-case, e.g. credential-compromise' });
/** Workflow ids (quell:<runbook>:<incident>) or incident ids; no quotes, spaces or slashes. */
const RunRef = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,399}$/, { message: 'run ids look like quell:credential-compromise:INC-42' });
const TabletopFlag = z.enum(['tabletop', '--tabletop'], { message: 'the only option after the runbook is "tabletop"' });
const Reason = z
  .string()
  .trim()
  .max(2000, { message: 'the reason is longer than 2000 characters' })
  .superRefine((reason, ctx) => {
    const problem = freeTextProblem(reason);
    if (problem) ctx.addIssue({ code: 'custom', message: `the reason ${problem}` });
  });

const CommandText = z.string().max(4000, { message: 'the command is longer than 4000 characters' });

export function parseQuellCommand(text: string): QuellCommand {
  const checked = CommandText.safeParse(text);
  if (!checked.success) return { kind: 'usage', problem: firstIssue(checked.error), usage: USAGE.help };
  const trimmed = checked.data.trim();
  if (!trimmed) return { kind: 'help' };
  const [first, ...rest] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  switch (word) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'list':
    case 'ls':
      return rest.length === 0 ? { kind: 'list' } : usage('list takes no arguments', 'list');
    case 'start': {
      if (rest.length === 0) return usage('which runbook?', 'start');
      const runbook = RunbookRef.safeParse(rest[0]);
      if (!runbook.success) return usage(`"${clip(rest[0])}": ${firstIssue(runbook.error)}`, 'start');
      if (rest.length > 2) return usage('inputs are entered in the form that opens, not on the command line', 'start');
      if (rest.length === 2) {
        const flag = TabletopFlag.safeParse(rest[1].toLowerCase());
        if (!flag.success) return usage(`"${clip(rest[1])}": ${firstIssue(flag.error)}`, 'start');
      }
      return { kind: 'start', runbook: runbook.data, tabletop: rest.length === 2 };
    }
    case 'status': {
      if (rest.length === 0) return { kind: 'status' };
      if (rest.length > 1) return usage('status takes one run id or incident id', 'status');
      const run = RunRef.safeParse(rest[0]);
      return run.success ? { kind: 'status', run: run.data } : usage(`"${clip(rest[0])}": ${firstIssue(run.error)}`, 'status');
    }
    case 'cancel': {
      if (rest.length === 0) return usage('which run?', 'cancel');
      const run = RunRef.safeParse(rest[0]);
      if (!run.success) return usage(`"${clip(rest[0])}": ${firstIssue(run.error)}`, 'cancel');
      // The reason keeps its own spacing: everything after the run id.
      const afterId = trimmed.slice(trimmed.indexOf(rest[0], first.length) + rest[0].length);
      const reason = Reason.safeParse(afterId);
      if (!reason.success) return usage(firstIssue(reason.error), 'cancel');
      return reason.data ? { kind: 'cancel', run: run.data, reason: reason.data } : { kind: 'cancel', run: run.data };
    }
    case 'drill':
      return { kind: 'drill', text: trimmed.slice(first.length) };
    default: {
      const suggestion = closestMatch(word, SUB_COMMANDS) as SubCommand | undefined;
      return suggestion ? { kind: 'unknown', word: first, suggestion } : { kind: 'unknown', word: first };
    }
  }
}

function usage(problem: string, sub: SubCommand): QuellCommand {
  return { kind: 'usage', problem, usage: USAGE[sub] };
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'not valid';
}

/** Echoed words are shortened: the reply should show what was wrong, not repeat a paste. */
function clip(word: string): string {
  return word.length > 60 ? `${word.slice(0, 57)}…` : word;
}
