/**
 * A foreach's `items` must be a list: a literal list, or one `${{ }}` expression reading a list
 * input (`type: list`) or an output known to be a list (an action's output the catalogue declares
 * as an array, a loop's results, a decision's answered_by). An output whose shape is not declared
 * (a wait's event details) is taken on trust and checked when the run computes it.
 *
 * Workflow-safe: zod and common/ only.
 */
import { z } from 'zod';
import { ACTION_CATALOGUE } from '../common/actions';
import type { DocumentPath, DocumentProblem } from '../config/yaml/explain-issues';
import { knownOutputs } from './output-paths';
import { soleExpression } from './template-checks';
import type { ForeachStepSpec, InputSpecType } from './schema';
import type { AnyStep } from './step-places';

const LIST_OUTPUTS: Readonly<Record<string, readonly string[]>> = { decision: ['answered_by'], foreach: ['results'] };

export function checkForeachItems(
  step: ForeachStepSpec,
  path: DocumentPath,
  known: { inputs: Record<string, InputSpecType>; specs: Map<string, AnyStep> },
): DocumentProblem[] {
  const items = step.foreach.items;
  if (typeof items !== 'string') return [];
  const at = [...path, 'foreach', 'items'];
  const whole = soleExpression(items);
  if (!whole) return [{ path: at, message: `items must be a list, or one \${{ }} expression that yields a list (e.g. \${{ inputs.hosts }}); got ${JSON.stringify(items.slice(0, 60))}` }];
  const expr = whole.expr;
  if (expr.kind !== 'path') return [{ path: at, message: 'items must read a list (an input or a step output); this expression yields a single value' }];
  const [root, name, part, field] = expr.segments.map(String);
  if (root === 'inputs' && name !== undefined && expr.segments.length === 2) {
    const input = known.inputs[name];
    if (input && input.type !== 'list') return [{ path: at, offset: expr.offset, message: `inputs.${name} is ${input.type === 'string' ? 'a string' : `a ${input.type}`}, not a list: a foreach needs a list (declare it type: list)` }];
    return [];
  }
  if (root === 'steps' && name !== undefined && part === 'output' && field !== undefined && expr.segments.length === 4) {
    const spec = known.specs.get(name);
    if (!spec) return [];
    const verdict = outputIsList(spec, field);
    if (verdict === false) return [{ path: at, offset: expr.offset, message: `steps.${name}.output.${field} is not a list, so a foreach cannot go through it` }];
    return [];
  }
  if (root === 'item') return [{ path: at, message: 'items cannot read item: loops are not nested' }];
  return [];
}

/** True or false when the output's shape is known; undefined when it is not declared. */
function outputIsList(spec: AnyStep, field: string): boolean | undefined {
  if ('action' in spec) {
    const shape = (ACTION_CATALOGUE[spec.action] as { output?: z.ZodObject }).output?.shape as Record<string, z.ZodType> | undefined;
    const schema = shape?.[field];
    return schema === undefined ? undefined : isListSchema(schema);
  }
  const kind = 'decision' in spec ? 'decision' : 'foreach' in spec ? 'foreach' : undefined;
  if (kind) return LIST_OUTPUTS[kind]!.includes(field);
  // A wait without declared outputs takes any details; everything else writes no lists.
  return knownOutputs(spec).open ? undefined : false;
}

function isListSchema(schema: z.ZodType): boolean {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
  return current instanceof z.ZodArray;
}
