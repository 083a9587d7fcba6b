/**
 * A decision step answered in Slack (test/support/slack-app-rig.ts: the Slack app, the fake Slack
 * Web API and a real worker with the approvers file enforced). The triage runbook's decision is
 * posted as a card in the run's thread with one button per option and the people who may answer;
 * the requester's click is refused with the workflow's reason; a decider's click opens a form
 * generated from the decision's fields, which names a missing required field on the field; a
 * complete form answers. A false positive ends the run `completed: false-positive` and the root
 * message says so; a confirmed compromise goes on and the card shows the choice and who made it.
 * Everything is checked on what the fake Slack received. Then, without Slack: a defaulted
 * decision's card, an escalated decision's ping, and the form for every field type read back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { DecisionGateState, FormFieldState, RunResult, RunState, StepState } from '../../common/run-state';
import { buildDecisionCard, buildEscalationPing } from '../../slack/blocks';
import { CallbackId } from '../../slack/blocks/interaction-ids';
import { buildDecisionForm, readDecisionForm } from '../../slack/listeners/views/decision-form';
import { decisionCard, decisionPing } from '../../workflows/publisher-decision';
import { eventually } from '../support/eventually';
import type { SlackMessage } from '../support/fake-slack-api';
import { waitForState } from '../support/run-driver';
import { ALICE, BOB, INCIDENT, RITA, click, engine, ephemeralsOf, nextEphemeral, requester, slack, state, step, useSlackAppRig } from '../support/slack-app-rig';
import { buttonsOf, textOf } from '../support/slack-message-text';
import { field, viewSubmission, type ViewValues } from '../support/slack-requests';
import { testServer } from '../support/temporal';

useSlackAppRig();

const TRIAGE = path.join('test', 'fixtures', 'runbooks', 'triage-decision.yaml');
const QUESTION = 'Is the alert on mallory a real compromise?';

/** Every run started here, for the replay check at the end. */
const started: string[] = [];

/** Starts a triage run requested by Rita in Slack, once its decision knows who may answer. */
async function startTriage(): Promise<string> {
  const id = await engine.start(TRIAGE, { principal: 'mallory' }, { requester: RITA, requestedVia: 'slack' });
  started.push(id);
  await waitForState(() => state(id), (s) => step(s, 'triage').decision?.policy === 'enforced');
  return id;
}

const rootOf = async (id: string) => (await waitForState(() => state(id), (s) => s.slack !== undefined)).slack!;
const current = (ts: string) => slack.messages(INCIDENT.id).find((message) => message.ts === ts);

/** The run's decision card (its latest revision), once `ready` holds for it. */
async function postedCard(id: string, ready: (card: SlackMessage) => boolean): Promise<SlackMessage> {
  const root = await rootOf(id);
  return eventually('the decision card', () => {
    const posted = slack.replies(INCIDENT.id, root.ts).find((message) => message.metadata?.event_payload?.part === 'decision');
    const card = posted && current(posted.ts);
    return card && ready(card) ? card : undefined;
  });
}

/** Clicks an option as `user`; resolves with the form it opened. */
async function openForm(user: string, button: { action_id: string; value?: string }, card: SlackMessage) {
  const count = slack.views.length;
  await requester.send(click(user, button, card));
  return eventually('the decision form', () => slack.views[count]);
}

type Form = Awaited<ReturnType<typeof openForm>>;
const submit = (user: string, form: Form, values: ViewValues) => requester.interaction(viewSubmission({ user, view: { ...form.view, id: form.id }, values }));

describe('a decision answered in Slack', () => {
  test('the requester is refused; a decider fills in the form; a false positive completes the run with that outcome', async () => {
    const id = await startTriage();
    const card = await postedCard(id, (message) => buttonsOf(message).length > 0);
    const shown = textOf(card);
    expect(card.thread_ts).toBe((await rootOf(id)).ts);
    expect(shown).toContain(':question: Decision needed:');
    expect(shown).toContain(QUESTION);
    expect(shown).toContain(`Can answer: <@${ALICE}>, <@${BOB}>`);
    expect(shown).toContain('deciders: security-oncall');
    expect(shown).toContain(`requested by <@${RITA}> (who cannot answer)`);
    const buttons = buttonsOf(card);
    expect(buttons.map((button) => (button.text as { text: string }).text)).toEqual(['Confirmed compromise, contain now', 'False positive, close the incident']);
    const sha = step(await state(id), 'triage').decision!.questionSha256;
    expect(buttons.map((button) => JSON.parse(button.value!))).toEqual([
      { w: id, s: 'triage', o: 'confirmed', h: sha, f: 1 },
      { w: id, s: 'triage', o: 'false-positive', h: sha, f: 1 },
    ]);
    const falsePositive = buttons[1]!;

    // The requester is told why at once, in the thread, and gets no form to fill in for nothing.
    const viewsBefore = slack.views.length;
    const ritaSeen = ephemeralsOf(RITA).length;
    await requester.send(click(RITA, falsePositive, card));
    const refusal = await nextEphemeral(RITA, ritaSeen);
    expect(refusal).toMatchObject({ channel: INCIDENT.id, thread_ts: card.thread_ts });
    expect(refusal.text).toContain('requested this run and cannot answer its decisions (separation of duties');
    expect(slack.views.length).toBe(viewsBefore);

    const form = await openForm(ALICE, falsePositive, card);
    expect(form.view).toMatchObject({ type: 'modal', callback_id: CallbackId.decisionForm, submit: { text: 'Answer' } });
    const inputs = (form.view.blocks as Array<Record<string, unknown>>).filter((block) => block.type === 'input');
    expect(inputs).toEqual([
      expect.objectContaining({ block_id: 'quell.field.notes', optional: false, hint: expect.objectContaining({ text: 'what the evidence showed' }), element: expect.objectContaining({ type: 'plain_text_input' }) }),
      expect.objectContaining({
        block_id: 'quell.field.confidence',
        optional: true,
        element: expect.objectContaining({ type: 'static_select', options: ['low', 'medium', 'high'].map((value) => expect.objectContaining({ value })) }),
      }),
    ]);
    expect(textOf({ blocks: form.view.blocks as unknown[] })).toContain('You answer *False positive, close the incident* to:');

    // Slack sends an empty text input as null; only spaces count as empty too.
    const missing = await submit(ALICE, form, { 'quell.field.notes': field.text('   '), 'quell.field.confidence': field.select('high') });
    expect(missing.json).toEqual({ response_action: 'errors', errors: { 'quell.field.notes': 'notes is required' } });
    expect(step(await state(id), 'triage').decision!.decisions).toEqual([]);

    const aliceSeen = ephemeralsOf(ALICE).length;
    const answered = await submit(ALICE, form, { 'quell.field.notes': field.text('Known scanner, ticket 4411'), 'quell.field.confidence': field.select('high') });
    expect(answered.status).toBe(200);
    const told = await nextEphemeral(ALICE, aliceSeen);
    expect(told).toMatchObject({ channel: INCIDENT.id, thread_ts: card.thread_ts });
    expect(told.text).toContain('You answered *triage*');
    expect(told.text).toContain('That decides it');

    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.state.outcome).toMatchObject({ name: 'false-positive', summary: 'Known scanner, ticket 4411' });
    expect(step(result.state, 'triage').decision!.decisions).toEqual([
      expect.objectContaining({ actor: ALICE, person: 'alice', via: 'slack', option: 'false-positive', fields: { notes: 'Known scanner, ticket 4411', confidence: 'high' } }),
    ]);

    // The run waited for Slack before closing: the root and the card show how it ended.
    const root = textOf(current((await rootOf(id)).ts));
    expect(root).toContain('*Completed: false-positive*');
    expect(root).toContain('“Known scanner, ticket 4411”');
    expect(root).toContain('*triage* — answered *False positive, close the incident* by alice');
    const closed = textOf(current(card.ts));
    expect(buttonsOf(current(card.ts))).toEqual([]);
    expect(closed).toContain(':ballot_box_with_check: Decided:');
    expect(closed).toContain(`Chosen: *False positive, close the incident* (\`false-positive\`) by <@${ALICE}>.`);
    expect(closed).toContain(`<@${ALICE}> chose *False positive, close the incident* via Slack`);
    const thread = slack.replies(INCIDENT.id, (await rootOf(id)).ts).map((message) => textOf(current(message.ts)));
    expect(thread.join('\n')).toContain('ended the run: *completed: false-positive: Known scanner, ticket 4411*');
  });

  test('a confirmed compromise answered by another decider goes on; the card shows the choice', async () => {
    const id = await startTriage();
    const card = await postedCard(id, (message) => buttonsOf(message).length > 0);
    const confirmed = buttonsOf(card)[0]!;
    const form = await openForm(BOB, confirmed, card);
    const answered = await submit(BOB, form, { 'quell.field.notes': field.text('Logins from a new ASN at 03:00'), 'quell.field.confidence': field.select('medium') });
    expect(answered.status).toBe(200);

    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.state.outcome).toBeUndefined();
    expect(step(result.state, 'close-false-positive').status).toBe('skipped');
    expect(step(result.state, 'revoke-sessions').status).toBe('succeeded');

    const closed = await postedCard(id, (message) => buttonsOf(message).length === 0);
    expect(textOf(closed)).toContain(`Chosen: *Confirmed compromise, contain now* (\`confirmed\`) by <@${BOB}>.`);
    const root = textOf(current((await rootOf(id)).ts));
    expect(root).toContain('*Completed*');
    expect(root).not.toContain('Completed:');
    expect(root).toContain('*triage* — answered *Confirmed compromise, contain now* by bob');
  });

  test('both runs replay deterministically from their histories (cards, lines and the outcome included)', async () => {
    expect(started).toHaveLength(2);
    const histories = await Promise.all(started.map(async (workflowId) => ({ workflowId, history: await engine.client.workflow.getHandle(workflowId).fetchHistory() })));
    const outcomes: Array<{ workflowId: string; error?: string }> = [];
    for await (const replayed of Worker.runReplayHistories({ workflowBundle: { code: fs.readFileSync(testServer().bundlePath, 'utf8') } }, histories)) {
      outcomes.push({ workflowId: replayed.workflowId, ...(replayed.error ? { error: String(replayed.error) } : {}) });
    }
    expect(outcomes).toEqual(started.map((workflowId) => ({ workflowId })));
  });
});

describe('decision cards, pings and forms without Slack', () => {
  const run = { workflowId: 'quell-tabletop:triage:INC-1', requestedBy: RITA } as RunState;
  const gate = (extra: Partial<DecisionGateState>): DecisionGateState => ({
    approverGroups: ['security-oncall'],
    quorum: 1,
    deadline: '2030-01-01T00:00:00.000Z',
    decisions: [],
    escalated: false,
    question: 'Is it real?',
    questionSha256: 'a'.repeat(64),
    options: [
      { id: 'real', label: 'Real' },
      { id: 'noise', label: 'Noise' },
    ],
    fields: [],
    ...extra,
  });
  const decisionStep = (g: DecisionGateState, status: StepState['status']): StepState => ({ id: 'triage', kind: 'decision', status, decision: g });

  test('the timeout\'s default is shown as chosen by default; without fields each option asks for a confirmation', () => {
    const defaulted = gate({ outcome: 'defaulted', chosen: 'noise' });
    const closed = buildDecisionCard(decisionCard(run, decisionStep(defaulted, 'succeeded'), defaulted, undefined));
    expect(buttonsOf(closed)).toEqual([]);
    expect(textOf(closed)).toContain('Chosen by default: *Noise* (`noise`): nobody answered by');
    const open = gate({});
    const buttons = buttonsOf(buildDecisionCard(decisionCard(run, decisionStep(open, 'waiting'), open, undefined)));
    expect(buttons.map((button) => [button.action_id, JSON.parse(button.value!), (button.confirm as { confirm: { text: string } }).confirm.text])).toEqual([
      ['quell.answer.real', { w: run.workflowId, s: 'triage', o: 'real', h: 'a'.repeat(64) }, 'Answer'],
      ['quell.answer.noise', { w: run.workflowId, s: 'triage', o: 'noise', h: 'a'.repeat(64) }, 'Answer'],
    ]);
  });

  test('an escalated decision pings the escalation groups as a decision, quoting its question', () => {
    const escalated = gate({
      escalated: true,
      policy: 'enforced',
      escalation: { at: '2030-01-01T00:00:00.000Z', groups: ['security-leads'], slackUsergroups: ['S0LEADS'], deadline: '2030-01-01T01:00:00.000Z' },
      eligible: [
        { person: 'alice', slack: ALICE, identities: [`slack:${ALICE}`], groups: ['security-oncall'] },
        { person: 'carol', slack: 'U0CAROL01', identities: ['slack:U0CAROL01'], groups: ['security-leads'] },
      ],
    });
    const ping = buildEscalationPing(decisionPing(run, decisionStep(escalated, 'waiting'), escalated, ['security-leads']));
    expect(ping.text).toContain('<@U0CAROL01> <!subteam^S0LEADS> Decision overdue, escalated to security-leads: triage');
    expect(ping.text).not.toContain(ALICE);
    expect(textOf(ping)).toContain('the decision *triage* is overdue');
    expect(textOf(ping)).toContain('> Is it real?');
  });

  test('the form types numbers, booleans and times as the CLI does, and names each problem on its field', () => {
    const fields: FormFieldState[] = [
      { name: 'hosts', type: 'number', required: true },
      { name: 'level', type: 'number', required: false, enum: [1, 2, 3] },
      { name: 'paged', type: 'boolean', required: false },
      { name: 'since', type: 'datetime', required: false },
    ];
    const form = buildDecisionForm(gate({ fields }), { w: run.workflowId, s: 'triage', o: 'real', h: 'a'.repeat(64), a: '1700000000.000100' });
    const elements = Object.fromEntries((form.blocks as unknown as Array<Record<string, unknown>>).filter((block) => block.type === 'input').map((block) => [block.block_id, block.element]));
    expect(elements).toEqual({
      'quell.field.hosts': expect.objectContaining({ type: 'number_input', is_decimal_allowed: true }),
      'quell.field.level': expect.objectContaining({ type: 'static_select', options: ['1', '2', '3'].map((value) => expect.objectContaining({ value })) }),
      'quell.field.paged': expect.objectContaining({ type: 'static_select', options: [expect.objectContaining({ value: 'true' }), expect.objectContaining({ value: 'false' })] }),
      'quell.field.since': expect.objectContaining({ type: 'plain_text_input' }),
    });
    expect(readDecisionForm(fields, { 'quell.field.hosts': field.number('many'), 'quell.field.since': field.text('tomorrow') })).toEqual({
      ok: false,
      errors: {
        'quell.field.hosts': 'hosts "many" is not a number',
        'quell.field.since': 'since must be an ISO 8601 time with an offset, e.g. 2026-12-31T09:00:00Z',
      },
    });
    expect(
      readDecisionForm(fields, {
        'quell.field.hosts': field.number('3'),
        'quell.field.level': field.select('2'),
        'quell.field.paged': field.select('false'),
        'quell.field.since': field.text(' 2026-12-05T10:00:00Z '),
      }),
    ).toEqual({ ok: true, fields: { hosts: 3, level: 2, paged: false, since: '2026-12-05T10:00:00Z' } });
  });
});
