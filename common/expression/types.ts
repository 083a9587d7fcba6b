/** The names, context and syntax tree shared by the expression modules. Workflow-safe. */

/** The names a path may start from. */
/**
 * `item` is the current item of a `foreach` loop (`item.value`, `item.index`), only inside its
 * steps; `check` the latest check of an `observe` step (its output, and `check.attempt`), only in
 * its `until`.
 */
export const EXPRESSION_ROOTS = ['inputs', 'steps', 'run', 'item', 'check'] as const;
export type ExpressionRoot = (typeof EXPRESSION_ROOTS)[number];

/** The fields of `run.*` the interpreter provides; the linter rejects anything else. */
export const RUN_CONTEXT_FIELDS = ['id', 'incident', 'mode', 'requester', 'runbook', 'version', 'started_at', 'severity'] as const;

/** What templates can see while a run executes. Missing values read as null. */
export interface TemplateContext {
  inputs: Record<string, unknown>;
  steps: Record<string, { status?: string; output?: Record<string, unknown> }>;
  run: Record<string, unknown>;
  /** Inside a `foreach`: the item being worked on and its position (from 0). */
  item?: { value: unknown; index: number };
  /** In an observe step's `until`: the latest check's output, and which check it was (from 1). */
  check?: Record<string, unknown>;
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

/** A plain mapping (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
