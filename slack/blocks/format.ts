/**
 * Text helpers shared by the block builders and the Slack app's replies (slack/text.ts builds on
 * these): Slack mrkdwn escaping (so text from runbooks, inputs and people can never turn into a
 * mention or a link, nor hide what it says), Block Kit length limits, how actors, times and states
 * read. Pure functions, no I/O; workflow-safe (the run's publisher builds its cards with them).
 */
import type { KnownBlock, PlainTextElement } from '@slack/web-api';
import { EXERCISE_BANNER, EXERCISE_MARK, isExercise, withExerciseBanner } from '../../common/exercise';
import { ownValue } from '../../common/own';
import type { RunMode } from '../../common/run-state';
import { neutraliseForDisplay } from '../../common/text-safety';

/** Block Kit limits the builders must respect (Slack refuses the whole message otherwise). */
export const LIMITS = {
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  contextText: 3000,
  fallbackText: 3000,
  blocks: 50,
} as const;

/**
 * Escapes the three characters Slack gives meaning to in mrkdwn. Without this an input such as
 * `<!channel>` or `<https://evil|docs>` would notify everyone or disguise a link. Control,
 * direction-changing and invisible characters become visible escapes (`\u{202E}`): surfaces
 * refuse them on the way in, and this keeps older or outside text from disguising itself.
 * Line breaks stay (summaries and reasons may span lines); see {@link escapeLine}.
 */
export function escapeText(text: string): string {
  return escapeMrkdwn(neutraliseForDisplay(text, { keepLineBreaks: true }));
}

/** {@link escapeText} for what must stay on one line (names, ids): line breaks become `\n`. */
export function escapeLine(text: string): string {
  return escapeMrkdwn(neutraliseForDisplay(text));
}

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts `text` to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** A plain_text object cut to `max`, with invisible characters made visible as in {@link escapeText}. */
export function plain(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: truncate(neutraliseForDisplay(text, { keepLineBreaks: true }), max), emoji: true };
}

/** Quotes (possibly multi-line) text as a mrkdwn block quote, escaped. */
export function quote(text: string): string {
  return escapeText(text)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

const SLACK_USER = /^slack:([UW][A-Z0-9]{2,})$/;
const BARE_SLACK_USER = /^[UW][A-Z0-9]{6,}$/;

/**
 * The Slack user id behind an actor identity, if it is one: `slack:U…`, or a bare `U…` id unless
 * the identity is known to come from another surface (a CLI user may be called WALLACE1).
 */
export function slackUserOf(actor: string, via?: string): string | undefined {
  const trimmed = actor.trim();
  const prefixed = SLACK_USER.exec(trimmed)?.[1];
  if (prefixed) return prefixed;
  return (via === undefined || via === 'slack') && BARE_SLACK_USER.test(trimmed) ? trimmed : undefined;
}

/**
 * How an actor reads in a message: Slack users as mentions (Slack shows their name), action
 * performers (recorded as `provider:<name>`) and system actors in italics, anyone else by name.
 */
export function actorText(actor: string, person?: string, via?: string): string {
  const slackUser = slackUserOf(actor, via);
  if (slackUser) return `<@${slackUser}>`;
  const trimmed = actor.trim();
  if (trimmed === 'system:timeout') return '_the timeout policy_';
  const performer = /^provider:(.+)$/.exec(trimmed)?.[1];
  if (performer) return `_${escapeLine(performer)}_`;
  if (person) return escapeLine(person);
  return escapeLine(trimmed.replace(/^cli:/, ''));
}

/** Where a decision came from, as people say it. */
export function viaText(via: string): string {
  switch (via) {
    case 'slack':
      return 'Slack';
    case 'cli':
      return 'the CLI';
    case 'api':
      return 'the API';
    default:
      return escapeLine(via);
  }
}

/**
 * A time that Slack shows in each reader's own time zone, with the ISO text as the fallback for
 * clients that cannot format it. `style` is one of Slack's date tokens.
 */
export function slackDate(iso: string, style = '{date_short_pretty} {time}'): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeLine(iso);
  const fallback = new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `<!date^${Math.floor(ms / 1000)}^${style}|${fallback}>`;
}

const RUN_STATUS_EMOJI: Record<string, string> = {
  running: ':arrows_counterclockwise:',
  completed: ':white_check_mark:',
  failed: ':x:',
  rejected: ':no_entry:',
  cancelling: ':warning:',
  cancelled: ':no_entry_sign:',
};

const STEP_STATUS_EMOJI: Record<string, string> = {
  pending: ':white_circle:',
  running: ':arrows_counterclockwise:',
  waiting: ':hourglass_flowing_sand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  skipped: ':fast_forward:',
  compensated: ':leftwards_arrow_with_hook:',
};

/** Own keys only: a status named like a built-in (`constructor`) must not read Object's method. */
export function runStatusEmoji(status: string): string {
  return ownValue(RUN_STATUS_EMOJI, status) ?? ':grey_question:';
}

export function stepStatusEmoji(status: string): string {
  return ownValue(STEP_STATUS_EMOJI, status) ?? ':grey_question:';
}

/** `completed` → `Completed`. */
export function capitalise(text: string): string {
  return text.length > 0 ? `${text[0].toUpperCase()}${text.slice(1)}` : text;
}

/**
 * The label of an event's button, read from its kebab-case name. Names shaped
 * `<who>-<what…>-<past participle>` read as a sentence: `vendor-deletion-confirmed` becomes
 * "Vendor confirmed deletion". Anything else is sentence-cased: `legal-hold-lifted` → "Legal
 * lifted hold", `backup-restored` → "Backup restored", `go-ahead` → "Go ahead".
 */
export function eventButtonLabel(event: string): string {
  const words = event.split(/[-_\s]+/).filter(Boolean);
  if (words.length === 0) return 'Event received';
  const last = words[words.length - 1];
  const ordered = words.length >= 3 && /[a-z]ed$/i.test(last) ? [words[0], last, ...words.slice(1, -1)] : words;
  return truncate(capitalise(ordered.join(' ').toLowerCase()), LIMITS.buttonText);
}

/** Splits lines into chunks whose joined text fits `max` (a line longer than `max` is cut). */
export function chunkLines(lines: string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** The exercise banner as mrkdwn (also the first line of the app's replies about a tabletop run). */
export const EXERCISE_MRKDWN = `:performing_arts: *${EXERCISE_BANNER}*`;
/** The short exercise mark as mrkdwn, for one line among others (run lists, App Home entries). */
export const EXERCISE_MARK_MRKDWN = `:performing_arts: *${EXERCISE_MARK}*`;

/** The banner block that leads every message of a tabletop run; nothing for a live run. */
export function exerciseBlocks(mode: RunMode | undefined): KnownBlock[] {
  return isExercise(mode) ? [{ type: 'section', text: { type: 'mrkdwn', text: EXERCISE_MRKDWN } }] : [];
}

/** A message's notification text (what a lock screen shows): escaped, led by the banner for an exercise, cut to fit. */
export function fallbackText(mode: RunMode | undefined, text: string, escape: (text: string) => string = escapeText): string {
  return truncate(escape(withExerciseBanner(mode, text)), LIMITS.fallbackText);
}
