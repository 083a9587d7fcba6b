/**
 * The Block Kit builders (slack/blocks/) over the views the workflow projects
 * (workflows/publisher-view.ts): what each message says, which buttons it carries with which
 * values (parsed back with the listeners' own schemas), escaping of untrusted text, and Block
 * Kit's size limits.
 */
import type { ApprovalGateState, RunState, StepState } from '../../common/run-state';
import { sha256Hex } from '../../common/sha256';
import {
  buildApprovalCard,
  buildEscalationPing,
  buildEventLines,
  buildManualCard,
  buildRootMessage,
  buildThreadMessage,
  buildWaitCard,
  type SlackMessage,
} from '../../slack/blocks';
import { actorText, escapeText, eventButtonLabel, LIMITS, slackDate } from '../../slack/blocks/format';
import { ActionId, ApprovalButtonValue, EventButtonValue, ManualButtonValue, parseButtonValue } from '../../slack/interaction-ids';
import {
  approvalCard,
  escalationPing,
  escalationReady,
  eventLine,
  manualCard,
  rootView,
  ThreadContent,
  waitCard,
  type ApprovalCardView,
} from '../../workflows/publisher-view';
import { buttonsOf, textOf } from '../support/slack-message-text';

const WORKFLOW_ID = 'quell-tabletop:credential-compromise:INC-42';
const SUMMARY = 'Deactivate AKIAABCDEFGHIJKLMNOP of alice and block egress to 203.0.113.0/24';

type AnyBlock = Record<string, unknown> & { type: string };

function blocksOf(message: SlackMessage): AnyBlock[] {
  return message.blocks as unknown as AnyBlock[];
}

/** Block Kit limits Slack enforces (it refuses the whole message otherwise). */
function expectWithinLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(message.text.length).toBeGreaterThan(0);
  for (const block of blocksOf(message)) {
    if (block.type === 'section') expect((block.text as { text: string }).text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (block.type === 'header') expect((block.text as { text: string }).text.length).toBeLessThanOrEqual(LIMITS.headerText);
  }
  for (const button of buttonsOf(message)) {
    expect((button.text as { text: string }).text.length).toBeLessThanOrEqual(LIMITS.buttonText);
    expect(String(button.value).length).toBeLessThanOrEqual(2000);
    const confirm = button.confirm as { title: { text: string }; text: { text: string } } | undefined;
    if (confirm) {
      expect(confirm.title.text.length).toBeLessThanOrEqual(LIMITS.confirmTitle);
      expect(confirm.text.text.length).toBeLessThanOrEqual(LIMITS.confirmText);
    }
  }
}

function gate(overrides: Partial<ApprovalGateState> = {}): ApprovalGateState {
  return {
    approverGroups: ['security-oncall'],
    quorum: 2,
    summary: SUMMARY,
    summarySha256: sha256Hex(SUMMARY),
    deadline: '2030-01-01T12:15:00.000Z',
    decisions: [],
    escalated: false,
    ...overrides,
  };
}

function runState(steps: StepState[], overrides: Partial<RunState> = {}): RunState {
  return {
    workflowId: WORKFLOW_ID,
    runbook: { id: 'credential-compromise', version: 2, title: 'Compromised cloud credential', sha256: 'a'.repeat(64) },
    incidentId: 'INC-42',
    mode: 'tabletop',
    requestedBy: 'rita.requester',
    status: 'running',
    startedAt: '2030-01-01T12:00:00.000Z',
    steps,
    events: [],
    ...overrides,
  };
}

const approvalStep = (g: ApprovalGateState, status: StepState['status'] = 'waiting'): StepState => ({
  id: 'approve-containment',
  kind: 'approval',
  title: 'Approve containment',
  status,
  approval: g,
});

function openCard(overrides: Partial<ApprovalGateState> = {}): ApprovalCardView {
  const g = gate(overrides);
  const step = approvalStep(g);
  return approvalCard(runState([step]), step, g, undefined);
}

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

  test('actors: Slack users as mentions, providers and the timeout policy in words, others escaped', () => {
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

  test('title with the TABLETOP badge, incident, requester, status and one line per step', () => {
    const message = buildRootMessage(rootView(runState(steps)));
    const blocks = blocksOf(message);
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[TABLETOP] Compromised cloud credential', emoji: true } });
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
    expect(message.text).toBe('[TABLETOP] Compromised cloud credential (INC-42): running');
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

describe('approval card', () => {
  test('open: summary, "0 of 2 approvals", Approve with a confirm dialog and Reject, values bound to the summary hash', () => {
    const message = buildApprovalCard(openCard());
    const text = textOf(message);
    expect(text).toContain(':raised_hand: Approval needed: *Approve containment*');
    expect(text).toContain(`> ${SUMMARY}`);
    expect(text).toContain('*0 of 2 approvals*');
    expect(text).toContain('approvers: security-oncall');
    expect(text).toContain('requested by rita.requester (who cannot approve)');
    const [approve, reject] = buttonsOf(message);
    expect(approve).toMatchObject({ action_id: ActionId.approve, style: 'primary', text: { text: 'Approve' } });
    expect(approve.confirm).toMatchObject({ title: { text: 'Approve this?' }, confirm: { text: 'Approve' }, deny: { text: 'Cancel' } });
    expect((approve.confirm as { text: { text: string } }).text.text).toContain(SUMMARY);
    expect(reject).toMatchObject({ action_id: ActionId.reject, style: 'danger' });
    for (const button of [approve, reject]) {
      expect(parseButtonValue(ApprovalButtonValue, button.value as string)).toEqual({ w: WORKFLOW_ID, s: 'approve-containment', h: sha256Hex(SUMMARY) });
    }
    expect(message.text).toContain('Approval needed (0 of 2)');
    expectWithinLimits(message);
  });

  test('one decision: "1 of 2 approvals", who, how and when; buttons stay', () => {
    const message = buildApprovalCard(
      openCard({ decisions: [{ actor: 'U0BOB0001', decision: 'approve', at: '2030-01-01T12:01:00.000Z', via: 'slack', person: 'bob', reason: 'looks right' }] }),
    );
    const text = textOf(message);
    expect(text).toContain('*1 of 2 approvals*');
    expect(text).toContain('• <@U0BOB0001> :thumbsup: approved via Slack, <!date^1893499260^{date_short_pretty} {time}|2030-01-01 12:01:00 UTC>: “looks right”');
    expect(buttonsOf(message)).toHaveLength(2);
  });

  test('approved: no buttons, who approved', () => {
    const decisions: ApprovalGateState['decisions'] = [
      { actor: 'U0BOB0001', decision: 'approve', at: '2030-01-01T12:01:00.000Z', via: 'slack' },
      { actor: 'carol', decision: 'approve', at: '2030-01-01T12:02:00.000Z', via: 'cli', person: 'carol' },
    ];
    const g = gate({ decisions, outcome: 'approved' });
    const step = approvalStep(g, 'succeeded');
    const message = buildApprovalCard(approvalCard(runState([step]), step, g, undefined));
    expect(buttonsOf(message)).toEqual([]);
    const text = textOf(message);
    expect(text).toContain(':white_check_mark: Approved: *Approve containment*');
    expect(text).toContain('*2 of 2 approvals*');
    expect(text).toContain('*Approved* by <@U0BOB0001>, carol.');
    expect(text).toContain('carol :thumbsup: approved via the CLI');
    expect(text).not.toContain('decide by');
    expect(message.text).toBe('Approval approved: Approve containment');
  });

  test('rejected with a reason; timed out; closed by a cancel', () => {
    const rejected = gate({ decisions: [{ actor: 'dave', decision: 'reject', at: '2030-01-01T12:01:00.000Z', via: 'cli', reason: 'wrong <key>' }], outcome: 'rejected' });
    const rejectedText = textOf(buildApprovalCard(approvalCard(runState([]), approvalStep(rejected, 'failed'), rejected, undefined)));
    expect(rejectedText).toContain('*Rejected* by dave: “wrong &lt;key&gt;”');

    const timedOut = gate({ outcome: 'timed-out' });
    expect(textOf(buildApprovalCard(approvalCard(runState([]), approvalStep(timedOut, 'failed'), timedOut, undefined)))).toContain('*Timed out*');

    const cancelled = gate();
    const step = { ...approvalStep(cancelled, 'failed'), error: { message: 'run cancelled', type: 'Cancelled' } };
    const card = approvalCard(runState([]), step, cancelled, undefined);
    expect(card.open).toBe(false);
    const message = buildApprovalCard(card);
    expect(buttonsOf(message)).toEqual([]);
    expect(textOf(message)).toContain('*Closed* without a decision: run cancelled.');
  });

  test('escalation, open policy and eligible people are shown', () => {
    const spec = { id: 'approve-containment', approval: { approvers: ['security-oncall'], quorum: 1, timeout: '15m', on_timeout: 'escalate' as const, escalate_to: ['security-leads'], summary: 'x' } };
    const escalated = gate({
      escalated: true,
      policy: 'enforced',
      eligible: [
        { person: 'alice', slack: 'U0ALICE01', identities: ['slack:U0ALICE01'], groups: ['security-oncall'] },
        { person: 'carol', identities: ['cli:carol'], groups: ['security-leads'] },
      ],
    });
    const text = textOf(buildApprovalCard(approvalCard(runState([]), approvalStep(escalated), escalated, spec)));
    expect(text).toContain(':rotating_light: Overdue: escalated to *security-leads*; new deadline');
    expect(text).toContain('Can approve: <@U0ALICE01>, carol');

    expect(textOf(buildApprovalCard(openCard({ policy: 'open' })))).toContain('Open policy (no approvers file): anyone but the requester may approve.');
  });

  test('summaries are escaped: no mentions or links smuggled in through inputs', () => {
    const sneaky = 'Block <!channel> and <https://evil.example|the docs>';
    const message = buildApprovalCard(openCard({ summary: sneaky, summarySha256: sha256Hex(sneaky) }));
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    expect(JSON.stringify(message)).not.toContain('<https://evil');
    expect(textOf(message)).toContain('&lt;!channel&gt;');
  });

  test('a huge summary is cut to fit, the button value still carries the full hash', () => {
    const huge = 'x'.repeat(10_000);
    const message = buildApprovalCard(openCard({ summary: huge, summarySha256: sha256Hex(huge) }));
    expectWithinLimits(message);
    expect(parseButtonValue(ApprovalButtonValue, buttonsOf(message)[0].value as string)?.h).toBe(sha256Hex(huge));
  });
});

describe('wait card', () => {
  const waiting: StepState = { id: 'await-vendor', kind: 'wait', status: 'waiting', wait: { event: 'vendor-deletion-confirmed', remindersSent: 1, deadline: '2030-01-31T12:00:00.000Z' } };

  test('open: a button named after the event, carrying the run, the step and the event', () => {
    const message = buildWaitCard(waitCard(runState([waiting]), waiting, undefined)!);
    const [button] = buttonsOf(message);
    expect(button).toMatchObject({ action_id: ActionId.deliverEvent, text: { text: 'Vendor confirmed deletion' }, style: 'primary' });
    expect(button.confirm).toBeDefined();
    expect(parseButtonValue(EventButtonValue, button.value as string)).toEqual({ w: WORKFLOW_ID, s: 'await-vendor', e: 'vendor-deletion-confirmed' });
    expect(textOf(message)).toContain(':hourglass_flowing_sand: *Waiting for `vendor-deletion-confirmed`* (await-vendor)');
    expect(textOf(message)).toContain('1 reminder sent');
    expectWithinLimits(message);
  });

  test('received: no button, who reported it and how', () => {
    const done: StepState = { ...waiting, status: 'succeeded', actor: 'U0OSCAR01' };
    const message = buildWaitCard(waitCard(runState([done]), done, { actor: 'U0OSCAR01', via: 'slack', at: '2030-01-02T09:00:00.000Z' })!);
    expect(buttonsOf(message)).toEqual([]);
    expect(textOf(message)).toContain('Received from <@U0OSCAR01> via Slack, <!date^');
  });
});

describe('manual card', () => {
  const open: StepState = { id: 'rotate-dependents', kind: 'manual', title: 'Rotate dependent secrets', status: 'waiting', manual: { task: "Rotate alice's secrets", assignee: 'security-oncall' } };

  test('open: the task, the assignee, instructions and a Done button', () => {
    const spec = { id: 'rotate-dependents', manual: { task: 'x', instructions: 'See the wiki' } };
    const message = buildManualCard(manualCard(runState([open]), open, spec)!);
    const [button] = buttonsOf(message);
    expect(button).toMatchObject({ action_id: ActionId.completeManual, text: { text: 'Done' }, confirm: { title: { text: 'Mark it done?' }, confirm: { text: 'Done' } } });
    expect(JSON.stringify(button.confirm)).toContain("Rotate alice's secrets");
    expect(parseButtonValue(ManualButtonValue, button.value as string)).toEqual({ w: WORKFLOW_ID, s: 'rotate-dependents' });
    const text = textOf(message);
    expect(text).toContain(':clipboard: *Task: Rotate dependent secrets*');
    expect(text).toContain("> Rotate alice's secrets");
    expect(text).toContain('Assigned to security-oncall');
    expect(text).toContain('See the wiki');
  });

  test('done (even before the step settles): no button, who and the note', () => {
    const done: StepState = { ...open, actor: 'carol', manual: { ...open.manual!, note: 'all rotated' } };
    const card = manualCard(runState([done]), done, undefined)!;
    expect(card.open).toBe(false);
    const message = buildManualCard(card);
    expect(buttonsOf(message)).toEqual([]);
    expect(textOf(message)).toContain('Done by carol: “all rotated”');
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
