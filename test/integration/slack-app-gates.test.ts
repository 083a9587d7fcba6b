/**
 * A two-person gate clicked in the Slack app (test/support/slack-app-rig.ts): a second click by
 * the same approver is refused and a replayed click adds no approval, even on a fresh app
 * instance; Reject asks for a reason (the requester is refused there too) and ends the run.
 */
import type { RunResult } from '../../common/run-state';
import { ActionId, CallbackId } from '../../slack/blocks/interaction-ids';
import { eventually } from '../support/eventually';
import { waitForState } from '../support/run-driver';
import {
  ALICE,
  BOB,
  GATE,
  INCIDENT,
  RITA,
  cardWithButtons,
  click,
  engine,
  ephemeralsOf,
  nextEphemeral,
  requester,
  secondApp,
  slack,
  state,
  step,
  useSlackAppRig,
} from '../support/slack-app-rig';
import { field, viewSubmission } from '../support/slack-requests';

useSlackAppRig();

describe('a two-person gate clicked in Slack', () => {
  test('a second click by the same approver is refused; a replayed click on a fresh app instance adds no approval', async () => {
    const id = await engine.start(GATE, { target: '192.0.2.60' }, { requester: RITA, requestedVia: 'slack' });
    await waitForState(() => state(id), (s) => step(s, 'approve').approval?.policy === 'enforced');
    const { card, buttons } = await cardWithButtons(id, 'approval');
    const approveButton = buttons.find((button) => button.action_id === ActionId.approve)!;

    const seen = ephemeralsOf(ALICE).length;
    const first = click(ALICE, approveButton, card);
    await requester.send(first);
    expect((await nextEphemeral(ALICE, seen)).text).toContain('(1 of 2)');

    // A new click (its own action_ts) by the same person: the validator refuses it.
    await requester.send(click(ALICE, approveButton, card));
    expect((await nextEphemeral(ALICE, seen + 1)).text).toContain(`:no_entry: ${ALICE} (alice) already decided on step approve (approved at `);

    // The first click replayed where it was never seen: the same Temporal update, not a new one.
    const other = await secondApp();
    try {
      expect((await other.requester.send(first)).status).toBe(200);
      // Temporal answers with the result of the update it already applied, not a new decision.
      expect((await nextEphemeral(ALICE, seen + 2)).text).toContain('You approved *approve*');
    } finally {
      await other.app.stop();
    }
    const gate = step(await state(id), 'approve').approval!;
    expect(gate.decisions).toHaveLength(1);
    expect(gate.outcome).toBeUndefined();
    await engine.client.workflow.getHandle(id).terminate('test done');
  });

  test('Reject opens a reason modal; the requester is refused there too; a reason from an approver ends the run', async () => {
    const id = await engine.start(GATE, { target: '192.0.2.61' }, { requester: RITA, requestedVia: 'slack' });
    await waitForState(() => state(id), (s) => step(s, 'approve').approval?.policy === 'enforced');
    const { card, buttons } = await cardWithButtons(id, 'approval');
    const rejectButton = buttons.find((button) => button.action_id === ActionId.reject)!;

    const openModal = async (user: string) => {
      const count = slack.views.length;
      await requester.send(click(user, rejectButton, card));
      return eventually('the reason modal', () => slack.views[count]);
    };
    const ritaModal = await openModal(RITA);
    expect(ritaModal.view).toMatchObject({ type: 'modal', callback_id: CallbackId.rejectReason, submit: { text: 'Reject' } });
    const submit = (user: string, modal: typeof ritaModal, reason: string | null) =>
      requester.interaction(viewSubmission({ user, view: { ...modal.view, id: modal.id }, values: { 'quell.reason': field.text(reason) } }));
    let seen = ephemeralsOf(RITA).length;
    await submit(RITA, ritaModal, 'I changed my mind');
    expect((await nextEphemeral(RITA, seen)).text).toContain('requested this run and cannot decide on its gates (separation of duties); cancel the run to stop it');

    const bobModal = await openModal(BOB);
    expect((await submit(BOB, bobModal, '   ')).json).toEqual({ response_action: 'errors', errors: { 'quell.reason': 'A reason is required' } });
    seen = ephemeralsOf(BOB).length;
    expect((await submit(BOB, bobModal, 'Wrong address: 192.0.2.61 is our VPN')).status).toBe(200);
    const told = await nextEphemeral(BOB, seen);
    expect(told).toMatchObject({ channel: INCIDENT.id, thread_ts: card.thread_ts });
    expect(told.text).toContain('You rejected *approve*');
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('rejected');
    expect(step(result.state, 'approve').approval!.decisions).toEqual([
      expect.objectContaining({ actor: BOB, person: 'bob', via: 'slack', decision: 'reject', reason: 'Wrong address: 192.0.2.61 is our VPN' }),
    ]);
  });
});
