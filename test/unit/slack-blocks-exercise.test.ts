/**
 * Exercise marking: every message of a tabletop run, in Slack and in the terminal, says it is an
 * exercise (the banner on top, in the notification text too; the short mark on one-line entries),
 * and nothing of a live run does. The wording and the decision live in common/exercise.ts.
 */
import type { RunSummary } from '../../client/list-runs';
import { EXERCISE_BANNER, EXERCISE_MARK, isExercise, withExerciseBanner, withExerciseMark } from '../../common/exercise';
import type { ThreadContent } from '../../common/publisher-view';
import type { RunMode, StepState } from '../../common/run-state';
import { renderProgress, renderRunState, renderStarted } from '../../cli/render';
import { buildRootMessage, buildThreadMessage, type SlackMessage } from '../../slack/blocks';
import { buildHomeView } from '../../slack/home-view';
import { renderRunList, renderRunStatus } from '../../slack/run-text';
import { rootView } from '../../workflows/publisher-view';
import { WORKFLOW_ID, approvalStep, blocksOf, expectWithinLimits, gate, openCard, runState } from '../support/slack-block-fixtures';
import { textOf } from '../support/slack-message-text';

const MODES: RunMode[] = ['tabletop', 'live'];

const waiting: StepState = { id: 'await-vendor', kind: 'wait', title: 'Vendor confirms', status: 'waiting', wait: { event: 'vendor-confirmed', remindersSent: 0 } };
const task: StepState = { id: 'rotate', kind: 'manual', title: 'Rotate secrets', status: 'waiting', manual: { task: 'Rotate the dependent secrets', assignee: 'ops' } };

/** One piece of every kind of thread content the publisher sends. */
const THREAD: ThreadContent[] = [
  { kind: 'events', lines: [{ at: '2030-01-01T12:00:00.000Z', kind: 'step.succeeded', step: 'revoke-key', detail: 'credentials.revoke' }] },
  { kind: 'approval', card: openCard() },
  { kind: 'approval', card: { ...openCard(), open: false, outcome: 'approved' } },
  { kind: 'wait', card: { workflowId: WORKFLOW_ID, stepId: 'await-vendor', event: 'vendor-confirmed', remindersSent: 0, open: true, status: 'waiting' } },
  { kind: 'manual', card: { workflowId: WORKFLOW_ID, stepId: 'rotate', task: 'Rotate the dependent secrets', open: true, status: 'waiting' } },
  { kind: 'ping', ping: { workflowId: WORKFLOW_ID, stepId: 'approve-containment', summary: 'x', groups: ['security-leads'], slackUsers: ['U0LEAD001'], slackUsergroups: [] } },
];

describe('the exercise wording and decision (common/exercise.ts)', () => {
  test('tabletop runs are exercises, live runs (and runs without a mode) are not', () => {
    expect(EXERCISE_BANNER).toBe('EXERCISE — not a real incident');
    expect(MODES.map(isExercise)).toEqual([true, false]);
    expect(isExercise(undefined)).toBe(false);
    expect(withExerciseBanner('tabletop', 'x')).toBe(`[${EXERCISE_BANNER}] x`);
    expect(withExerciseMark('tabletop', 'x')).toBe(`[${EXERCISE_MARK}] x`);
    expect(withExerciseBanner('live', 'x')).toBe('x');
    expect(withExerciseMark('live', 'x')).toBe('x');
  });
});

describe('Slack messages of a run', () => {
  const banner = `:performing_arts: *${EXERCISE_BANNER}*`;
  const expectBanner = (message: SlackMessage, exercise: boolean) => {
    expect(blocksOf(message)[0]).toEqual(exercise ? { type: 'section', text: { type: 'mrkdwn', text: banner } } : expect.anything());
    if (exercise) expect(message.text.startsWith(`[${EXERCISE_BANNER}] `)).toBe(true);
    else {
      expect(textOf(message)).not.toContain(EXERCISE_MARK);
      expect(message.text).not.toContain(EXERCISE_MARK);
    }
    expectWithinLimits(message);
  };

  test.each(MODES)('root message of a %s run', (mode) => {
    const message = buildRootMessage(rootView(runState([approvalStep(gate())], { mode })));
    expectBanner(message, mode === 'tabletop');
  });

  test.each(MODES.flatMap((mode) => THREAD.map((content) => [mode, content.kind, content] as const)))('%s run: %s in the thread', (mode, _kind, content) => {
    expectBanner(buildThreadMessage(content, mode), mode === 'tabletop');
  });

  test('thread messages sent without a mode (scheduled before it existed) carry no banner', () => {
    for (const content of THREAD) expect(textOf(buildThreadMessage(content))).not.toContain(EXERCISE_MARK);
  });

  test('the escalation ping still leads its notification with the mentions after the banner', () => {
    const ping = THREAD.find((content) => content.kind === 'ping')!;
    expect(buildThreadMessage(ping, 'tabletop').text).toBe(`[${EXERCISE_BANNER}] <@U0LEAD001> Approval overdue, escalated to security-leads: approve-containment`);
  });

  test('a tabletop root message with hundreds of steps still fits Block Kit, banner first', () => {
    const many: StepState[] = Array.from({ length: 400 }, (_, i) => ({ id: `step-${i}-${'x'.repeat(40)}`, kind: 'action', status: 'succeeded', action: 'notify' }));
    expectBanner(buildRootMessage(rootView(runState(many))), true);
    const lines = Array.from({ length: 60 }, (_, i) => ({ at: '2030-01-01T12:00:00.000Z', kind: 'step.failed', step: `s${i}`, detail: 'y'.repeat(2900) }));
    expectBanner(buildThreadMessage({ kind: 'events', lines }, 'tabletop'), true);
  });
});

describe("the Slack app's replies and App Home", () => {
  test.each(MODES)('/quell status and /quell list for a %s run', (mode) => {
    const status = renderRunStatus(runState([waiting], { mode }));
    const summary: RunSummary = { workflowId: WORKFLOW_ID, mode, status: 'running', execution: 'Running', startedAt: '2030-01-01T12:00:00.000Z' };
    const list = renderRunList([summary], 'Open runs');
    if (mode === 'tabletop') {
      expect(status.split('\n')[0]).toBe(`:performing_arts: *${EXERCISE_BANNER}*`);
      expect(list).toContain(`:performing_arts: *${EXERCISE_MARK}*`);
    } else {
      expect(status).not.toContain(EXERCISE_MARK);
      expect(list).not.toContain(EXERCISE_MARK);
    }
  });

  test.each(MODES)('App Home entries of a %s run', (mode) => {
    const state = runState([approvalStep(gate()), waiting, task], { mode });
    const view = buildHomeView({ userId: 'U0BOB0001', gates: [{ state, step: state.steps[0] }], tasks: [{ state, step: waiting }, { state, step: task }], recent: [] });
    const entries = (view.blocks as Array<{ type: string; text?: { text: string } }>).filter((block) => block.type === 'section' && block.text?.text.includes('Compromised cloud credential'));
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      if (mode === 'tabletop') expect(entry.text!.text.split('\n')[0]).toBe(`:performing_arts: *${EXERCISE_BANNER}*`);
      else expect(entry.text!.text).not.toContain(EXERCISE_MARK);
    }
  });
});

describe('the CLI', () => {
  test('status opens with the banner, progress and start lines carry the mark, for a tabletop run only', () => {
    const tabletop = runState([waiting]);
    expect(renderRunState(tabletop).split('\n')[0]).toBe(`*** ${EXERCISE_BANNER} ***`);
    expect(renderProgress('tabletop', waiting)).toMatch(/^\[EXERCISE\] {3}… await-vendor/);
    expect(renderStarted(WORKFLOW_ID, 'tabletop')).toBe(`[${EXERCISE_BANNER}] started ${WORKFLOW_ID}`);

    const live = runState([waiting], { mode: 'live', workflowId: 'quell:credential-compromise:INC-42' });
    expect(renderRunState(live)).not.toContain(EXERCISE_MARK);
    expect(renderProgress('live', waiting)).toMatch(/^ {2}… await-vendor/);
    expect(renderStarted('quell:credential-compromise:INC-42', 'live')).toBe('started quell:credential-compromise:INC-42');
  });
});
