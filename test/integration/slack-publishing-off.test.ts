/**
 * Workers that do not publish to Slack (fake Slack Web API as in test/support/
 * slack-publishing-setup.ts): one whose bot token Slack refuses stops after the first refusal and
 * the run goes on, saying so in its audit trail; one without Slack configured makes no Slack calls
 * and schedules no Slack activity.
 */
import { decideApproval, getRunState } from '../../client/runs';
import type { RunResult, RunState } from '../../common/run-state';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitForState } from '../support/run-driver';
import { GATE, runbookFile, slack, slackSurface, useSlackForPublishing } from '../support/slack-publishing-setup';

useSlackForPublishing();

describe('a worker whose Slack token is refused', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine('slack-refused', { slackSurface: slackSurface('refused', 'xoxb-not-the-right-token-000') });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  test('stops publishing after Slack says no, once; the run goes on and says so in its audit trail', async () => {
    const mark = slack.calls.length;
    const file = runbookFile('plain', ['id: plain', 'version: 1', 'title: Plain', 'severity: low', 'steps:', '  - id: tell', '    action: notify', '    with: { message: hello }', ''].join('\n'));
    const id = await engine.start(file);
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.state.slack).toBeUndefined();
    expect(result.state.events.find((event) => event.kind === 'slack.stopped')?.detail).toContain('invalid_auth');
    expect(JSON.stringify(result.state)).not.toContain('xoxb-');
    expect(slack.calls.slice(mark).map((call) => [call.method, call.response.error])).toEqual([['chat.postMessage', 'invalid_auth']]);
  });
});

describe('a worker without Slack configured', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine('slack-absent');
  });
  afterAll(async () => {
    await engine?.stop();
  });

  test('makes no Slack calls and schedules no Slack activity', async () => {
    const mark = slack.calls.length;
    const id = await engine.start(GATE, { target: '192.0.2.82' }, { requester: 'rita.requester' });
    const waiting: RunState = await waitForState(() => getRunState(engine.client, id), (s) => s.steps[0].approval?.policy !== undefined);
    for (const actor of ['bob.approver', 'carol.approver']) {
      await decideApproval(engine.client, id, { stepId: 'approve', actor, decision: 'approve', via: 'cli', summarySha256: waiting.steps[0].approval!.summarySha256 });
    }
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.state.slack).toBeUndefined();
    expect(slack.calls.length).toBe(mark);
    const history = await engine.client.workflow.getHandle(id).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled.filter((name) => /slack/i.test(name))).toEqual([]);
    // The one question was asked as a local activity: a marker, not an entry in `quell history`.
    const markers = (history.events ?? []).filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(markers.length).toBeGreaterThanOrEqual(1);
  });
});
