/** `${{ }}` templates: splitting, rendering and the paths they read. Workflow-safe. */
import { LIMITS, limitMessage } from '../limits';
import { setOwn } from '../own';
import { evaluateExpression } from './evaluate';
import { parseAt } from './parse';
import { ExpressionError, isRecord, type Expr, type Literal, type TemplateContext } from './types';

// ---------------------------------------------------------------------------------------------
// Templates

/**
 * A piece of a template string. For expressions, `source` is the text between `${{` and `}}`,
 * `offset` where that text starts in the template, and `expr` its parse (offsets in the template).
 */
export type TemplatePart =
  | { kind: 'literal'; text: string }
  | { kind: 'expression'; source: string; offset: number; expr: Expr };

const OPEN = '${{';
const CLOSE = '}}';

/**
 * Index of the `}}` closing an expression that starts at `from`, skipping quoted strings (so
 * `'}}'` inside a string does not end the expression). A string left open is reported here: it
 * is the real cause of the missing `}}`.
 */
function findClose(text: string, from: number, open: number): number {
  let quoteStart = -1;
  for (let i = from; i < text.length; i += 1) {
    const char = text[i];
    if (quoteStart !== -1) {
      if (char === '\\') i += 1;
      else if (char === text[quoteStart]) quoteStart = -1;
    } else if (char === "'" || char === '"') {
      quoteStart = i;
    } else if (text.startsWith(CLOSE, i)) {
      return i;
    }
  }
  if (quoteStart !== -1) throw new ExpressionError(`unterminated string: add the closing ${text[quoteStart]}`, quoteStart);
  throw new ExpressionError('unterminated "${{": close the expression with "}}"', open);
}

/**
 * Splits `text` into literal and `${{ ... }}` parts, parsing every expression. Throws
 * {@link ExpressionError} with the offset in `text` for an unterminated `${{` or bad syntax.
 */
export function parseTemplate(text: string): TemplatePart[] {
  if (text.length > LIMITS.templateLength.value && hasTemplate(text)) {
    throw new ExpressionError(`template text is too long: ${limitMessage('templateLength', text.length)}`, 0);
  }
  const parts: TemplatePart[] = [];
  let cursor = 0;
  for (;;) {
    const open = text.indexOf(OPEN, cursor);
    if (open === -1) break;
    if (open > cursor) parts.push({ kind: 'literal', text: text.slice(cursor, open) });
    const start = open + OPEN.length;
    const close = findClose(text, start, open);
    const source = text.slice(start, close);
    parts.push({ kind: 'expression', source, offset: start, expr: parseAt(source, start) });
    cursor = close + CLOSE.length;
  }
  if (cursor < text.length) parts.push({ kind: 'literal', text: text.slice(cursor) });
  return parts;
}

/** Whether the text contains a template at all (cheap; does not validate). */
export function hasTemplate(text: string): boolean {
  return text.includes(OPEN);
}

/** The expression part when the parts (ignoring surrounding whitespace) are exactly one `${{ }}`. */
function soleExpression(parts: TemplatePart[]): Extract<TemplatePart, { kind: 'expression' }> | undefined {
  const significant = parts.filter((part) => part.kind === 'expression' || part.text.trim() !== '');
  return significant.length === 1 && significant[0].kind === 'expression' ? significant[0] : undefined;
}

/**
 * If the trimmed text is exactly one `${{ }}` (so it renders to a typed value), that expression
 * part; otherwise undefined. Throws {@link ExpressionError} for bad syntax.
 */
export function wholeTemplateExpression(text: string): Extract<TemplatePart, { kind: 'expression' }> | undefined {
  return soleExpression(parseTemplate(text));
}

function interpolate(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Renders a template. When the trimmed text is exactly one `${{ }}` the value keeps its type (a
 * list stays a list, null stays null); otherwise expressions are interpolated into the string
 * (null → "", lists and objects → JSON). Errors carry the offset in `text`.
 */
export function renderTemplate(text: string, context: TemplateContext): unknown {
  if (!hasTemplate(text)) return text;
  const parts = parseTemplate(text);
  const whole = soleExpression(parts);
  if (whole) {
    const value = evaluateExpression(whole.expr, context);
    return value === undefined ? null : value;
  }
  return parts
    .map((part) => (part.kind === 'literal' ? part.text : interpolate(evaluateExpression(part.expr, context))))
    .join('');
}

/** Renders every string inside `value` (objects and arrays, recursively) into a new structure. */
export function renderDeep(value: unknown, context: TemplateContext): unknown {
  if (typeof value === 'string') return renderTemplate(value, context);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, context));
  if (isRecord(value)) {
    const result: Record<string, unknown> = {};
    // setOwn: a key named "__proto__" stays a key instead of replacing the result's prototype.
    for (const [key, item] of Object.entries(value)) setOwn(result, key, renderDeep(item, context));
    return result;
  }
  return value;
}

/** A path read by a template: segments as strings, and where the path starts in the text. */
export interface TemplateReference {
  path: string[];
  offset: number;
}

function collectPaths(expr: Expr, into: TemplateReference[]): void {
  switch (expr.kind) {
    case 'path':
      into.push({ path: expr.segments.map(String), offset: expr.offset });
      return;
    case 'not':
      collectPaths(expr.operand, into);
      return;
    case 'binary':
      collectPaths(expr.left, into);
      collectPaths(expr.right, into);
      return;
    case 'literal':
      return;
  }
}

/**
 * Every path the templates in `text` read, in order, e.g. `['steps', 'block-egress', 'output',
 * 'rule_id']`, with the offset in `text` where the path starts. Throws {@link ExpressionError}
 * for bad syntax.
 */
export function templateReferences(text: string): TemplateReference[] {
  const references: TemplateReference[] = [];
  for (const part of parseTemplate(text)) {
    if (part.kind === 'expression') collectPaths(part.expr, references);
  }
  return references;
}

/** A path compared with a literal (`steps.triage.output.choice == 'false-positive'`), either way round. */
export interface TemplateComparison {
  path: string[];
  literal: Literal;
  /** Where the literal starts in the text. */
  offset: number;
}

function collectComparisons(expr: Expr, into: TemplateComparison[]): void {
  if (expr.kind === 'not') return collectComparisons(expr.operand, into);
  if (expr.kind !== 'binary') return;
  if (expr.operator === '==' || expr.operator === '!=') {
    const { left, right } = expr;
    if (left.kind === 'path' && right.kind === 'literal') into.push({ path: left.segments.map(String), literal: right.value, offset: right.offset });
    if (right.kind === 'path' && left.kind === 'literal') into.push({ path: right.segments.map(String), literal: left.value, offset: left.offset });
  }
  collectComparisons(expr.left, into);
  collectComparisons(expr.right, into);
}

/** Every equality test of a path against a literal in `text`'s templates. Throws {@link ExpressionError} for bad syntax. */
export function templateComparisons(text: string): TemplateComparison[] {
  const comparisons: TemplateComparison[] = [];
  for (const part of parseTemplate(text)) {
    if (part.kind === 'expression') collectComparisons(part.expr, comparisons);
  }
  return comparisons;
}
