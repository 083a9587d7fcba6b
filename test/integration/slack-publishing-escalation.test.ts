/**
 * An approval that escalates, published to the fake Slack Web API (test/support/
 * slack-publishing-setup.ts): the escalation groups' Slack users and user group are pinged in the
 * thread once, the card shows the escalation, and their approval closes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildApproversSetup } from '../../activities/approvers/build';
import { decideApproval, getRunState } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { waitForState } from '../support/run-driver';
import { CHANNEL, message, partOf, runbookFile, slack, slackSettings, slackSurface, useSlackForPublishing, work } from '../support/slack-publishing-setup';
import { buttonsOf, textOf } from '../support/slack-message-text';
import { runLogger } from '../support/temporal';

useSlackForPublishing();

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
