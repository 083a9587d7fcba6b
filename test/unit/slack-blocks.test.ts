/**
 * The Block Kit builders (slack/blocks/) over the views the workflow projects
 * (workflows/publisher-view.ts): the format helpers and escaping of untrusted text, the root
 * message, the escalation ping, the thread's event lines and the dispatch of thread content, all
 * within Block Kit's size limits. The cards with buttons: slack-blocks-cards.test.ts.
 */
import { ThreadContent } from '../../activities/slack-surface/view-schema';
import type { RunState, StepState } from '../../common/run-state';
import { buildEscalationPing, buildEventLines, buildRootMessage, buildThreadMessage } from '../../slack/blocks';
import { actorText, escapeText, eventButtonLabel, LIMITS, slackDate } from '../../slack/blocks/format';
import { escalationPing, escalationReady, eventLine, rootView } from '../../workflows/publisher-view';
import { WORKFLOW_ID, approvalStep, blocksOf, expectWithinLimits, gate, openCard, runState } from '../support/slack-block-fixtures';
import { buttonsOf, textOf } from '../support/slack-message-text';

describe('format helpers', () => {
  test('escapes the characters that would become mentions or links', () => {
    expect(escapeText('<!channel> & <https://evil.example|docs>')).toBe('&lt;!channel&gt; &amp; &lt;https://evil.example|docs&gt;');
  });

  test('event buttons read as sentences', () => {
    expect(eventButtonLabel('vendor-deletion-confirmed')).toBe('Vendor confirmed deletion');
    expect(eventButtonLabel('backup-restored')).toBe('Backup restored');
    expect(eventButtonLabel('legal-hold-lifted')).toBe('Legal lifted hold');
    expect(eventButtonLabel('go-ahead')).toBe('Go ahead');
    expect(eventButtonLabel('x'.repeat(200)).length).toBeLessThanOrEqual(LIMITS.buttonText);
  });

  test('actors: Slack users as mentions, action performers and the timeout policy in words, others escaped', () => {
    expect(actorText('U0ALICE01')).toBe('<@U0ALICE01>');
    expect(actorText('slack:U0ALICE')).toBe('<@U0ALICE>');
    expect(actorText('provider:tabletop')).toBe('_tabletop_');
    expect(actorText('system:timeout')).toBe('_the timeout policy_');
    expect(actorText('cli:bob')).toBe('bob');
    expect(actorText('bob.approver')).toBe('bob.approver');
    expect(actorText('<!here>')).toBe('&lt;!here&gt;');
    // A name that merely looks like a Slack id is not one when it came from the CLI.
    expect(actorText('WALLACE1', undefined, 'cli')).toBe('WALLACE1');
    expect(actorText('WALLACE1', undefined, 'slack')).toBe('<@WALLACE1>');
  });

  test('times are Slack date tokens with a UTC fallback', () => {
    expect(slackDate('2030-01-01T12:15:00.000Z')).toBe('<!date^1893500100^{date_short_pretty} {time}|2030-01-01 12:15:00 UTC>');
  });
});

describe('root message', () => {
  const steps: StepState[] = [
    { ...approvalStep(gate({ decisions: [{ actor: 'U0BOB0001', decision: 'approve', at: '2030-01-01T12:01:00.000Z', via: 'slack' }] })) },
    { id: 'contain', kind: 'parallel', title: 'Contain', status: 'running' },
    { id: 'revoke-key', kind: 'action', parent: 'contain', status: 'succeeded', action: 'credentials.revoke', actor: 'provider:tabletop' },
    { id: 'block-egress', kind: 'action', parent: 'contain', status: 'running', action: 'egress.block' },
    { id: 'notify-vendor', kind: 'action', status: 'skipped', action: 'vendor.request_deletion', skippedBecause: 'when ${{ inputs.vendor != null }} is false' },
    { id: 'await-vendor', kind: 'wait', status: 'pending' },
    { id: 'rotate-dependents', kind: 'manual', title: 'Rotate dependent secrets', status: 'pending' },
  ];

  test('exercise banner, title, TABLETOP badge, incident, requester, status and one line per step', () => {
    const message = buildRootMessage(rootView(runState(steps)));
    const blocks = blocksOf(message);
    expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':performing_arts: *EXERCISE — not a real incident*' } });
    expect(blocks[1]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Compromised cloud credential', emoji: true } });
    const text = textOf(message);
    expect(text).toContain('*INC-42*');
    expect(text).toContain(':performing_arts: *TABLETOP*');
    expect(text).toContain('requested by rita.requester');
    expect(text).toContain(':arrows_counterclockwise: *Running*  ·  2 of 6 steps settled');
    expect(text).toContain(':hourglass_flowing_sand: *Approve containment* — waiting for approval (1 of 2)');
    expect(text).toContain(':arrows_counterclockwise: *Contain* — running');
    expect(text).toContain('        ↳ :white_check_mark: *revoke-key* `credentials.revoke` — done by _tabletop_');
    expect(text).toContain('        ↳ :arrows_counterclockwise: *block-egress* `egress.block` — running');
    expect(text).toContain(':fast_forward: *notify-vendor* `vendor.request_deletion` — skipped (when ${{ inputs.vendor != null }} is false)');
    expect(text).toContain(':white_circle: *Rotate dependent secrets* — pending');
    expect(text).toContain(`Run \`${WORKFLOW_ID}\``);
    expect(message.text).toBe('[EXERCISE — not a real incident] Compromised cloud credential (INC-42): running');
    expect(buttonsOf(message)).toEqual([]);
    expectWithinLimits(message);
  });

  test('an approval step names each approver', () => {
    const approved: StepState = { ...approvalStep(gate({ outcome: 'approved' }), 'succeeded'), actor: 'carol, slack:U0DAVE001' };
    expect(textOf(buildRootMessage(rootView(runState([approved]))))).toContain(':white_check_mark: *Approve containment* — approved by carol, <@U0DAVE001>');
  });

  test('a finished live run: LIVE badge, outcome, failure, end time', () => {
    const failed = runState(
      [{ id: 'revoke-key', kind: 'action', status: 'failed', action: 'credentials.revoke', error: { message: 'aws-iam: refused <creds>' } }],
      { mode: 'live', status: 'failed', endedAt: '2030-01-01T12:05:00.000Z', failure: { step: 'revoke-key', message: 'credentials.revoke failed' } },
    );
    const message = buildRootMessage(rootView(failed));
    const text = textOf(message);
    expect(blocksOf(message)[0]).toMatchObject({ text: { text: 'Compromised cloud credential' } });
    expect(text).toContain(':red_circle: *LIVE*');
    expect(text).toContain(':x: *Failed*');
    expect(text).toContain('Step *revoke-key*: credentials.revoke failed');
    expect(text).toContain(':x: *revoke-key* `credentials.revoke` — failed: aws-iam: refused &lt;creds&gt;');
    expect(text).toContain('ended <!date^');
  });

  test('hundreds of steps still fit Block Kit', () => {
    const many: StepState[] = Array.from({ length: 400 }, (_, i) => ({ id: `step-${i}-${'x'.repeat(40)}`, kind: 'action', status: 'succeeded', action: 'notify', actor: 'provider:tabletop' }));
    expectWithinLimits(buildRootMessage(rootView(runState(many))));
  });
});

describe('escalation ping', () => {
  test('mentions the Slack users of the escalation groups and their user groups, in blocks and in the notification text', () => {
    const g = gate({
      escalated: true,
      policy: 'enforced',
      eligible: [
        { person: 'alice', slack: 'U0ALICE01', identities: [], groups: ['security-oncall'] },
        { person: 'carol', slack: 'U0CAROL01', identities: [], groups: ['security-leads'] },
        { person: 'dan', identities: ['cli:dan'], groups: ['security-leads'] },
      ],
      escalation: { at: '2030-01-01T12:15:00.000Z', groups: ['security-leads'], slackUsergroups: ['S0LEADS01'], deadline: '2030-01-01T12:30:00.000Z' },
    });
    expect(escalationReady(g)).toBe(true);
    const step = approvalStep(g);
    const ping = escalationPing(runState([step]), step, g, ['security-leads']);
    expect(ping).toMatchObject({ slackUsers: ['U0CAROL01'], slackUsergroups: ['S0LEADS01'], groups: ['security-leads'] });
    const message = buildEscalationPing(ping);
    expect(message.text).toContain('<@U0CAROL01> <!subteam^S0LEADS01>');
    expect(textOf(message)).toContain(':rotating_light: <@U0CAROL01> <!subteam^S0LEADS01>: the approval *Approve containment* is overdue and was escalated to *security-leads*.');
    expect(textOf(message)).not.toContain('U0ALICE01');
  });

  test('with a policy, the ping waits until the escalation is resolved; without one it is ready at once', () => {
    expect(escalationReady(gate({ escalated: true, policy: 'enforced' }))).toBe(false);
    expect(escalationReady(gate({ escalated: true }))).toBe(true);
    expect(escalationReady(gate({ escalated: false }))).toBe(false);
  });

  test('ids that are not Slack ids never become markup', () => {
    const message = buildEscalationPing({ workflowId: WORKFLOW_ID, stepId: 's', summary: 'x', groups: ['leads'], slackUsers: ['<!everyone>'], slackUsergroups: ['nope'] });
    expect(JSON.stringify(message)).not.toContain('<!everyone>');
    expect(textOf(message)).toContain('*leads*');
  });
});

describe('thread event lines', () => {
  test('several events in one message, each a line led by its time, in order', () => {
    const state = runState([{ id: 'revoke-key', kind: 'action', title: 'Revoke key', status: 'succeeded' }]);
    const events: RunState['events'] = [
      { at: '2030-01-01T12:01:00.000Z', kind: 'step.succeeded', step: 'revoke-key', detail: 'credentials.revoke' },
      { at: '2030-01-01T12:02:00.000Z', kind: 'approval.rejected', step: 'revoke-key', actor: 'U0DAVE001', detail: 'not <now>' },
      { at: '2030-01-01T12:03:00.000Z', kind: 'event.received', actor: 'oscar', detail: 'vendor-deletion-confirmed' },
      { at: '2030-01-01T12:04:00.000Z', kind: 'run.status', detail: 'completed' },
    ];
    const message = buildEventLines(events.map((event) => eventLine(event, state)));
    const lines = textOf(message).split('\n');
    expect(lines).toEqual([
      '<!date^1893499260^{time_secs}|2030-01-01 12:01:00 UTC>  :white_check_mark: *Revoke key* done (`credentials.revoke`)',
      '<!date^1893499320^{time_secs}|2030-01-01 12:02:00 UTC>  :thumbsdown: <@U0DAVE001> rejected *Revoke key*: “not &lt;now&gt;”',
      '<!date^1893499380^{time_secs}|2030-01-01 12:03:00 UTC>  :incoming_envelope: `vendor-deletion-confirmed` received from oscar',
      '<!date^1893499440^{time_secs}|2030-01-01 12:04:00 UTC>  :tada: *Run completed*',
    ]);
    expect(message.text).not.toContain('<now>');
  });

  test('many long lines are split into sections that fit', () => {
    const lines = Array.from({ length: 40 }, (_, i) => ({ at: '2030-01-01T12:00:00.000Z', kind: 'step.failed', step: `s${i}`, detail: 'y'.repeat(500) }));
    expectWithinLimits(buildEventLines(lines));
  });
});

describe('thread content dispatch', () => {
  test('every kind the publisher sends parses with the activity schema and builds', () => {
    const contents: ThreadContent[] = [
      { kind: 'events', lines: [{ at: '2030-01-01T12:00:00.000Z', kind: 'run.status', detail: 'completed' }] },
      { kind: 'approval', card: openCard() },
      { kind: 'ping', ping: { workflowId: WORKFLOW_ID, stepId: 's', summary: 'x', groups: ['g'], slackUsers: [], slackUsergroups: [] } },
    ];
    for (const content of contents) {
      expect(ThreadContent.parse(content)).toEqual(content);
      expectWithinLimits(buildThreadMessage(content));
    }
  });
});
