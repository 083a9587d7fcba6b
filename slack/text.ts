/**
 * Text helpers for what the Slack app writes (replies, modals, App Home). Pure.
 *
 * Escaping, truncation and plain_text objects exist once, in slack/blocks/format.ts, shared with
 * the message builders: there is one place that decides what people's text may do in Slack.
 * This file adds the app's own shorthands on top.
 */
import type { PlainTextElement } from '@slack/web-api';
import { escapeLine, escapeText, plain as plainText, truncate } from './blocks/format';

export { escapeLine, truncate };

/** People's text in mrkdwn (line breaks kept; control and invisible characters made visible). */
export function escape(text: string): string {
  return escapeText(text);
}

export function plain(text: string, max = 150): PlainTextElement {
  return plainText(text, max);
}

/** A Slack user id shown as a mention; any other actor (a CLI name) as escaped text on one line. */
export function who(actor: string): string {
  return /^[UW][A-Z0-9]{2,39}$/.test(actor) ? `<@${actor}>` : escapeLine(actor);
}

/** Slack renders this in the reader's time zone; the fallback is the UTC time. */
export function when(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return escapeLine(iso);
  return `<!date^${seconds}^{date_short_pretty} {time}|${escapeLine(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}>`;
}

/** Inline code on one line; backticks inside would end it early, so they become quotes. */
export function code(text: string): string {
  return `\`${escapeLine(text.replace(/`/g, "'"))}\``;
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
