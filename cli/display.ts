/**
 * Text that came from people (inputs, identities, reasons, step output) on its way to a terminal.
 * Quell refuses control characters where such text enters, but runs recorded before those rules,
 * or text from outside systems, may still hold them; here they become visible escapes, so nothing
 * printed can move the cursor, recolour the screen or pose as a line of Quell's own.
 */
import { findForbiddenCharacter, neutraliseForDisplay } from '../common/text-safety';

/** One line: line breaks become `\n`. */
export function shownLine(text: string | undefined): string {
  return text === undefined ? '' : neutraliseForDisplay(text);
}

/** Several lines allowed (reasons, notes, summaries); everything else made visible. */
export function shownText(text: string | undefined): string {
  return text === undefined ? '' : neutraliseForDisplay(text, { keepLineBreaks: true });
}

/**
 * JSON for `--json`: the same value, but the invisible and direction-changing characters that
 * JSON.stringify leaves raw (DEL, C1 controls, U+202E ...) are written as `\uXXXX` escapes. A
 * program reading the output gets exactly the same strings; a person looking at it sees them.
 */
export function jsonForTerminal(value: unknown): string {
  // JSON.stringify already escapes what lies below U+0020 inside strings; raw line feeds are its layout.
  return JSON.stringify(value, null, 2).replace(/[^\n -~]/gu, (char) =>
    findForbiddenCharacter(char) ? `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}` : char,
  );
}
