/**
 * A run's Slack presence against the fake Slack Web API (test/support/fake-slack-api.ts), with the
 * worker's Slack surface built from a connectors file exactly as `npm start` builds it
 * (test/support/slack-publishing-setup.ts): a tabletop run posts its root message and thread; the
 * approval card carries Approve (with a confirm dialog) and Reject buttons whose values the
 * listeners accept; decisions made through client/runs.ts show as "1 of 2", then the card closes
 * without buttons; the root message shows the completed run by the time the workflow has returned
 * (the final flush); a post whose answer got lost (Slack stored it) is found again by its
 * metadata, not duplicated; and the histories replay with today's workflow code.
 *
 * Throttling (acceptance 5): slack-publishing-throttled.test.ts; escalation pings:
 * slack-publishing-escalation.test.ts; workers that do not publish: slack-publishing-off.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { decideApproval, deliverEvent, getRunState } from '../../client/runs';
import { EXERCISE_BANNER } from '../../common/exercise';
import type { RunResult } from '../../common/run-state';
import { ActionId } from '../../slack/blocks/interaction-ids';
import { ApprovalButtonValue, EventButtonValue, parseButtonValue } from '../../slack/interaction-values';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { waitForState } from '../support/run-driver';
import { CHANNEL, GATE, TOKEN, deliveryIdOf, message, partOf, rootsOf, runbookFile, slack, slackSurface, useSlackForPublishing, work } from '../support/slack-publishing-setup';
import { buttonsOf, textOf } from '../support/slack-message-text';
import { testServer } from '../support/temporal';

useSlackForPublishing();

describe('a tabletop run with Slack configured', () => {
  let engine: TestEngine;
  /** Runs whose histories must replay with today's workflow code (publisher included). */
  const replayable: string[] = [];
  beforeAll(async () => {
    engine = await startTestEngine('slack-publishing', { slackSurface: slackSurface('publishing') });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const state = (id: string) => getRunState(engine.client, id);
  const approve = async (id: string, actor: string) => {
    const current = await state(id);
    const gate = current.steps.find((step) => step.id === 'approve')!.approval!;
    await decideApproval(engine.client, id, { stepId: 'approve', actor, decision: 'approve', via: 'cli', summarySha256: gate.summarySha256 });
  };

  test('root message, thread, approval card with buttons; "1 of 2"; closed without buttons; completion shown before the run returns', async () => {
    const id = await engine.start(GATE, { target: '192.0.2.80' }, { requester: 'rita.requester' });

    const withSlack = await waitForState(() => state(id), (s) => s.slack !== undefined);
    const rootTs = withSlack.slack!.ts;
    expect(withSlack.slack).toEqual({ channel: CHANNEL.id, ts: rootTs });
    const root = message(rootTs)!;
    expect(root.thread_ts).toBeUndefined();
    expect(root.metadata).toMatchObject({ event_type: 'quell_run_message', event_payload: { workflow_id: id, part: 'root' } });
    // An exercise, unmistakably: the banner leads the blocks and the notification text.
    expect(textOf(root).split('\n').slice(0, 2)).toEqual([`:performing_arts: *${EXERCISE_BANNER}*`, 'Two-person gate']);
    expect(root.text).toMatch(new RegExp(`^\\[${EXERCISE_BANNER}\\] Two-person gate \\(`));
    expect(textOf(root)).toContain(':performing_arts: *TABLETOP*');
    expect(textOf(root)).toContain('requested by rita.requester');
    const rootPost = slack.callsOf('chat.postMessage').find((call) => call.response.ts === rootTs)!;
    expect(rootPost).toMatchObject({ token: TOKEN, status: 200 });
    expect(rootPost.params).not.toHaveProperty('token');

    // The approval card, once the gate knows its policy (decisions are refused until then).
    const gateState = await waitForState(() => state(id), (s) => s.steps[0].approval?.policy !== undefined);
    const gate = gateState.steps[0].approval!;
    const card = await eventually('the approval card', () => slack.replies(CHANNEL.id, rootTs).find((m) => partOf(m) === 'approval'));
    const [approveButton, rejectButton] = await eventually('buttons on the card', () => {
      const buttons = buttonsOf(message(card.ts));
      return buttons.length === 2 ? buttons : undefined;
    });
    expect(approveButton).toMatchObject({ action_id: ActionId.approve, style: 'primary', confirm: { confirm: { text: 'Approve' } } });
    expect(rejectButton).toMatchObject({ action_id: ActionId.reject, style: 'danger' });
    for (const button of [approveButton, rejectButton]) {
      expect(parseButtonValue(ApprovalButtonValue, button.value as string)).toEqual({ w: id, s: 'approve', h: gate.summarySha256 });
    }
    expect(textOf(message(card.ts))).toContain('> Block 192.0.2.80');

    await approve(id, 'bob.approver');
    const halfway = await eventually('"1 of 2 approvals" on the card', () => {
      const current = message(card.ts);
      return textOf(current).includes('*1 of 2 approvals*') ? current : undefined;
    });
    expect(textOf(halfway)).toContain('bob.approver :thumbsup: approved via the CLI');
    expect(buttonsOf(halfway)).toHaveLength(2);

    await approve(id, 'carol.approver');
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');

    // No polling from here on: the workflow flushed its final state to Slack before returning.
    const closed = message(card.ts)!;
    expect(buttonsOf(closed)).toEqual([]);
    expect(textOf(closed)).toContain('*2 of 2 approvals*');
    expect(textOf(closed)).toContain('*Approved* by bob.approver, carol.approver.');
    const finalRoot = message(rootTs)!;
    expect(textOf(finalRoot)).toContain(':white_check_mark: *Completed*');
    expect(textOf(finalRoot)).toContain(':white_check_mark: *approve* — approved by bob.approver, carol.approver');
    expect(textOf(finalRoot)).toContain(':white_check_mark: *block* `egress.block` — done by _tabletop_');
    expect(finalRoot.text).toBe(`[${EXERCISE_BANNER}] Two-person gate (${result.state.incidentId}): completed`);

    // The thread: the card, then the events in the order they happened, each exactly once.
    const thread = slack.replies(CHANNEL.id, rootTs);
    expect(partOf(thread[0])).toBe('approval');
    // Every message of the thread (the card, the event lines) says it is an exercise too.
    for (const reply of thread) {
      expect(reply.text?.startsWith(`[${EXERCISE_BANNER}] `)).toBe(true);
      expect(textOf(reply).split('\n')[0]).toBe(`:performing_arts: *${EXERCISE_BANNER}*`);
    }
    const lines = thread.filter((m) => partOf(m) === 'events').map(textOf).join('\n');
    const order = ['bob.approver approved *approve*', 'carol.approver approved *approve*', '*block* done (`egress.block`)', ':tada: *Run completed*'];
    const positions = order.map((line) => lines.indexOf(line));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const line of order) expect(lines.split(line).length).toBe(2);
    const ids = [root, ...thread].map(deliveryIdOf);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rootsOf(id)).toHaveLength(1);
    replayable.push(id);
    // Every chat.update went to this run's own messages, one request per round and message.
    expect(slack.callsOf('chat.update').every((call) => call.status === 200)).toBe(true);
  });

  test('a wait card names its event on the button, and shows who reported it', async () => {
    const file = runbookFile(
      'wait-card',
      [
        'id: wait-card',
        'version: 1',
        'title: Wait card',
        'severity: low',
        'steps:',
        '  - id: await-vendor',
        '    wait: { event: vendor-deletion-confirmed, timeout: 1h }',
        '',
      ].join('\n'),
    );
    const id = await engine.start(file);
    const rootTs = (await waitForState(() => state(id), (s) => s.slack !== undefined)).slack!.ts;
    const card = await eventually('the wait card', () => slack.replies(CHANNEL.id, rootTs).find((m) => partOf(m) === 'wait'));
    const [button] = await eventually('the event button', () => {
      const buttons = buttonsOf(message(card.ts));
      return buttons.length === 1 ? buttons : undefined;
    });
    expect(button).toMatchObject({ action_id: ActionId.deliverEvent, text: { text: 'Vendor confirmed deletion' } });
    expect(parseButtonValue(EventButtonValue, button.value as string)).toEqual({ w: id, s: 'await-vendor', e: 'vendor-deletion-confirmed' });

    await deliverEvent(engine.client, id, { event: 'vendor-deletion-confirmed', actor: 'oscar.operator', via: 'cli' });
    await engine.client.workflow.getHandle(id).result();
    const closed = message(card.ts)!;
    expect(buttonsOf(closed)).toEqual([]);
    expect(textOf(closed)).toContain('Received from oscar.operator via the CLI');
  });

  test('a run cancelled through Temporal still shows how it ended: cancelled, the card closed without buttons', async () => {
    const id = await engine.start(GATE, { target: '192.0.2.83' }, { requester: 'rita.requester' });
    const rootTs = (await waitForState(() => state(id), (s) => s.slack !== undefined)).slack!.ts;
    const card = await eventually('the approval card', () => slack.replies(CHANNEL.id, rootTs).find((m) => partOf(m) === 'approval'));
    await eventually('buttons on the card', () => (buttonsOf(message(card.ts)).length === 2 ? true : undefined));
    await engine.client.workflow.getHandle(id).cancel();
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('cancelled');
    expect(buttonsOf(message(card.ts))).toEqual([]);
    expect(textOf(message(card.ts))).toContain('*Closed* without a decision: run cancelled.');
    expect(textOf(message(rootTs))).toContain(':no_entry_sign: *Cancelled*');
    expect(slack.replies(CHANNEL.id, rootTs).map(textOf).join('\n')).toContain(':no_entry_sign: *Run cancelled*');
    replayable.push(id);
  });

  test('a post whose answer got lost is found by its metadata and not posted again (root and thread)', async () => {
    // Slack stores the message, then the answer is lost (HTTP 500): the first for the root, the
    // second for the run's first thread message (the approval card).
    slack.failNext('chat.postMessage', { status: 500, afterEffect: true }, 2);
    const historyMark = slack.callsOf('conversations.history').length;
    const repliesMark = slack.callsOf('conversations.replies').length;
    const id = await engine.start(GATE, { target: '192.0.2.81' }, { requester: 'rita.requester' });

    const rootTs = (await waitForState(() => state(id), (s) => s.slack !== undefined)).slack!.ts;
    const card = await eventually('the approval card', () => slack.replies(CHANNEL.id, rootTs).find((m) => partOf(m) === 'approval'));
    await waitForState(() => state(id), (s) => s.steps[0].approval?.policy !== undefined);
    await approve(id, 'bob.approver');
    await approve(id, 'carol.approver');
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');

    expect(rootsOf(id).map((m) => m.ts)).toEqual([rootTs]);
    const thread = slack.replies(CHANNEL.id, rootTs);
    expect(thread.filter((m) => partOf(m) === 'approval').map((m) => m.ts)).toEqual([card.ts]);
    const ids = thread.map(deliveryIdOf);
    expect(new Set(ids).size).toBe(ids.length);
    // The retries looked before posting: the root in the channel history, the card in the thread.
    expect(slack.callsOf('conversations.history').length).toBeGreaterThan(historyMark);
    expect(slack.callsOf('conversations.replies').slice(repliesMark).some((call) => call.params.ts === rootTs)).toBe(true);
    // And the card was still kept current after being found again.
    expect(buttonsOf(message(card.ts))).toEqual([]);
    replayable.push(id);
  });

  test('the histories of these runs replay deterministically (the publisher is workflow code too) and hold no token', async () => {
    expect(replayable.length).toBeGreaterThanOrEqual(3);
    const bundle = { workflowBundle: { code: fs.readFileSync(testServer().bundlePath, 'utf8') } };
    for (const id of replayable) {
      const history = await engine.client.workflow.getHandle(id).fetchHistory();
      await expect(Worker.runReplayHistory(bundle, history, id)).resolves.toBeUndefined();
      expect(JSON.stringify(history).includes(TOKEN)).toBe(false);
    }
    // Nor does the delivery record the worker keeps on disk.
    const record = fs.readFileSync(path.join(work, 'publishing-data', 'slack-surface-sent.jsonl'), 'utf8');
    expect(record.length).toBeGreaterThan(0);
    expect(record.includes(TOKEN)).toBe(false);
  });
});
