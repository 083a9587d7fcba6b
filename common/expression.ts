/**
 * `${{ expr }}` templates in runbooks: a deliberately small expression language.
 *
 * Runbooks are untrusted-ish input evaluated inside a Temporal workflow, so this module has no
 * eval/Function, no Node imports, no clock or randomness, and only reads own properties of the
 * context (never `constructor`, `__proto__` and friends). The same parser serves the linter
 * (runbooks/semantics.ts) and the interpreter, so what lints is exactly what runs.
 *
 * Grammar (lowest precedence first):
 *
 *   or         := and ( "||" and )*
 *   and        := equality ( "&&" equality )*
 *   equality   := comparison ( ("==" | "!=") comparison )?       -- not chainable
 *   comparison := unary ( ("<" | ">" | "<=" | ">=") unary )?       -- not chainable
 *   unary      := "!" unary | primary
 *   primary    := literal | path | "(" or ")"
 *   literal    := null | true | false | number | 'string' | "string"
 *   path       := ("inputs" | "steps" | "run") ( "." name | "[" integer "]" | "[" string "]" )*
 *
 * Names may contain hyphens (`steps.block-egress.output.rule_id`): there is no arithmetic, so a
 * hyphen can never mean minus.
 *
 * Workflow-safe: pure functions; imports only common/suggest.
 */
import { LIMITS, limitMessage } from './limits';
import { setOwn } from './own';
import { didYouMean } from './suggest';

/** The names a path may start from. */
export const EXPRESSION_ROOTS = ['inputs', 'steps', 'run'] as const;
export type ExpressionRoot = (typeof EXPRESSION_ROOTS)[number];

/** The fields of `run.*` the interpreter provides; the linter rejects anything else. */
export const RUN_CONTEXT_FIELDS = ['id', 'incident', 'mode', 'requester', 'runbook', 'version', 'started_at'] as const;

/** What templates can see while a run executes. Missing values read as null. */
export interface TemplateContext {
  inputs: Record<string, unknown>;
  steps: Record<string, { status?: string; output?: Record<string, unknown> }>;
  run: Record<string, unknown>;
}

/** A syntax or evaluation error; `offset` is the character offset in the text that was given. */
export class ExpressionError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = 'ExpressionError';
    this.offset = offset;
  }
}

export type Literal = null | boolean | number | string;
export type PathSegment = string | number;
export type EqualityOperator = '==' | '!=';
export type OrderingOperator = '<' | '>' | '<=' | '>=';
export type LogicalOperator = '&&' | '||';
export type BinaryOperator = EqualityOperator | OrderingOperator | LogicalOperator;

/**
 * Parsed expression. `offset` is where the node starts (for `binary`, where its operator is),
 * relative to the text that was parsed: the expression source for {@link parseExpression}, the
 * whole template text for expressions inside {@link parseTemplate} parts.
 */
export type Expr =
  | { kind: 'literal'; value: Literal; offset: number }
  | { kind: 'path'; segments: [ExpressionRoot, ...PathSegment[]]; offset: number }
  | { kind: 'not'; operand: Expr; offset: number }
  | { kind: 'binary'; operator: BinaryOperator; left: Expr; right: Expr; offset: number };

// ---------------------------------------------------------------------------------------------
// Tokenizer

type Token =
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

function tokenize(source: string, base: number): Token[] {
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

// ---------------------------------------------------------------------------------------------
// Parser (recursive descent over the token list)

const LITERAL_NAMES: Record<string, Literal> = { null: null, true: true, false: false };

class Parser {
  private position = 0;
  /** Open parentheses and `!`s around the current token: bounded so no input can exhaust the stack. */
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    if (this.peek().type === 'end') {
      throw new ExpressionError('empty expression: write a value or a comparison, e.g. inputs.principal != null', this.peek().offset);
    }
    const expr = this.parseOr();
    const next = this.peek();
    if (next.type !== 'end') {
      throw new ExpressionError(`unexpected ${describeToken(next)}: expected an operator (== != < > <= >= && ||) or the end of the expression`, next.offset);
    }
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.position];
  }

  private take(): Token {
    const token = this.tokens[this.position];
    if (token.type !== 'end') this.position += 1;
    return token;
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.type === 'punct' && token.value === value;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isPunct('||')) {
      const operator = this.take();
      left = { kind: 'binary', operator: '||', left, right: this.parseAnd(), offset: operator.offset };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseEquality();
    while (this.isPunct('&&')) {
      const operator = this.take();
      left = { kind: 'binary', operator: '&&', left, right: this.parseEquality(), offset: operator.offset };
    }
    return left;
  }

  private parseEquality(): Expr {
    return this.parseNonChaining(['==', '!='], () => this.parseComparison());
  }

  private parseComparison(): Expr {
    return this.parseNonChaining(['<', '>', '<=', '>='], () => this.parseUnary());
  }

  /** `a < b < c` reads naturally but would compare a boolean with c, so it is refused. */
  private parseNonChaining(operators: string[], operand: () => Expr): Expr {
    const left = operand();
    const token = this.peek();
    if (token.type !== 'punct' || !operators.includes(token.value)) return left;
    this.take();
    const right = operand();
    const after = this.peek();
    if (after.type === 'punct' && operators.includes(after.value)) {
      throw new ExpressionError(`comparisons cannot be chained: combine them with && (e.g. a < b && b < c)`, after.offset);
    }
    return { kind: 'binary', operator: token.value as BinaryOperator, left, right, offset: token.offset };
  }

  private enter(token: Token): void {
    this.depth += 1;
    if (this.depth > LIMITS.expressionNesting.value) {
      throw new ExpressionError(`expression nested too deeply (parentheses and "!"): ${limitMessage('expressionNesting')}`, token.offset);
    }
  }

  private parseUnary(): Expr {
    if (this.isPunct('!')) {
      const bang = this.take();
      this.enter(bang);
      const operand = this.parseUnary();
      this.depth -= 1;
      return { kind: 'not', operand, offset: bang.offset };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const token = this.take();
    switch (token.type) {
      case 'number':
      case 'string':
        return { kind: 'literal', value: token.value, offset: token.offset };
      case 'name':
        return this.parseName(token);
      case 'punct':
        if (token.value === '(') {
          this.enter(token);
          const inner = this.parseOr();
          this.depth -= 1;
          if (!this.isPunct(')')) {
            const next = this.peek();
            throw new ExpressionError(`unclosed "(": expected ")" but found ${describeToken(next)}`, token.offset);
          }
          this.take();
          return inner;
        }
        throw new ExpressionError(`expected a value but found ${describeToken(token)}`, token.offset);
      case 'end':
        throw new ExpressionError('expected a value but the expression ended (an operator is missing its right-hand side)', token.offset);
    }
  }

  private parseName(token: Extract<Token, { type: 'name' }>): Expr {
    if (Object.prototype.hasOwnProperty.call(LITERAL_NAMES, token.value)) {
      return { kind: 'literal', value: LITERAL_NAMES[token.value], offset: token.offset };
    }
    if (this.isPunct('(')) {
      throw new ExpressionError(`functions are not supported ("${token.value}(...)"): use comparisons and && || ! only`, token.offset);
    }
    const root = EXPRESSION_ROOTS.find((name) => name === token.value);
    if (root === undefined) {
      const hint = didYouMean(token.value, [...EXPRESSION_ROOTS, ...Object.keys(LITERAL_NAMES)]);
      throw new ExpressionError(
        `unknown name "${token.value}"${hint}: a value is inputs.<name>, steps.<id>.output.<field>, steps.<id>.status, run.<field>, null, true, false, a number or a quoted string`,
        token.offset,
      );
    }
    const segments: [ExpressionRoot, ...PathSegment[]] = [root];
    for (;;) {
      if (this.isPunct('.')) {
        const dot = this.take();
        const name = this.take();
        if (name.type !== 'name') {
          throw new ExpressionError(`expected a name after "." but found ${describeToken(name)}`, name.type === 'end' ? dot.offset : name.offset);
        }
        segments.push(name.value);
      } else if (this.isPunct('[')) {
        const open = this.take();
        const index = this.take();
        const validIndex = index.type === 'string' || (index.type === 'number' && Number.isInteger(index.value) && index.value >= 0);
        if (!validIndex) {
          throw new ExpressionError(`expected an index like [0] or a key like ['name'] after "[" but found ${describeToken(index)}`, index.offset);
        }
        if (!this.isPunct(']')) throw new ExpressionError(`unclosed "[": expected "]"`, open.offset);
        this.take();
        segments.push(index.value);
      } else {
        return { kind: 'path', segments, offset: token.offset };
      }
    }
  }
}

function describeToken(token: Token): string {
  return token.type === 'end' ? 'the end of the expression' : `"${token.text}"`;
}

function parseAt(source: string, base: number): Expr {
  return new Parser(tokenize(source, base)).parse();
}

/**
 * Parses an expression (the text between `${{` and `}}`). Throws {@link ExpressionError} with the
 * offset of the problem in `source`.
 */
export function parseExpression(source: string): Expr {
  return parseAt(source, 0);
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Truthiness used by `when`, `!`, `&&` and `||`: null, false, 0, NaN, "" and [] are false. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a path through own properties only; anything missing is null. */
function lookup(context: TemplateContext, segments: readonly PathSegment[]): unknown {
  let current: unknown = context;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      current = typeof segment === 'number' ? current[segment] : undefined;
    } else if (isRecord(current)) {
      const key = String(segment);
      current = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
    } else {
      return null;
    }
    if (current === undefined) return null;
  }
  return current;
}

/** Primitives compare strictly (1 != "1"); arrays and objects compare by content. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}

function compare(operator: OrderingOperator, left: unknown, right: unknown, offset: number): boolean {
  const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) {
    throw new ExpressionError(
      `cannot compare ${typeName(left)} ${operator} ${typeName(right)}: "${operator}" needs two numbers or two strings`,
      offset,
    );
  }
  const l = left as number | string;
  const r = right as number | string;
  switch (operator) {
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '<=':
      return l <= r;
    case '>=':
      return l >= r;
  }
}

/**
 * Evaluates a parsed expression. Missing paths are null; `&&`/`||` short-circuit and yield
 * booleans. Throws {@link ExpressionError} (offset of the operator) when `< > <= >=` get
 * anything but two numbers or two strings.
 */
export function evaluateExpression(expr: Expr, context: TemplateContext): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return lookup(context, expr.segments);
    case 'not':
      return !isTruthy(evaluateExpression(expr.operand, context));
    case 'binary': {
      const left = evaluateExpression(expr.left, context);
      switch (expr.operator) {
        case '&&':
          return isTruthy(left) && isTruthy(evaluateExpression(expr.right, context));
        case '||':
          return isTruthy(left) || isTruthy(evaluateExpression(expr.right, context));
        case '==':
          return deepEqual(left, evaluateExpression(expr.right, context));
        case '!=':
          return !deepEqual(left, evaluateExpression(expr.right, context));
        default:
          return compare(expr.operator, left, evaluateExpression(expr.right, context), expr.offset);
      }
    }
  }
}

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
