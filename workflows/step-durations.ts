/**
 * Turns a step's duration as the runbook wrote it (`4h`, `3bd`, `${{ inputs.approval_window }}`,
 * or `{ critical: 15m, default: 4h }`) into milliseconds when the step starts: a template is
 * rendered against the run, a table picks the run's severity. A value that is no duration fails
 * the step, naming the field and what it gave, rather than waiting for a wrong time.
 *
 * Business days (`bd`) are counted from this moment (workflow time) on the calendar the run
 * started with (its input, so a replay counts on the same one; common/business-days.ts has the
 * rule), or on the default calendar when none was configured, which the run then records.
 *
 * Workflow-safe.
 */
import { businessDeadline, DEFAULT_CALENDAR, describeCalendar } from '../common/business-days';
import { parseStepDuration } from '../common/duration';
import { renderTemplate } from '../common/expression';
import { describeLimit, LIMITS } from '../common/limits';
import { describeError, StepFailure } from './outcomes';
import type { RunContext } from './run-context';
import type { ActivityOptions } from '@temporalio/workflow';
import type { RetrySpecType } from '../runbooks/schema';
import { actionOptions } from './activity-options';

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
    return { ms: lengthOf(ctx, stepId, field, chosen), text: `${chosen} (${severity})` };
  }
  if (!written.includes('${{')) return { ms: lengthOf(ctx, stepId, field, written), text: written };
  let rendered: unknown;
  try {
    rendered = renderTemplate(written, ctx.templateContext());
  } catch (error) {
    throw new StepFailure(stepId, `could not evaluate ${field}: ${describeError(error).message}`);
  }
  const text = typeof rendered === 'string' ? rendered.trim() : String(rendered);
  return { ms: lengthOf(ctx, stepId, field, text), text };
}

/** The length of one duration from now; business days end at an instant of the run's calendar. */
function lengthOf(ctx: RunContext, stepId: string, field: string, text: string): number {
  const parsed = parseStepDuration(text);
  if (!parsed.ok) throw new StepFailure(stepId, `${field} gave ${parsed.message}`);
  if (parsed.businessDays === undefined) return parsed.ms;
  const nowMs = Date.now();
  const configured = ctx.input.calendar;
  const calendar = configured ?? DEFAULT_CALENDAR;
  let endsMs: number;
  try {
    endsMs = businessDeadline(calendar, nowMs, { businessDays: parsed.businessDays, ms: parsed.ms });
  } catch (error) {
    throw new StepFailure(stepId, `could not count ${field} ${text} in business days: ${describeError(error).message}`);
  }
  const ms = endsMs - nowMs;
  if (ms > LIMITS.duration.value) {
    throw new StepFailure(stepId, `${field} ${text} ends ${new Date(endsMs).toISOString()} on this calendar, later than the duration limit (${describeLimit('duration')}) allows`);
  }
  const where = configured ? `the calendar of ${configured.file ?? 'the run'} (${describeCalendar(configured)})` : `the default calendar (${describeCalendar(calendar)}): no calendar file (QUELL_CALENDAR_FILE) was configured when the run started`;
  ctx.record('duration.business-days', `${field} ${text} ends ${new Date(endsMs).toISOString()}, counted on ${where}`, { step: stepId });
  return ms;
}

/** The activity options of a step that performs actions (an action, an observe's checks), its timeout decided now. */
export function stepActionOptions(ctx: RunContext, step: { id: string; timeout?: WrittenDuration; retry?: RetrySpecType }): ActivityOptions {
  const timeout = step.timeout !== undefined ? resolveDuration(ctx, step.id, 'timeout', step.timeout) : undefined;
  return actionOptions({ ...(step.retry ? { retry: step.retry } : {}), ...(timeout ? { timeout: `${timeout.ms}ms` } : {}) });
}
