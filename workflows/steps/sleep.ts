/**
 * Runs a `sleep` step: a durable pause on Temporal's clock, `for` a duration or `until` an
 * absolute time. A Temporal timer holds it, so a worker that dies mid-sleep costs nothing: the
 * timer fires on the server and the next worker carries on. A time already past wakes at once.
 * The output says when it woke and how long it slept.
 *
 * Workflow-safe: `Date.now()` is the workflow's deterministic clock.
 */
import { sleep } from '@temporalio/workflow';
import { resolveDuration } from '../step-durations';
import { renderTemplate } from '../../common/expression';
import { ISO_TIME_EXAMPLE, parseIsoTime } from '../../common/iso-time';
import type { SleepStepSpec } from '../../runbooks/schema';
import { describeError, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';

export async function runSleepStep(ctx: RunContext, step: SleepStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  const startedMs = Date.now();
  const { wakeMs, asked } = wakeTime(ctx, step, startedMs);
  state.sleep = { until: new Date(wakeMs).toISOString(), asked };
  ctx.moveStep(state, 'await');
  state.startedAt = ctx.now();
  ctx.record('sleep.started', `${asked}: wakes at ${state.sleep.until}`, { step: step.id });
  if (wakeMs > startedMs) await sleep(wakeMs - startedMs);
  state.output = { woke_at: ctx.now(), slept_ms: Date.now() - startedMs, until: state.sleep.until };
  state.endedAt = ctx.now();
  ctx.moveStep(state, 'succeed');
  ctx.record('sleep.woke', wakeMs > startedMs ? asked : `${asked}: already past, no wait`, { step: step.id });
}

function wakeTime(ctx: RunContext, step: SleepStepSpec, nowMs: number): { wakeMs: number; asked: string } {
  if (step.sleep.for !== undefined) {
    const length = resolveDuration(ctx, step.id, 'for', step.sleep.for);
    return { wakeMs: nowMs + length.ms, asked: `for ${length.text}` };
  }
  let rendered: unknown;
  try {
    rendered = renderTemplate(step.sleep.until!, ctx.templateContext());
  } catch (error) {
    throw new StepFailure(step.id, `could not evaluate until: ${describeError(error).message}`);
  }
  const text = typeof rendered === 'string' ? rendered.trim() : String(rendered);
  const parsed = parseIsoTime(text);
  if (parsed === undefined) {
    throw new StepFailure(step.id, `until gave "${text.slice(0, 60)}", not an ISO time with a date, time and offset (${ISO_TIME_EXAMPLE})`);
  }
  return { wakeMs: parsed, asked: `until ${new Date(parsed).toISOString()}` };
}
