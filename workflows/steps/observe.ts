/**
 * Runs an `observe` step: an observation window. The check action runs at once and then every
 * `every` (on Temporal timers, so a worker outage delays nothing) until `until` holds for the
 * latest check's output or the window (`for`) is over; the last check falls on the window's end.
 * Both endings succeed with an outcome, `condition-met` or `window-elapsed`, for later steps to
 * branch on: a window that saw nothing is a finding, not a failure. A check that fails after its
 * retries fails the step.
 *
 * Each check has its own idempotency key (`…/perform/check-3`), so a replayed or retried check
 * never counts twice.
 *
 * Workflow-safe.
 */
import { sleep } from '@temporalio/workflow';
import { durationMs } from '../../common/duration';
import { isTruthy, renderDeep, renderTemplate } from '../../common/expression';
import type { ObserveStepSpec } from '../../runbooks/schema';
import { callAction } from '../call-action';
import { stepActionOptions } from '../step-durations';
import { describeError, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';

export async function runObserveStep(ctx: RunContext, step: ObserveStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  const spec = step.observe;
  const everyMs = durationMs(spec.every);
  const options = stepActionOptions(ctx, step);
  const startedMs = Date.now();
  const endsMs = startedMs + durationMs(spec.for);
  const observe: NonNullable<typeof state.observe> = { action: spec.check.action, every: spec.every, endsAt: new Date(endsMs).toISOString(), checks: 0 };
  state.observe = observe;
  ctx.moveStep(state, 'start');
  state.startedAt = ctx.now();
  ctx.record('observe.started', `${spec.check.action} every ${spec.every} for ${spec.for}, until ${spec.until}`, { step: step.id });

  let last: Record<string, unknown> = {};
  let metAt: string | undefined;
  for (;;) {
    const attempt = observe.checks + 1;
    let params: Record<string, unknown>;
    try {
      params = (renderDeep(spec.check.with ?? {}, ctx.templateContext()) ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw new StepFailure(step.id, `could not evaluate the check's parameters: ${describeError(error).message}`);
    }
    try {
      const result = await callAction(ctx, { stepId: step.id, action: spec.check.action, params, purpose: 'perform', keySuffix: `check-${attempt}` }, options);
      last = result.output ?? {};
    } catch (error) {
      const { message, type } = describeError(error);
      throw new StepFailure(step.id, `check ${attempt} (${spec.check.action}) failed: ${message}`, type);
    }
    observe.checks = attempt;
    observe.lastCheckedAt = ctx.now();
    ctx.touch();
    let met: boolean;
    try {
      met = isTruthy(renderTemplate(spec.until, { ...ctx.templateContext(), check: { ...last, attempt } }));
    } catch (error) {
      throw new StepFailure(step.id, `could not evaluate until after check ${attempt}: ${describeError(error).message}`);
    }
    if (met) {
      metAt = observe.lastCheckedAt;
      break;
    }
    const left = endsMs - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(everyMs, left));
  }

  observe.outcome = metAt ? 'condition-met' : 'window-elapsed';
  state.output = {
    outcome: observe.outcome,
    checks: observe.checks,
    last_checked_at: observe.lastCheckedAt,
    ...(metAt ? { met_at: metAt } : {}),
    last,
  };
  state.endedAt = ctx.now();
  ctx.moveStep(state, 'succeed');
  ctx.record(`observe.${observe.outcome}`, metAt ? `after ${observe.checks} check${observe.checks === 1 ? '' : 's'}` : `${observe.checks} checks, condition never held`, { step: step.id });
}
