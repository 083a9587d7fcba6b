/**
 * Keeps the catalogue's output shapes truthful: the output a performer hands back is compared
 * with the shape its action declares (common/actions.ts `output`), which is what the linter lets
 * runbooks name. A key the shape does not declare, or a value of another type, is a connector and
 * catalogue drifting apart.
 *
 * In production that drift must never cost containment: the step goes on, and a warning is logged
 * once per action and key. With QUELL_CHECK_OUTPUT_SHAPES=1 (every test run) the step fails for
 * good, naming action, performer and key, so a test of any connector catches the drift.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ACTION_CATALOGUE, type ActionName } from '../common/actions';
export const CHECK_OUTPUT_SHAPES_ENV = 'QUELL_CHECK_OUTPUT_SHAPES';

/** The failure type of an output that does not fit (only thrown when the check is enforced). */
export const OUTPUT_SHAPE_FAILURE = 'QuellOutputShape';

/** One way an output differs from its declared shape. */
export interface OutputShapeProblem {
  /** The top-level output key at fault. */
  key: string;
  problem: string;
}

/** How `output` differs from what `action` declares; empty when it fits. */
export function outputShapeProblems(action: ActionName, output: Record<string, unknown>): OutputShapeProblem[] {
  const shape: z.ZodObject = ACTION_CATALOGUE[action].output;
  const declared = Object.keys(shape.shape);
  // Undeclared keys are found here rather than by the schema: a loose z.object would drop them silently.
  const undeclared = Object.keys(output)
    .filter((key) => !declared.includes(key))
    .map((key) => ({ key, problem: `key "${key}" is not declared in the output shape` }));
  const parsed = shape.safeParse(output);
  const wrong = parsed.success
    ? []
    : parsed.error.issues
        .filter((issue) => issue.code !== 'unrecognized_keys')
        .map((issue) => {
          const key = issue.path.length > 0 ? String(issue.path[0]) : '(output)';
          return { key, problem: `${issue.path.map(String).join('.') || 'output'}: ${issue.message}` };
        });
  return [...undeclared, ...wrong];
}

/** Whether outputs that do not fit fail the step (tests) rather than only being logged. */
export function outputShapesEnforced(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CHECK_OUTPUT_SHAPES_ENV] === '1';
}

// Per process: a connector that returns an extra key on every step is one warning, not thousands.
const warned = new Set<string>();

/**
 * Checks a performed output against its action's shape: throws a non-retryable failure when
 * `enforce` is set, otherwise logs each (action, key) once and lets the step go on.
 */
export function checkOutputShape(
  action: ActionName,
  performer: string,
  output: Record<string, unknown>,
  options: { enforce: boolean; log: Logger; stepId: string },
): void {
  const problems = outputShapeProblems(action, output);
  if (problems.length === 0) return;
  if (options.enforce) {
    const keys = [...new Set(problems.map((problem) => problem.key))];
    throw ApplicationFailure.nonRetryable(
      `step ${options.stepId}: the output of ${action} from ${performer} does not fit the catalogue's output shape: ${problems.map((problem) => problem.problem).join('; ')}`,
      OUTPUT_SHAPE_FAILURE,
      { stepId: options.stepId, action, performer, keys },
    );
  }
  for (const { key, problem } of problems) {
    const id = `${action}\u0000${key}`;
    if (warned.has(id)) continue;
    warned.add(id);
    options.log.warn({ action, performer, key, problem }, 'action output does not fit the catalogue output shape; the step goes on');
  }
}
