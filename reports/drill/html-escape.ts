/**
 * Escaping for the drill reports' HTML and SVG. Everything in a report came from people (scenario
 * titles, notes, actors, inject messages), so every piece of text goes through one of these: a
 * note that reads `</style><script>` must show as those characters, never act as markup.
 */
import { neutraliseForDisplay } from '../../common/text-safety';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text safe in element content and in quoted attribute values alike. Control, invisible and
 * direction-changing characters (tab and line feed aside) are shown as visible escapes such as
 * `\u{202E}` (common/text-safety.ts), so a reader sees that they were there and a lone surrogate
 * cannot garble the page.
 */
export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return neutraliseForDisplay(text, { keepLineBreaks: true }).replace(/[&<>"']/g, (character) => ENTITIES[character]!);
}

/** A tag with escaped text content: `tag('td', note.text, 'class="note"')`. Attributes must already be escaped. */
export function element(tag: string, text: unknown, attributes = ''): string {
  return `<${tag}${attributes ? ` ${attributes}` : ''}>${escapeHtml(text)}</${tag}>`;
}

/** `name="value"` with the value escaped. */
export function attribute(name: string, value: unknown): string {
  return `${name}="${escapeHtml(value)}"`;
}

/** A token safe as a CSS class or id fragment (letters, digits, '-' and '_' only). */
export function cssToken(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '-');
}
