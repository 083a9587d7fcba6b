/** The step transition table: every allowed move, and every other move refused loudly. */
import type { StepStatus } from '../../common/run-state';
import { IllegalStepTransition, STEP_TRANSITIONS, nextStepStatus, type StepEvent } from '../../workflows/step-transitions';

const STATUSES: StepStatus[] = ['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'compensated'];
const EVENTS = Object.keys(STEP_TRANSITIONS) as StepEvent[];

describe('step transitions', () => {
  it.each([
    ['pending', 'start', 'running'],
    ['pending', 'await', 'waiting'],
    ['pending', 'skip', 'skipped'],
    ['pending', 'fail', 'failed'],
    ['running', 'succeed', 'succeeded'],
    ['waiting', 'succeed', 'succeeded'],
    ['running', 'fail', 'failed'],
    ['waiting', 'fail', 'failed'],
    ['running', 'interrupt', 'failed'],
    ['waiting', 'interrupt', 'failed'],
    ['succeeded', 'compensate', 'compensated'],
  ] as Array<[StepStatus, StepEvent, StepStatus]>)('%s --%s--> %s', (from, event, to) => {
    expect(nextStepStatus('s', from, event)).toBe(to);
  });

  it('refuses every other move, naming the step, the event and the state', () => {
    let refused = 0;
    for (const from of STATUSES) {
      for (const event of EVENTS) {
        if (STEP_TRANSITIONS[event].from.includes(from)) continue;
        expect(() => nextStepStatus('block-egress', from, event)).toThrow(IllegalStepTransition);
        expect(() => nextStepStatus('block-egress', from, event)).toThrow(`step block-egress cannot "${event}" while ${from}`);
        refused += 1;
      }
    }
    // Finished states are final except for compensating a success.
    expect(refused).toBe(STATUSES.length * EVENTS.length - 11);
  });

  it('no finished step can start, wait or succeed again', () => {
    for (const finished of ['succeeded', 'failed', 'skipped', 'compensated'] as StepStatus[]) {
      for (const event of ['start', 'await', 'succeed', 'skip'] as StepEvent[]) expect(() => nextStepStatus('s', finished, event)).toThrow(IllegalStepTransition);
    }
  });
});
