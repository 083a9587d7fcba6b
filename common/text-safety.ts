/**
 * Characters that can forge what people see. A terminal, a Slack message or an audit line shows
 * text as lines; a newline, carriage return, ANSI escape, or a bidirectional / zero-width control
 * (U+202E and friends) inside a value lets that value pose as one of Quell's own lines or hide
 * what it says.
 *
 * The rule (README "Limits and input rules"): identities, ids and run inputs must contain none of
 * them and are refused otherwise; free text that may span lines (reasons, notes) may contain line
 * feeds and tabs but nothing else from the list. Anything shown to people goes through
 * {@link neutraliseForDisplay} as a second line of defence, e.g. for histories written before
 * these rules existed.
 *
 * Workflow-safe: pure functions.
 */
import { LIMITS, limitMessage, type LimitName } from './limits';

/** Named invisible or direction-changing code points (beyond the C0/C1 control ranges). */
const FORMAT_CHARACTERS: ReadonlyMap<number, string> = new Map([
  [0x061c, 'arabic letter mark'],
  [0x180e, 'mongolian vowel separator'],
  [0x200b, 'zero-width space'],
  [0x200c, 'zero-width non-joiner'],
  [0x200d, 'zero-width joiner'],
  [0x200e, 'left-to-right mark'],
  [0x200f, 'right-to-left mark'],
  [0x2028, 'line separator'],
  [0x2029, 'paragraph separator'],
  [0x202a, 'left-to-right embedding'],
  [0x202b, 'right-to-left embedding'],
  [0x202c, 'pop directional formatting'],
  [0x202d, 'left-to-right override'],
  [0x202e, 'right-to-left override'],
  [0x2060, 'word joiner'],
  [0x2061, 'invisible function application'],
  [0x2062, 'invisible times'],
  [0x2063, 'invisible separator'],
  [0x2064, 'invisible plus'],
  [0x2066, 'left-to-right isolate'],
  [0x2067, 'right-to-left isolate'],
  [0x2068, 'first strong isolate'],
  [0x2069, 'pop directional isolate'],
  [0xfeff, 'zero-width no-break space'],
]);

const C0_NAMES: Record<number, string> = { 0x09: 'tab', 0x0a: 'line feed', 0x0d: 'carriage return', 0x1b: 'escape (ANSI)', 0x00: 'NUL' };

/** What a forbidden code point is, for messages: "U+202E (right-to-left override)". */
export function describeCodePoint(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = FORMAT_CHARACTERS.get(codePoint) ?? C0_NAMES[codePoint] ?? (codePoint === 0x7f ? 'delete' : 'control character');
  return `${hex} (${name})`;
}

function isForbidden(codePoint: number, allowLineBreaks: boolean): boolean {
  if (codePoint === 0x09 || codePoint === 0x0a) return !allowLineBreaks;
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return true;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return true; // a lone surrogate: broken text
  return FORMAT_CHARACTERS.has(codePoint);
}

export interface ForbiddenCharacter {
  /** UTF-16 index in the text. */
  index: number;
  codePoint: number;
  description: string;
}

/**
 * The first character of `text` that could forge a displayed line, or undefined. With
 * `allowLineBreaks`, line feed and tab are allowed (multi-line free text); carriage return never.
 */
export function findForbiddenCharacter(text: string, options: { allowLineBreaks?: boolean } = {}): ForbiddenCharacter | undefined {
  const allowLineBreaks = options.allowLineBreaks ?? false;
  for (let index = 0; index < text.length; ) {
    const codePoint = text.codePointAt(index) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    if (isForbidden(codePoint, allowLineBreaks)) return { index, codePoint, description: describeCodePoint(codePoint) };
    index += width;
  }
  return undefined;
}

/** The message surfaces use when {@link findForbiddenCharacter} finds something. */
export function forbiddenCharacterMessage(found: ForbiddenCharacter, options: { allowLineBreaks?: boolean } = {}): string {
  const allowed = options.allowLineBreaks ? 'line breaks and tabs are allowed; ' : '';
  return `contains ${found.description} at character ${found.index + 1}: ${allowed}control, direction-changing and invisible characters are refused because they can disguise what is shown`;
}

/**
 * Text made safe to show on one line: every forbidden character (line breaks included) becomes a
 * visible escape such as `\n` or `\u{202E}`, so the reader sees exactly what was sent.
 */
export function neutraliseForDisplay(text: string, options: { keepLineBreaks?: boolean } = {}): string {
  let result = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) as number;
    if (!isForbidden(codePoint, options.keepLineBreaks ?? false)) result += char;
    else if (codePoint === 0x0a) result += '\\n';
    else if (codePoint === 0x0d) result += '\\r';
    else if (codePoint === 0x09) result += '\\t';
    else result += `\\u{${codePoint.toString(16).toUpperCase()}}`;
  }
  return result;
}

/**
 * Why `text` cannot be shown as given, or undefined: longer than `limit`, or holding a character
 * that could forge a displayed line. The text reads after the field's name ("--as is too long: …").
 */
export function shownTextProblem(text: string, limit: LimitName, options: { allowLineBreaks?: boolean } = {}): string | undefined {
  if (text.length > LIMITS[limit].value) return `is too long: ${limitMessage(limit, text.length)}`;
  const found = findForbiddenCharacter(text, options);
  return found ? forbiddenCharacterMessage(found, options) : undefined;
}

/** True for text that is empty once whitespace is removed: a required value that is missing. */
export function isBlank(text: string): boolean {
  return text.trim() === '';
}

/**
 * `text` as a message may repeat it: control and invisible characters made visible, and cut to
 * about `max` characters (never inside a surrogate pair) with the full length said. Cheap on huge
 * text: only its start is looked at.
 */
export function excerpt(text: string, max: number): string {
  const visible = neutraliseForDisplay(cutBefore(text, max * 2));
  if (visible.length <= max) return visible;
  return `${cutBefore(visible, max - 1)}… (${text.length.toLocaleString('en-US')} characters)`;
}

/** The first `length` UTF-16 units of `text`, one fewer if that would split a surrogate pair. */
function cutBefore(text: string, length: number): string {
  if (text.length <= length) return text;
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}
