/** Evaluates parsed expressions over own properties of the context only. Workflow-safe. */
import { ExpressionError, isRecord, type Expr, type OrderingOperator, type PathSegment, type TemplateContext } from './types';

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Truthiness used by `when`, `!`, `&&` and `||`: null, false, 0, NaN, "" and [] are false. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (Array.isArray(value)) return value.length > 0;
  return true;
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
