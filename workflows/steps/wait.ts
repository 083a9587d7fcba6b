/**
 * Runs a `wait` step: waits for a named event (delivered from Slack, the CLI or a webhook through
 * the `deliverEvent` Update), sending a reminder every `remind_every` and failing after `timeout`.
 * An event that arrives before its step is reached is kept and consumed when the step starts.
 *
 * Workflow-safe.
 */
import { durationMs } from '../../common/duration';
import { resolveDuration } from '../step-durations';
import type { FormFieldState, StepState } from '../../common/run-state';
import { checkFormValues } from '../../common/form-fields';
import type { WaitStepSpec } from '../../runbooks/schema';
import { EXTERNAL_API } from '../activity-options';
import { callAction } from '../call-action';
import { describeIssues, EventDelivery } from '../messages';
import { StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';
import { waitUntil } from '../wait-until';
import { withheldEventProblem } from '../drill/run-effects';

export async function runWaitStep(ctx: RunContext, step: WaitStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  const { event } = step.wait;
  const timeout = step.wait.timeout !== undefined ? resolveDuration(ctx, step.id, 'timeout', step.wait.timeout) : undefined;
  const deadlineMs = timeout ? Date.now() + timeout.ms : undefined;
  const remindEveryMs = step.wait.remind_every ? durationMs(step.wait.remind_every) : undefined;
  ctx.moveStep(state, 'await');
  state.startedAt = ctx.now();
  state.wait = {
    event,
    remindersSent: 0,
    ...(deadlineMs !== undefined ? { deadline: new Date(deadlineMs).toISOString() } : {}),
  };
  ctx.record('wait.started', event, { step: step.id });

  for (;;) {
    const untilDeadline = deadlineMs !== undefined ? deadlineMs - Date.now() : undefined;
    const slice = smallest(untilDeadline, remindEveryMs);
    const arrived = await waitUntil(() => ctx.receivedEvents.has(event), slice);
    if (arrived) break;
    if (deadlineMs !== undefined && Date.now() >= deadlineMs) {
      throw new StepFailure(step.id, `no "${event}" event within ${timeout?.text ?? ''}`);
    }
    state.wait.remindersSent += 1;
    ctx.record('wait.reminder', `still waiting for ${event}`, { step: step.id });
    await callAction(
      ctx,
      {
        stepId: step.id,
        action: 'notify',
        params: { message: `Reminder: run ${ctx.state.workflowId} is still waiting for "${event}" (step ${step.id})` },
        purpose: 'perform',
        keySuffix: `reminder-${state.wait.remindersSent}`,
      },
      EXTERNAL_API,
    );
  }

  const received = ctx.receivedEvents.get(event);
  ctx.moveStep(state, 'succeed');
  state.endedAt = ctx.now();
  state.actor = received?.actor;
  // Details first, what the run records last: a detail can never overwrite who sent the event or when.
  state.output = { ...(received?.payload ?? {}), event, received_at: received?.at, received_via: received?.via };
  if (received?.payload) state.wait.payload = received.payload;
}

/** The details a wait step for `event` declares (`outputs:`), or undefined when it takes any. */
function declaredDetails(ctx: RunContext, event: string): FormFieldState[] | undefined {
  return ctx.state.steps.find((step) => step.declaredOutputs?.event === event)?.declaredOutputs?.fields;
}

function smallest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Accepts only events this runbook waits for, once each, while the run is still going. */
export function validateEventDelivery(ctx: RunContext, raw: unknown): void {
  const parsed = EventDelivery.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid event: ${describeIssues(parsed.error)}`);
  const { event } = parsed.data;
  if (ctx.state.status !== 'running') throw new Error(`run is ${ctx.state.status}; it takes no more events`);
  if (!ctx.declaredEvents.has(event)) {
    const known = [...ctx.declaredEvents];
    throw new Error(
      `runbook ${ctx.state.runbook.id} does not wait for "${event}"` +
        (known.length ? `; it waits for: ${known.join(', ')}` : '; it has no wait steps'),
    );
  }
  if (ctx.receivedEvents.has(event)) throw new Error(`event "${event}" was already received`);
  const declared = declaredDetails(ctx, event);
  if (declared) {
    const form = checkFormValues(declared, parsed.data.payload, 'payload');
    if (form.problems.length > 0) throw new Error(`invalid event: ${form.problems.join('; ')}`);
  }
  const withheld = withheldEventProblem(ctx, event);
  if (withheld) throw new Error(withheld);
}

export function applyEventDelivery(ctx: RunContext, delivery: EventDelivery): StepState | { buffered: true; event: string } {
  // Declared details are kept as checked (typed, trimmed); undeclared ones as sent.
  const declared = declaredDetails(ctx, delivery.event);
  const payload = declared ? checkFormValues(declared, delivery.payload, 'payload').values : delivery.payload;
  ctx.receivedEvents.set(delivery.event, {
    actor: delivery.actor.trim(),
    via: delivery.via,
    at: ctx.now(),
    ...(payload ? { payload } : {}),
  });
  ctx.record('event.received', delivery.event, { actor: delivery.actor.trim() });
  const waiting = ctx.state.steps.find((step) => step.status === 'waiting' && step.wait?.event === delivery.event);
  return waiting ?? { buffered: true, event: delivery.event };
}
