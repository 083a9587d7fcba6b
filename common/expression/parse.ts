/** Recursive-descent parser for expressions; nesting is bounded. Workflow-safe. */
import { LIMITS, limitMessage } from '../limits';
import { didYouMean } from '../suggest';
import { tokenize, type Token } from './tokenize';
import { EXPRESSION_ROOTS, ExpressionError, type BinaryOperator, type Expr, type ExpressionRoot, type Literal, type PathSegment } from './types';

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

export function parseAt(source: string, base: number): Expr {
  return new Parser(tokenize(source, base)).parse();
}

/**
 * Parses an expression (the text between `${{` and `}}`). Throws {@link ExpressionError} with the
 * offset of the problem in `source`.
 */
export function parseExpression(source: string): Expr {
  return parseAt(source, 0);
}
