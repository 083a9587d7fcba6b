/**
 * Turns a step's duration as the runbook wrote it (`4h`, `${{ inputs.approval_window }}`, or
 * `{ critical: 15m, default: 4h }`) into milliseconds when the step starts: a template is
 * rendered against the run, a table picks the run's severity. A value that is no duration fails
 * the step, naming the field and what it gave, rather than waiting for a wrong time.
 *
 * Workflow-safe.
 */
import { durationMs, parseDuration } from '../common/duration';
import { renderTemplate } from '../common/expression';
import { describeError, StepFailure } from './outcomes';
import type { RunContext } from './run-context';

export type WrittenDuration = string | { critical?: string; high?: string; medium?: string; low?: string; default?: string };

export interface ResolvedDuration {
  ms: number;
  /** As people read it: `4h`, or `4h (high)` when chosen by severity. */
  text: string;
}

export function resolveDuration(ctx: RunContext, stepId: string, field: string, written: WrittenDuration): ResolvedDuration {
  if (typeof written !== 'string') {
    const severity = ctx.severity();
    const chosen = written[severity] ?? written.default;
    // The schema requires a default unless every severity is listed.
    if (chosen === undefined) throw new StepFailure(stepId, `${field} gives no duration for severity ${severity}`);
    return { ms: durationMs(chosen), text: `${chosen} (${severity})` };
  }
  if (!written.includes('${{')) return { ms: durationMs(written), text: written };
  let rendered: unknown;
  try {
    rendered = renderTemplate(written, ctx.templateContext());
  } catch (error) {
    throw new StepFailure(stepId, `could not evaluate ${field}: ${describeError(error).message}`);
  }
  const text = typeof rendered === 'string' ? rendered.trim() : String(rendered);
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new StepFailure(stepId, `${field} gave ${parsed.message}`);
  return { ms: parsed.ms, text };
}
