/**
 * A run's Slack presence against the fake Slack Web API (test/support/fake-slack-api.ts), with the
 * worker's Slack surface built from a connectors file exactly as `npm start` builds it:
 * - a tabletop run posts its root message and thread; the approval card carries Approve (with a
 *   confirm dialog) and Reject buttons whose values the listeners accept; decisions made through
 *   client/runs.ts show as "1 of 2", then the card closes without buttons; the root message shows
 *   the completed run by the time the workflow has returned (the final flush);
 * - acceptance 5: Slack answers a burst of updates with 429 + Retry-After; every update still
 *   arrives, in order, after the delay;
 * - a worker without Slack makes no Slack calls;
 * - a post whose answer got lost (Slack stored it) is found again by its metadata, not duplicated.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { decideApproval, deliverEvent, getRunState } from '../../client/runs';
import { loadConnectorsFile } from '../../activities/live/config-file';
import { buildApproversSetup } from '../../activities/approvers/build';
import { buildSlackSurface, type SlackSurface } from '../../activities/slack-surface';
import type { RunResult, RunState } from '../../common/run-state';
import { ActionId, ApprovalButtonValue, EventButtonValue, parseButtonValue } from '../../slack/interaction-ids';
import { startTestEngine, type TestEngine } from '../support/engine';
import { startFakeSlackApi, type FakeSlackApi, type SlackCall, type SlackMessage } from '../support/fake-slack-api';
import { waitForState } from '../support/run-driver';
import { buttonsOf, textOf } from '../support/slack-message-text';
import { runLogger, testServer } from '../support/temporal';
import { eventually } from '../support/eventually';
import { plantSecret } from '../support/planted-secrets';

const TOKEN = plantSecret('xoxb-slack-publishing-test-0123456789', 'slack bot token');
const CHANNEL = { id: 'C0INCIDENT9', name: 'incident-response' };
const GATE = 'test/fixtures/runbooks/two-person-gate.yaml';

let slack: FakeSlackApi;
let work: string;

/** The connectors file's Slack section, loaded like production's (token by reference). */
function slackSettings(name: string, token = TOKEN) {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, ['version: 1', 'slack:', '  bot_token: { env: PUBLISHING_SLACK_TOKEN }', `  channel: ${CHANNEL.id}`, `  api_url: ${slack.apiUrl}`, ''].join('\n'));
  const loaded = loadConnectorsFile(file, { PUBLISHING_SLACK_TOKEN: token });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config.slack;
}

/** The worker's Slack surface, built as `npm start` builds it. */
function slackSurface(name: string, token = TOKEN): SlackSurface {
  const surface = buildSlackSurface(slackSettings(name, token), path.join(work, `${name}-data`), runLogger('logger'));
  if (!surface) throw new Error('no Slack surface built');
  return surface;
}

/** Writes a runbook for one test (fixtures stay untouched). */
function runbookFile(name: string, yaml: string): string {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, yaml);
  return file;
}

const partOf = (message: SlackMessage) => message.metadata?.event_payload?.part;
const deliveryIdOf = (message: SlackMessage) => message.metadata?.event_payload?.delivery_id;
const message = (ts: string) => slack.messages(CHANNEL.id).find((candidate) => candidate.ts === ts);
const rootsOf = (workflowId: string) =>
  slack.messages(CHANNEL.id).filter((m) => !m.thread_ts && m.metadata?.event_payload?.workflow_id === workflowId && partOf(m) === 'root');

beforeAll(async () => {
  slack = await startFakeSlackApi({ token: TOKEN, channels: [CHANNEL] });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-slack-publishing-'));
});

afterAll(async () => {
  await slack?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

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
    expect(textOf(root)).toContain('[TABLETOP] Two-person gate');
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
    expect(finalRoot.text).toBe('[TABLETOP] Two-person gate (' + result.state.incidentId + '): completed');

    // The thread: the card, then the events in the order they happened, each exactly once.
    const thread = slack.replies(CHANNEL.id, rootTs);
    expect(partOf(thread[0])).toBe('approval');
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

describe('acceptance 5: Slack throttles a burst of updates', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    // Tabletop actions take a while, so the run changes state many times in a few seconds.
    engine = await startTestEngine('slack-throttled', { slackSurface: slackSurface('throttled'), tabletopLatencyMs: 400 });
  });
  afterAll(async () => {
    slack.rateLimit('chat.update', undefined);
    await engine?.stop();
  });

  test('every update answered 429 arrives after Retry-After, unchanged, and in order', async () => {
    // Actions finishing every few hundred ms (root updates) beside a wait step reminding every
    // second (wait card updates): each publishing round updates two messages at once.
    const file = runbookFile(
      'burst',
      [
        'id: burst',
        'version: 1',
        'title: Burst of changes',
        'severity: low',
        'steps:',
        '  - id: first',
        '    action: egress.block',
        '    with: { provider: nftables, cidrs: [192.0.2.90] }',
        '  - id: fan-out',
        '    parallel:',
        '      - id: confirm',
        '        wait: { event: vendor-deletion-confirmed, timeout: 1h, remind_every: 1s }',
        ...[1, 2, 3, 4, 5, 6].flatMap((n) => [`      - id: branch-${n}`, '        action: credentials.revoke', `        with: { provider: aws-iam, principal: user-${n} }`]),
        ...[1, 2, 3, 4].flatMap((n) => [`  - id: after-${n}`, '    action: egress.block', `    with: { provider: nftables, cidrs: [192.0.2.${90 + n}] }`]),
        '',
      ].join('\n'),
    );
    // Slack's answer to a burst: one update per three seconds, anything beyond gets 429 with Retry-After: 2.
    slack.rateLimit('chat.update', { burst: 1, windowMs: 3000, retryAfter: 2 });
    const mark = slack.calls.length;
    const id = await engine.start(file);
    const rootTs = (await waitForState(() => getRunState(engine.client, id), (s) => s.slack !== undefined)).slack!.ts;
    await waitForState(() => getRunState(engine.client, id), (s) => (s.steps.find((step) => step.id === 'confirm')?.wait?.remindersSent ?? 0) >= 4);
    await deliverEvent(engine.client, id, { event: 'vendor-deletion-confirmed', actor: 'oscar.operator', via: 'cli' });
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    const card = slack.replies(CHANNEL.id, rootTs).find((m) => partOf(m) === 'wait')!;

    const updates = slack.calls.slice(mark).filter((call) => call.method === 'chat.update');
    const throttled = updates.filter((call) => call.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    expect(throttled.every((call) => call.retryAfter !== undefined && call.retryAfter >= 1)).toBe(true);

    // Each throttled update is sent again unchanged, no sooner than Retry-After, before any later update.
    const delays: number[] = [];
    for (const call of throttled) {
      const next = updates[updates.indexOf(call) + 1];
      expect(next).toBeDefined();
      expect(next.params).toEqual(call.params);
      delays.push(next.at - call.at);
      expect(next.at - call.at).toBeGreaterThanOrEqual(call.retryAfter! * 1000 - 50);
    }
    // Every update arrived: each distinct update request was accepted once.
    const accepted = updates.filter((call) => call.status === 200);
    const key = (call: SlackCall) => JSON.stringify(call.params);
    expect(new Set(updates.map(key))).toEqual(new Set(accepted.map(key)));
    expect(new Set(accepted.map(key)).size).toBe(accepted.length);

    // In order: each message's accepted updates are its revisions after the post, and what they
    // show only ever moved forward, ending in the final state.
    for (const ts of [rootTs, card.ts]) {
      expect(accepted.filter((call) => call.params.ts === ts).map((call) => call.params.blocks)).toEqual(
        slack.revisions(CHANNEL.id, ts).slice(1).map((revision) => JSON.stringify(revision.blocks)),
      );
    }
    const rootRevisions = slack.revisions(CHANNEL.id, rootTs);
    const settled = rootRevisions.map((revision) => Number(/(\d+) of \d+ steps settled/.exec(textOf(revision))?.[1]));
    expect([...settled].sort((a, b) => a - b)).toEqual(settled);
    expect(settled.at(-1)).toBe(12);
    expect(textOf(rootRevisions.at(-1))).toContain(':white_check_mark: *Completed*');
    const reminders = slack.revisions(CHANNEL.id, card.ts).map((revision) => Number(/(\d+) reminders? sent/.exec(textOf(revision))?.[1]));
    expect([...reminders].sort((a, b) => a - b)).toEqual(reminders);
    expect(textOf(slack.revisions(CHANNEL.id, card.ts).at(-1))).toContain('Received from oscar.operator via the CLI');
    expect(buttonsOf(message(card.ts))).toEqual([]);

    process.stderr.write(
      `\n[acceptance 5] ${updates.length} chat.update calls, ${throttled.length} answered 429; resent after ` +
        `${throttled.map((call, i) => `${delays[i]} ms (Retry-After ${call.retryAfter} s)`).join(', ')}\n`,
    );
  });
});

describe('an approval that escalates', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    // Enforced policy: alice is on call, carol leads, and the leads' Slack user group adds dave.
    const approvers = path.join(work, 'approvers.yaml');
    fs.writeFileSync(
      approvers,
      [
        'version: 1',
        'people:',
        '  alice: { slack: U0ALICE01 }',
        '  carol: { slack: U0CAROL01 }',
        'groups:',
        '  security-oncall: { people: [alice] }',
        '  security-leads: { people: [carol], slack_usergroups: [S0LEADS01] }',
        '',
      ].join('\n'),
    );
    slack.setUsergroup('S0LEADS01', ['U0DAVE001']);
    const logger = runLogger('logger');
    engine = await startTestEngine('slack-escalation', {
      slackSurface: slackSurface('escalation'),
      approvers: buildApproversSetup(approvers, slackSettings('escalation-approvers'), logger),
    });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  test('pings the escalation groups\' Slack users and user group in the thread, once; their approval closes the card', async () => {
    const file = runbookFile(
      'escalating',
      [
        'id: escalating',
        'version: 1',
        'title: Escalating gate',
        'severity: low',
        'steps:',
        '  - id: gate',
        '    title: Approve the block',
        '    approval: { approvers: [security-oncall], timeout: 4s, on_timeout: escalate, escalate_to: [security-leads], summary: Block 192.0.2.99 }',
        '  - id: block',
        '    action: egress.block',
        '    with: { provider: nftables, cidrs: [192.0.2.99] }',
        '',
      ].join('\n'),
    );
    const id = await engine.start(file, {}, { requester: 'rita.requester' });
    const rootTs = (await waitForState(() => getRunState(engine.client, id), (s) => s.slack !== undefined)).slack!.ts;
    const ping = await eventually('the escalation ping', () => slack.replies(CHANNEL.id, rootTs).find((m) => partOf(m) === 'ping'), 20_000);
    const waiting = await getRunState(engine.client, id);
    const gate = waiting.steps[0].approval!;
    expect(gate.escalated).toBe(true);
    await decideApproval(engine.client, id, { stepId: 'gate', actor: 'U0CAROL01', decision: 'approve', via: 'slack', summarySha256: gate.summarySha256 });
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');

    // Mentions notify only in new messages: the ping names the leads (not the on-call people).
    expect(ping.text).toContain('<@U0CAROL01>');
    expect(ping.text).toContain('<@U0DAVE001>');
    expect(ping.text).toContain('<!subteam^S0LEADS01>');
    expect(ping.text).not.toContain('U0ALICE01');
    expect(textOf(ping)).toContain('the approval *Approve the block* is overdue and was escalated to *security-leads*');
    const thread = slack.replies(CHANNEL.id, rootTs);
    expect(thread.filter((m) => partOf(m) === 'ping')).toHaveLength(1);
    // The card came first, the ping after it; the card shows the escalation and then the outcome.
    expect(thread.findIndex((m) => partOf(m) === 'approval')).toBeLessThan(thread.indexOf(thread.find((m) => m.ts === ping.ts)!));
    const card = thread.find((m) => partOf(m) === 'approval')!;
    const revisions = slack.revisions(CHANNEL.id, card.ts).map(textOf);
    expect(revisions.some((text) => text.includes(':rotating_light: Overdue: escalated to *security-leads*') && text.includes('<@U0CAROL01>'))).toBe(true);
    expect(buttonsOf(message(card.ts))).toEqual([]);
    expect(textOf(message(card.ts))).toContain('*Approved* by <@U0CAROL01>.');
  });
});

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
