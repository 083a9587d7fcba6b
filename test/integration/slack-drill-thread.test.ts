/**
 * Injects reach the players where they play: every inject of a drill is a line in its run's Slack
 * thread (against the fake Slack Web API), under the exercise banner, in the order they fired; and
 * when the drill ends, its score is summarised in the same thread.
 */
import { endDrill, getDrillState, startDrill } from '../../client/drills';
import { getRunState } from '../../client/runs';
import { EXERCISE_BANNER } from '../../common/exercise';
import { loadTestDrill } from '../support/drills';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { CHANNEL, partOf, slack, slackSurface, useSlackForPublishing } from '../support/slack-publishing-setup';
import { textOf } from '../support/slack-message-text';

useSlackForPublishing();

describe("a drill's injects in its run's Slack thread", () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine('slack-drill-thread', { slackSurface: slackSurface('drill-thread') });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  test('each inject is posted in the thread, marked as an exercise, in firing order', async () => {
    const drill = await loadTestDrill('drill-kinds');
    const handle = await startDrill(engine.client, { ...drill, exerciseId: `thread-${Date.now()}`, requestedBy: 'rita.requester', requestedVia: 'cli', taskQueue: engine.taskQueue });
    const runId = `${handle.workflowId}:run`;
    const state = await eventually('all injects fired', async () => {
      const current = await getDrillState(engine.client, handle.workflowId);
      return current.injects.every((inject) => inject.status === 'fired') && current;
    });
    const { slack: where } = await eventually('run has its Slack thread', async () => {
      const run = await getRunState(engine.client, runId);
      return run.slack && run;
    });
    expect(where!.channel).toBe(CHANNEL.id);
    const expected = [...state.injects].sort((a, b) => a.settledAtDrillMs! - b.settledAtDrillMs!).map((inject) => inject.id);
    const lines = await eventually('every inject in the thread', () => {
      const replies = slack.replies(CHANNEL.id, where!.ts);
      const injectLines = replies.flatMap((reply) => textOf(reply).split('\n')).filter((line) => line.includes(':clapper: *Inject*'));
      return injectLines.length === expected.length && { replies, injectLines };
    });
    expect(lines.injectLines.map((line) => /\*Inject\* ([a-z-]+):/.exec(line)?.[1])).toEqual(expected);
    // One of each kind, each saying what it does to the players.
    const lineOf = (id: string) => lines.injectLines.find((line) => line.includes(`*Inject* ${id}:`)) ?? '';
    expect(lineOf('briefing')).toContain('briefing: Alert: unknown calls from 203.0.113.7');
    expect(lineOf('alice-away')).toContain('Alice is on a flight. cli:alice is unavailable');
    expect(lineOf('pager-flaky')).toContain('The next call of notify fails its first 2 attempts');
    expect(lineOf('vendor-late')).toContain('&quot;vendor-deletion-confirmed&quot; is delayed'.replace(/&quot;/g, '"'));
    expect(lineOf('legal-silent')).toContain('will not arrive in this exercise');
    expect(lineOf('second-key')).toContain(`A second key is in the same commit (facilitator: start its follow-up run with /quell drill follow-up ${handle.workflowId} second-key)`);
    // Every thread message that carries an inject opens with the exercise banner.
    for (const reply of lines.replies.filter((candidate) => textOf(candidate).includes('*Inject*'))) {
      expect(textOf(reply).split('\n')[0]).toBe(`:performing_arts: *${EXERCISE_BANNER}*`);
      expect(reply.text).toMatch(new RegExp(`^\\[${EXERCISE_BANNER}\\]`));
    }
    await endDrill(engine.client, handle.workflowId, { actor: 'fiona', via: 'cli' });
    await handle.result();

    // When the drill ends, its score is summarised in the same thread, once, as an exercise.
    const summaries = slack.replies(CHANNEL.id, where!.ts).filter((reply) => partOf(reply) === 'drill-summary');
    expect(summaries).toHaveLength(1);
    const summary = textOf(summaries[0]);
    expect(summary.split('\n')[0]).toBe(`:performing_arts: *${EXERCISE_BANNER}*`);
    expect(summary).toContain('Drill "Every kind of inject" was ended: 0/1 objectives met');
    expect(summary).toContain(`Full report: quell drill after-action ${handle.workflowId}`);
  });
});
