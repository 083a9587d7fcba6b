/**
 * The cards with buttons (slack/blocks/): approval, wait and manual cards over the views the
 * workflow projects (workflows/publisher-view.ts): what each says as the step moves on, which
 * buttons it carries with which values (parsed back with the listeners' own schemas), escaping
 * of untrusted text, and Block Kit's size limits.
 */
import type { ApprovalGateState, StepState } from '../../common/run-state';
import { sha256Hex } from '../../common/sha256';
import { buildApprovalCard, buildManualCard, buildWaitCard } from '../../slack/blocks';
import { ActionId } from '../../slack/blocks/interaction-ids';
import { ApprovalButtonValue, EventButtonValue, ManualButtonValue, parseButtonValue } from '../../slack/interaction-values';
import { approvalCard, manualCard, waitCard } from '../../workflows/publisher-view';
import { SUMMARY, WORKFLOW_ID, approvalStep, expectWithinLimits, gate, openCard, runState } from '../support/slack-block-fixtures';
import { buttonsOf, textOf } from '../support/slack-message-text';

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
