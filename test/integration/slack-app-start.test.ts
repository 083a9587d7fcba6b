/**
 * `/quell start` in the Slack app (test/support/slack-app-rig.ts), through to a finished run:
 * - the command opens the modal generated from the runbook's inputs; its submission is validated
 *   field by field and starts the run as the Slack user; a replayed submission (to this app, or to
 *   a fresh instance) starts nothing; a live run that would be refused says so on the form;
 * - the full flow: clicks by an unauthorised person and the requester are refused with the
 *   validator's reason and change nothing, an approver's click opens the gate, a replayed click
 *   changes nothing, the event and Done buttons finish the run, and Slack shows the end.
 */
import type { RunResult } from '../../common/run-state';
import { createSlackApp } from '../../slack/app';
import { ActionId, CallbackId } from '../../slack/blocks/interaction-ids';
import { eventually } from '../support/eventually';
import type { SlackMessage } from '../support/fake-slack-api';
import { waitForState } from '../support/run-driver';
import {
  ALICE,
  BOB,
  GENERAL,
  INCIDENT,
  MALLORY,
  RITA,
  SECRET,
  TOKEN,
  appDeps,
  cardWithButtons,
  click,
  command,
  engine,
  ephemeralsOf,
  nextEphemeral,
  pause,
  requester,
  secondApp,
  slack,
  state,
  step,
  useSlackAppRig,
} from '../support/slack-app-rig';
import { buttonsOf, textOf } from '../support/slack-message-text';
import { SlackRequester, field, viewSubmission, type SignedRequest, type ViewValues } from '../support/slack-requests';

useSlackAppRig();

/** Clicks a button as `user`; resolves with the form it opened. */
async function openForm(user: string, button: { action_id: string; value?: string }, card: SlackMessage) {
  const count = slack.views.length;
  await requester.send(click(user, button, card));
  return eventually('the form', () => slack.views[count]);
}

const submitForm = (user: string, form: Awaited<ReturnType<typeof openForm>>, values: ViewValues) =>
  requester.interaction(viewSubmission({ user, view: { ...form.view, id: form.id }, values }));

describe('/quell start → modal → run', () => {
  const incident = `INC-SLACK-${Date.now()}`;
  const workflowId = `quell-tabletop:credential-compromise:${incident}`;
  let submission: SignedRequest;

  test('the command opens the modal generated from the runbook’s typed inputs, at once', async () => {
    const sent = Date.now();
    const { response, triggerId } = await command('start credential-compromise tabletop');
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    const opened = await eventually('views.open', () => slack.views.find((view) => view.trigger_id === triggerId));
    const call = slack.callsOf('views.open').find((candidate) => candidate.params.trigger_id === triggerId)!;
    expect(call.at - sent).toBeLessThan(3_000);
    expect(call.token).toBe(TOKEN);
    const view = opened.view as { type: string; callback_id: string; private_metadata: string; blocks: Array<Record<string, unknown>>; title: { text: string }; submit: { text: string } };
    expect(view).toMatchObject({ type: 'modal', callback_id: CallbackId.startRun, title: { text: 'Start a runbook' }, submit: { text: 'Start' } });
    expect(JSON.parse(view.private_metadata)).toEqual({ r: 'credential-compromise', h: expect.stringMatching(/^[0-9a-f]{64}$/), c: GENERAL.id });
    const block = (id: string) => view.blocks.find((candidate) => candidate.block_id === id)!;
    expect(view.blocks.map((candidate) => candidate.block_id).filter(Boolean)).toEqual([
      'quell.input.principal',
      'quell.input.access_key_id',
      'quell.input.cidrs',
      'quell.input.vendor',
      'quell.incident',
      'quell.mode',
    ]);
    expect(block('quell.input.principal')).toMatchObject({
      type: 'input',
      optional: false,
      label: { text: 'principal' },
      hint: { text: 'IAM user whose credential leaked' },
      element: { type: 'plain_text_input', action_id: 'value' },
    });
    expect(block('quell.input.access_key_id')).toMatchObject({ optional: true, element: { type: 'plain_text_input' } });
    expect(block('quell.input.cidrs')).toMatchObject({ optional: true, hint: { text: 'Attacker addresses or ranges to block outbound One item per line.' }, element: { type: 'plain_text_input', multiline: true } });
    expect(block('quell.input.vendor')).toMatchObject({
      optional: true,
      element: { type: 'static_select', options: [{ value: 'acme', text: { text: 'acme' } }, { value: 'globex', text: { text: 'globex' } }] },
    });
    expect(block('quell.incident')).toMatchObject({ optional: true, element: { type: 'plain_text_input', max_length: 64 } });
    expect(block('quell.mode')).toMatchObject({ element: { type: 'checkboxes', initial_options: [{ value: 'tabletop' }] } });
  });

  test('a submission is validated field by field (response_action: errors), then starts the run as the Slack user', async () => {
    const opened = slack.views.at(-1)!;
    const values = (overrides: ViewValues = {}): ViewValues => ({
      'quell.input.principal': field.text('alice'),
      'quell.input.access_key_id': field.text('AKIAABCDEFGHIJKLMNOP'),
      'quell.input.cidrs': field.text('203.0.113.7\n\n 198.51.100.0/24 '),
      'quell.input.vendor': field.select('acme'),
      'quell.incident': field.text(incident),
      'quell.mode': field.checkboxes(['tabletop']),
      ...overrides,
    });
    const bad = await requester.interaction(
      viewSubmission({ user: RITA, view: { ...opened.view, id: opened.id }, values: values({ 'quell.input.access_key_id': field.text('not-a-key'), 'quell.incident': field.text('bad id!') }) }),
    );
    expect(bad.status).toBe(200);
    expect(bad.json).toEqual({
      response_action: 'errors',
      errors: {
        'quell.input.access_key_id': '"not-a-key" does not match the pattern ^AKIA[0-9A-Z]{16}$',
        'quell.incident': "Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
      },
    });
    const missing = await requester.interaction(viewSubmission({ user: RITA, view: { ...opened.view, id: opened.id }, values: values({ 'quell.input.principal': field.text('  ') }) }));
    expect(missing.json).toEqual({ response_action: 'errors', errors: { 'quell.input.principal': 'Is required (IAM user whose credential leaked)' } });
    await expect(state(workflowId)).rejects.toMatchObject({ code: 'not-found' });

    const before = ephemeralsOf(RITA).length;
    submission = requester.signInteraction(viewSubmission({ user: RITA, view: { ...opened.view, id: opened.id }, values: values() }));
    const ok = await requester.send(submission);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');

    await eventually('the run', async () => state(workflowId).catch(() => undefined));
    const running = await waitForState(() => state(workflowId), (s) => step(s, 'triage').decision !== undefined);
    expect(running).toMatchObject({ status: 'running', requestedBy: RITA, incidentId: incident, mode: 'tabletop', runbook: { id: 'credential-compromise' } });
    // The inputs arrived typed: the key here, the list at the approval (after triage).
    expect(step(running, 'triage').decision!.question).toBe('Is the alert on alice (key AKIAABCDEFGHIJKLMNOP) a real compromise?');
    const started = await nextEphemeral(RITA, before);
    expect(started.channel).toBe(GENERAL.id);
    expect(started.text).toContain(`Started *Compromised cloud credential* for incident \`${incident}\` (tabletop exercise): \`${workflowId}\``);
    expect(started.text?.split('\n')[0]).toBe(':performing_arts: *EXERCISE — not a real incident*');
    expect(started.text).toContain(`<#${INCIDENT.id}>`);
  });

  test('a replayed submission starts nothing: ignored by this app, refused by Temporal on a fresh one', async () => {
    const { runId } = await engine.client.workflow.getHandle(workflowId).describe();
    const before = ephemeralsOf(RITA).length;
    expect((await requester.send(submission)).status).toBe(200);
    await pause(500);
    expect(ephemeralsOf(RITA)).toHaveLength(before);

    const other = await secondApp();
    try {
      expect((await other.requester.send(submission)).status).toBe(200);
      const answer = await nextEphemeral(RITA, before);
      expect(answer.text).toContain(`already exists (${workflowId}); refusing to start it twice`);
    } finally {
      await other.app.stop();
    }
    expect((await engine.client.workflow.getHandle(workflowId).describe()).runId).toBe(runId);
    await eventually('visibility to list the run', async () => (await engine.client.workflow.count(`QuellIncident = '${incident}'`)).count === 1);
  });

  test('left empty, the incident id is derived from the view, so a replay maps to the same run', async () => {
    const second = await command('start credential-compromise');
    const opened = await eventually('views.open', () => slack.views.find((view) => view.trigger_id === second.triggerId));
    expect((opened.view.blocks as Array<Record<string, unknown>>).find((block) => block.block_id === 'quell.mode')).not.toHaveProperty('element.initial_options');
    const values: ViewValues = {
      'quell.input.principal': field.text('bob'),
      'quell.input.access_key_id': field.text(''),
      'quell.input.cidrs': field.text(null),
      'quell.input.vendor': field.select(null),
      'quell.incident': field.text(null),
      'quell.mode': field.checkboxes(['tabletop']),
    };
    const signed = requester.signInteraction(viewSubmission({ user: BOB, view: { ...opened.view, id: opened.id }, values }));
    expect((await requester.send(signed)).status).toBe(200);
    const derived = `quell-tabletop:credential-compromise:slack-${opened.id}`;
    const running = await eventually('the run', async () => state(derived).catch(() => undefined));
    expect(running.requestedBy).toBe(BOB);

    const before = ephemeralsOf(BOB).length;
    const other = await secondApp();
    try {
      await other.requester.send(signed);
      expect((await nextEphemeral(BOB, before)).text).toContain(`already exists (${derived})`);
    } finally {
      await other.app.stop();
    }
    await engine.client.workflow.getHandle(derived).terminate('test done');
  });

  test('live runs that would be refused say so on the form', async () => {
    const refusing = createSlackApp(appDeps({ liveRefusal: () => 'no live connector is configured for credentials.deactivate (step deactivate-key)' }));
    const { url } = await refusing.start();
    try {
      const opened = slack.views.find((view) => (view.view as { callback_id?: string }).callback_id === CallbackId.startRun)!;
      const answer = await new SlackRequester(url!, SECRET).interaction(
        viewSubmission({
          user: RITA,
          view: { ...opened.view, id: opened.id },
          values: { 'quell.input.principal': field.text('carol'), 'quell.incident': field.text(`INC-LIVE-${Date.now()}`), 'quell.mode': field.checkboxes([]) },
        }),
      );
      expect(answer.json).toEqual({
        response_action: 'errors',
        errors: { 'quell.mode': 'A live run would be refused: no live connector is configured for credentials.deactivate (step deactivate-key). Tick tabletop to exercise it instead.' },
      });
    } finally {
      await refusing.stop();
    }
  });

  test('full flow (acceptance 1): triage confirmed in a form, refusals change nothing, two approvers open the gate, a replayed click changes nothing, event and Done finish the run, Slack shows the end', async () => {
    // Triage first: Alice confirms on the decision card; its form re-grades the incident.
    await waitForState(() => state(workflowId), (s) => step(s, 'triage').decision?.policy === 'enforced');
    const triage = await cardWithButtons(workflowId, 'decision');
    const confirm = triage.buttons.find((button) => JSON.parse(button.value!).o === 'confirmed')!;
    const triageForm = await openForm(ALICE, confirm, triage.card);
    expect(triageForm.view).toMatchObject({ callback_id: CallbackId.decisionForm, submit: { text: 'Answer' } });
    const triaged = await submitForm(ALICE, triageForm, { 'quell.field.notes': field.text('calls from 203.0.113.7'), 'quell.field.severity': field.select('critical') });
    expect(triaged.status).toBe(200);
    const afterTriage = await waitForState(() => state(workflowId), (s) => step(s, 'approve-containment').approval?.policy === 'enforced');
    expect(step(afterTriage, 'triage').output).toMatchObject({ choice: 'confirmed', answered_by: ['alice'], severity: 'critical' });
    expect(afterTriage.severity?.current).toBe('critical');
    // The list input arrived one item per line (blank lines dropped).
    const summary = step(afterTriage, 'approve-containment').approval!.summary;
    expect(summary).toMatch(/^Deactivate the active keys .* of alice, revoke its sessions and block egress to .*203\.0\.113\.7.*198\.51\.100\.0\/24/);

    const { card, buttons } = await cardWithButtons(workflowId, 'approval');
    const approveButton = buttons.find((button) => button.action_id === ActionId.approve)!;

    // Someone outside security-oncall, and the requester: each told why, the gate untouched.
    let seen = ephemeralsOf(MALLORY).length;
    expect((await requester.send(click(MALLORY, approveButton, card))).status).toBe(200);
    const outsider = await nextEphemeral(MALLORY, seen);
    expect(outsider).toMatchObject({ channel: INCIDENT.id, thread_ts: card.thread_ts });
    expect(outsider.text).toContain(`:no_entry: ${MALLORY} (mallory) may not decide on step approve-containment: only members of security-oncall may`);
    seen = ephemeralsOf(RITA).length;
    await requester.send(click(RITA, approveButton, card));
    expect((await nextEphemeral(RITA, seen)).text).toContain(`${RITA} (rita) requested this run and cannot approve it (separation of duties)`);
    expect(step(await state(workflowId), 'approve-containment').approval!.decisions).toEqual([]);

    // Two approvers (quorum 2): the first is told the gate needs one more, the second opens it.
    seen = ephemeralsOf(ALICE).length;
    const aliceClick = click(ALICE, approveButton, card);
    await requester.send(aliceClick);
    expect((await nextEphemeral(ALICE, seen)).text).toContain(`You approved *approve-containment* of \`${workflowId}\` (1 of 2)`);
    const halfway = await eventually('"1 of 2 approvals" on the card', () => {
      const current = slack.messages(INCIDENT.id).find((m) => m.ts === card.ts);
      return current && textOf(current).includes('*1 of 2 approvals*') ? current : undefined;
    });
    expect(buttonsOf(halfway)).toHaveLength(2);

    // The same click again (a replay): acknowledged, nothing else.
    expect((await requester.send(aliceClick)).status).toBe(200);
    await pause(500);
    expect(ephemeralsOf(ALICE)).toHaveLength(seen + 1);
    expect(step(await state(workflowId), 'approve-containment').approval!.decisions).toHaveLength(1);

    const bobSeen = ephemeralsOf(BOB).length;
    await requester.send(click(BOB, approveButton, card));
    expect((await nextEphemeral(BOB, bobSeen)).text).toContain(`You approved *approve-containment* of \`${workflowId}\` (2 of 2). The gate is open`);
    const approved = step(await state(workflowId), 'approve-containment').approval!;
    expect(approved.outcome).toBe('approved');
    expect(approved.decisions).toEqual([
      expect.objectContaining({ actor: ALICE, person: 'alice', via: 'slack', decision: 'approve', summarySha256: approved.summarySha256 }),
      expect.objectContaining({ actor: BOB, person: 'bob', via: 'slack', decision: 'approve', summarySha256: approved.summarySha256 }),
    ]);

    // The vendor confirms (event button), then the manual task is done: the run completes.
    const wait = await cardWithButtons(workflowId, 'wait');
    seen = ephemeralsOf(BOB).length;
    await requester.send(click(BOB, wait.buttons[0], wait.card));
    expect((await nextEphemeral(BOB, seen)).text).toContain('Reported `vendor-deletion-confirmed`');
    // The task declares what it reports: Done opens its form.
    const manual = await cardWithButtons(workflowId, 'manual');
    const taskForm = await openForm(BOB, manual.buttons[0]!, manual.card);
    await submitForm(BOB, taskForm, { 'quell.field.secrets_rotated': field.number('3') });
    expect((await nextEphemeral(BOB, seen + 1)).text).toContain(`You marked *rotate-dependents* of \`${workflowId}\` done.`);
    const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(step(result.state, 'await-vendor')).toMatchObject({ status: 'succeeded', actor: BOB });
    expect(step(result.state, 'rotate-dependents')).toMatchObject({ status: 'succeeded', actor: BOB, output: { secrets_rotated: 3 } });

    // Slack shows the end: the root message was updated in place, the card lost its buttons and
    // names who decided, and every card that had buttons has none now.
    const rootTs = result.state.slack!.ts;
    const root = slack.messages(INCIDENT.id).find((m) => m.ts === rootTs)!;
    expect(slack.revisions(INCIDENT.id, rootTs).length).toBeGreaterThan(1);
    expect(textOf(root)).toContain(':white_check_mark: *Completed*');
    expect(textOf(root)).toContain(':white_check_mark: *Approve containment* — approved by alice, bob');
    const closedCard = slack.messages(INCIDENT.id).find((m) => m.ts === card.ts)!;
    expect(buttonsOf(closedCard)).toEqual([]);
    expect(textOf(closedCard)).toContain('*2 of 2 approvals*');
    expect(textOf(closedCard)).toContain(`*Approved* by <@${ALICE}>, <@${BOB}>.`);
    for (const m of slack.replies(INCIDENT.id, rootTs)) {
      expect(buttonsOf(slack.messages(INCIDENT.id).find((current) => current.ts === m.ts))).toEqual([]);
    }
  });
});
