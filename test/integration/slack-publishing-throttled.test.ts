/**
 * Acceptance 5: Slack answers a burst of updates of a run's messages with 429 + Retry-After; every
 * update still arrives, unchanged and in order, after the delay (fake Slack Web API and Slack
 * surface as in test/support/slack-publishing-setup.ts).
 */
import { deliverEvent, getRunState } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import { startTestEngine, type TestEngine } from '../support/engine';
import type { SlackCall } from '../support/fake-slack-api';
import { waitForState } from '../support/run-driver';
import { CHANNEL, message, partOf, runbookFile, slack, slackSurface, useSlackForPublishing } from '../support/slack-publishing-setup';
import { buttonsOf, textOf } from '../support/slack-message-text';

useSlackForPublishing();

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
