/**
 * The one table of how a step's status may change. Every executor moves a step with an event
 * (`start`, `await`, `succeed`, …) through {@link RunContext.moveStep}; a move the table does not
 * allow is a bug in the engine and throws, so tests catch it at once (in a live run it fails the
 * workflow task, which Temporal retries after a fix rather than recording a wrong state).
 *
 *   pending ──start──▶ running ──succeed──▶ succeeded ──compensate──▶ compensated
 *      │ └──await──▶ waiting ──succeed──▶ succeeded
 *      ├──skip──▶ skipped
 *      └──fail──▶ failed ◀──fail / interrupt── running, waiting
 *
 * Workflow-safe: pure data and functions.
 */
import type { StepStatus } from '../common/run-state';

export type StepEvent =
  /** An action or parallel step begins work. */
  | 'start'
  /** An approval, wait or manual step begins waiting for people or an event. */
  | 'await'
  /** `when` was false: the step never runs. */
  | 'skip'
  | 'succeed'
  /** The step failed: its `when` could not be evaluated, its work failed, or it was rejected. */
  | 'fail'
  /** The run was cancelled while the step was in flight. */
  | 'interrupt'
  /** Cancel or rejection undid the step's effect. */
  | 'compensate';

export const STEP_TRANSITIONS: Readonly<Record<StepEvent, { from: readonly StepStatus[]; to: StepStatus }>> = {
  start: { from: ['pending'], to: 'running' },
  await: { from: ['pending'], to: 'waiting' },
  skip: { from: ['pending'], to: 'skipped' },
  succeed: { from: ['running', 'waiting'], to: 'succeeded' },
  fail: { from: ['pending', 'running', 'waiting'], to: 'failed' },
  interrupt: { from: ['running', 'waiting'], to: 'failed' },
  compensate: { from: ['succeeded'], to: 'compensated' },
};

/** A move the table does not allow: always an engine bug. */
export class IllegalStepTransition extends Error {
  override readonly name = 'IllegalStepTransition';
}

/** The status `event` leads to from `current`, or {@link IllegalStepTransition}. */
export function nextStepStatus(stepId: string, current: StepStatus, event: StepEvent): StepStatus {
  const rule = STEP_TRANSITIONS[event];
  if (!rule.from.includes(current)) {
    throw new IllegalStepTransition(`internal: step ${stepId} cannot "${event}" while ${current} (allowed from: ${rule.from.join(', ')})`);
  }
  return rule.to;
}
