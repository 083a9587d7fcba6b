/**
 * "Whatever the linter accepts starts": for a runbook that loaded cleanly, everything a start does
 * before the workflow's first step, in process — inputs that satisfy the declarations validate,
 * the live pre-check can list its actions, every duration makes a valid deadline, and every
 * template evaluates (or fails with the typed evaluation error a step reports, never a crash).
 */
import { compileRetryPolicy } from '@temporalio/common';
import { parseDuration, parseStepDuration } from '../../common/duration';
import { ExpressionError, hasTemplate, renderTemplate, type TemplateContext } from '../../common/expression';
import { LIMITS } from '../../common/limits';
import { matchesPattern } from '../../common/pattern';
import { validateRunInputs } from '../../runbooks/inputs';
import type { InputSpecType, Runbook } from '../../runbooks/schema';
import { actionOptions } from '../../workflows/activity-options';
import { requiredActions } from '../../workflows/required-actions';
import { everyStep } from '../../runbooks/step-kind';

const TEXT_CANDIDATES = ['alice', 'AKIA' + 'ABCDEFGHIJKLMNOP', 'INC-1', 'alice@example.com', '10.0.0.1', '203.0.113.0/24', 'acme', 'x', 'a1', 'U0123ABCD'];

function candidate(spec: InputSpecType, itemType: 'string' | 'number'): unknown {
  if (spec.enum !== undefined) return spec.enum[0];
  if (itemType === 'number') return 1;
  return TEXT_CANDIDATES.find((text) => spec.pattern === undefined || matchesPattern(spec.pattern, text));
}

/** Input values a person could give: required ones filled in; undefined if no candidate fits. */
export function plausibleInputs(runbook: Runbook): Record<string, unknown> | undefined {
  const inputs: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(runbook.inputs)) {
    if (!spec.required) continue;
    let value: unknown;
    if (spec.type === 'boolean') value = true;
    else if (spec.type === 'list') {
      const item = candidate(spec, spec.items ?? 'string');
      value = item === undefined ? undefined : [item];
    } else if (spec.type === 'datetime') value = '2026-12-31T09:00:00Z';
    else value = candidate(spec, spec.type);
    if (value === undefined) return undefined;
    Object.defineProperty(inputs, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return inputs;
}

const DURATION_KEYS = new Set(['timeout', 'remind_every', 'initial_interval', 'max_interval', 'contain_within', 'resolve_within', 'for', 'every']);
const STEP_DURATION_KEYS = new Set(['timeout', 'for']);

function walk(value: unknown, visit: (key: string | undefined, text: string) => void, key?: string): void {
  if (typeof value === 'string') visit(key, value);
  else if (Array.isArray(value)) value.forEach((item) => walk(item, visit));
  else if (typeof value === 'object' && value !== null) for (const [name, item] of Object.entries(value)) walk(item, visit, name);
}

/** Throws (with a reason) if a start of this linted runbook would fail outside the engine's rules. */
export function assertStartsCleanly(runbook: Runbook): void {
  const inputs = plausibleInputs(runbook);
  if (inputs === undefined) return; // no plausible value for a patterned input: nothing to start with
  const validated = validateRunInputs(runbook, inputs);
  if (!validated.ok) throw new Error(`plausible inputs refused: ${JSON.stringify(validated.problems)}`);
  const run = { id: 'quell-tabletop:x:INC-1', incident: 'INC-1', mode: 'tabletop', requester: 'alice', runbook: runbook.id, version: runbook.version, started_at: '2026-01-01T00:00:00.000Z' };
  requiredActions(runbook, { inputs: validated.values, run });
  const context: TemplateContext = { inputs: validated.values, steps: {}, run };
  const steps = everyStep(runbook.steps);
  for (const step of steps) {
    // The options every action activity is scheduled with must be ones Temporal accepts.
    if ('action' in step) compileRetryPolicy(actionOptions({ ...(step.retry ? { retry: step.retry } : {}) }).retry ?? {});
  }
  walk(runbook, (key, text) => {
    if (key !== undefined && DURATION_KEYS.has(key) && !hasTemplate(text)) {
      // A step's timeout may count business days (decided when the step starts); the rest are fixed.
      const parsed = STEP_DURATION_KEYS.has(key) ? parseStepDuration(text) : parseDuration(text);
      if (!parsed.ok) throw new Error(`linted duration ${key}: ${text} does not parse: ${parsed.message}`);
      if (parsed.ms > LIMITS.duration.value) throw new Error(`linted duration ${key}: ${text} exceeds the limit`);
      new Date(Date.now() + parsed.ms).toISOString();
    }
    if (hasTemplate(text)) {
      try {
        renderTemplate(text, context);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
      }
    }
  });
}
