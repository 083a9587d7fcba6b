/**
 * Small text helpers for what the Slack app writes (replies, modals, App Home). Pure.
 *
 * The message builders in slack/blocks/ have their own; these are kept separate so the two sides
 * of the interaction contract can change their wording independently.
 */
import type { PlainTextElement } from '@slack/web-api';

/** Slack's three control characters in mrkdwn; everything people typed goes through this. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export function plain(text: string, max = 150): PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

/** A Slack user id shown as a mention; any other actor (a CLI name) as escaped text. */
export function who(actor: string): string {
  return /^[UW][A-Z0-9]{2,39}$/.test(actor) ? `<@${actor}>` : escape(actor);
}

/** Slack renders this in the reader's time zone; the fallback is the UTC time. */
export function when(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return escape(iso);
  return `<!date^${seconds}^{date_short_pretty} {time}|${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}>`;
}

/** Inline code; backticks inside would end it early, so they become quotes. */
export function code(text: string): string {
  return `\`${escape(text.replace(/`/g, "'"))}\``;
}

/** Slack's hard limits, so a long summary or reason truncates instead of failing the call. */
export const LIMIT = {
  sectionText: 3000,
  contextText: 2000,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  modalTitle: 24,
  button: 75,
  privateMetadata: 3000,
  blocks: 100,
  messageText: 3900,
} as const;
