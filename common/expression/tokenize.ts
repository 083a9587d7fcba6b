/** Splits expression source into tokens, with offsets for precise errors. Workflow-safe. */
import { ExpressionError } from './types';

// ---------------------------------------------------------------------------------------------
// Tokenizer

export type Token =
  | { type: 'number'; value: number; offset: number; text: string }
  | { type: 'string'; value: string; offset: number; text: string }
  | { type: 'name'; value: string; offset: number; text: string }
  | { type: 'punct'; value: string; offset: number; text: string }
  | { type: 'end'; offset: number; text: string };

const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const TWO_CHAR_OPERATORS = ['==', '!=', '<=', '>=', '&&', '||'];
// "," is never valid, but tokenizing it lets the parser explain `contains(a, b)` as a function call.
const ONE_CHAR_PUNCTUATION = '<>!()[].,';
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** Why a character cannot start a token, phrased as advice. */
function badCharacterMessage(char: string): string {
  if (char === '=') return 'use "==" to compare ("=" alone is not an operator)';
  if (char === '&') return 'use "&&" for "and"';
  if (char === '|') return 'use "||" for "or"';
  if ('+-*/%'.includes(char)) return `arithmetic ("${char}") is not supported in expressions`;
  if (char === '{' || char === '}') return `unexpected "${char}": templates are written \${{ expression }}`;
  return `unexpected character "${char}"`;
}

export function tokenize(source: string, base: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    const offset = base + i;
    if (char === "'" || char === '"') {
      const end = readString(source, i, base);
      tokens.push({ type: 'string', value: end.value, offset, text: source.slice(i, end.next) });
      i = end.next;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source);
    if (number) {
      tokens.push({ type: 'number', value: Number(number[0]), offset, text: number[0] });
      i += number[0].length;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(source);
    if (name) {
      tokens.push({ type: 'name', value: name[0], offset, text: name[0] });
      i += name[0].length;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (TWO_CHAR_OPERATORS.includes(two)) {
      tokens.push({ type: 'punct', value: two, offset, text: two });
      i += 2;
      continue;
    }
    if (ONE_CHAR_PUNCTUATION.includes(char)) {
      tokens.push({ type: 'punct', value: char, offset, text: char });
      i += 1;
      continue;
    }
    throw new ExpressionError(badCharacterMessage(char), offset);
  }
  tokens.push({ type: 'end', offset: base + source.length, text: '' });
  return tokens;
}

/** Reads a quoted string starting at `start`; backslash escapes \n \t \r \\ \' \". */
function readString(source: string, start: number, base: number): { value: string; next: number } {
  const quote = source[start];
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const char = source[i];
    if (char === quote) return { value, next: i + 1 };
    if (char === '\\') {
      const escaped = ESCAPES[source[i + 1]];
      if (escaped === undefined) {
        throw new ExpressionError(`unknown escape "\\${source[i + 1] ?? ''}" in string (use \\n, \\t, \\\\, \\' or \\")`, base + i);
      }
      value += escaped;
      i += 2;
      continue;
    }
    value += char;
    i += 1;
  }
  throw new ExpressionError(`unterminated string: add the closing ${quote}`, base + start);
}
