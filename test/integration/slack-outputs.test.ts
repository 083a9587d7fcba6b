/**
 * Declared outputs, loops and re-grades as Slack shows them (test/support/slack-app-rig.ts: the
 * Slack app, the fake Slack Web API and a real worker with the Slack surface on). The typed-outputs
 * runbook's wait button opens a form generated from the wait's `outputs:` (a bad number is put on
 * its field, nothing is sent), and a good form completes the wait with typed values; the task's
 * "Done" opens its own form with selects, and the run completes with both outputs. A loop's root
 * line counts its items instead of listing them, and a re-graded run's root shows its severity
 * and what it was. Everything is checked on what the fake Slack received; the runs then replay
 * from their histories.
 */
import fs from 'node:fs';
import { Worker } from '@temporalio/worker';
import { answerDecision, completeManual } from '../../client/runs';
import type { RunResult, RunState } from '../../common/run-state';
import { buildRootMessage } from '../../slack/blocks';
import { CallbackId } from '../../slack/blocks/interaction-ids';
import { rootView } from '../../workflows/publisher-view';
import { eventually } from '../support/eventually';
import type { SlackMessage } from '../support/fake-slack-api';
import { waitForState } from '../support/run-driver';
import { ALICE, BOB, INCIDENT, RITA, cardWithButtons, click, engine, ephemeralsOf, nextEphemeral, requester, slack, state, step, useSlackAppRig } from '../support/slack-app-rig';
import { textOf } from '../support/slack-message-text';
import { field, viewSubmission, type ViewValues } from '../support/slack-requests';
import { testServer } from '../support/temporal';

useSlackAppRig();

const TYPED = 'test/fixtures/runbooks/typed-outputs.yaml';
const LOOP = 'test/fixtures/runbooks/foreach-keys.yaml';
const REGRADE = 'test/fixtures/runbooks/regrade.yaml';

/** Every run started here, for the replay check at the end. */
const started: string[] = [];

async function start(file: string, inputs: Record<string, unknown> = {}): Promise<string> {
  const id = await engine.start(file, inputs, { requester: RITA, requestedVia: 'slack' });
  started.push(id);
  return id;
}

/** Clicks a button as `user`; resolves with the form it opened. */
async function openForm(user: string, button: { action_id: string; value?: string }, card: SlackMessage) {
  const count = slack.views.length;
  await requester.send(click(user, button, card));
  return eventually('the outputs form', () => slack.views[count]);
}

type Form = Awaited<ReturnType<typeof openForm>>;
const submit = (user: string, form: Form, values: ViewValues) => requester.interaction(viewSubmission({ user, view: { ...form.view, id: form.id }, values }));
const inputsOf = (form: Form) => (form.view.blocks as Array<Record<string, unknown>>).filter((block) => block.type === 'input');
const rootText = async (id: string) => {
  const root = (await waitForState(() => state(id), (s) => s.slack !== undefined)).slack!;
  return textOf(slack.messages(INCIDENT.id).find((message) => message.ts === root.ts));
};

describe('declared outputs in Slack', () => {
  test('the wait and the task open forms of their outputs; typed values complete the run', async () => {
    const id = await start(TYPED);

    const wait = await cardWithButtons(id, 'wait');
    expect(wait.buttons).toHaveLength(1);
    const report = wait.buttons[0]!;
    expect(JSON.parse(report.value!)).toEqual({ w: id, s: 'confirm-deletion', e: 'vendor-deletion-confirmed', f: 1 });
    // The form is the deliberate step; no confirm dialog in front of it.
    expect((report as Record<string, unknown>).confirm).toBeUndefined();

    const waitForm = await openForm(ALICE, report, wait.card);
    expect(waitForm.view).toMatchObject({ type: 'modal', callback_id: CallbackId.outputsForm, submit: { text: 'Report' } });
    expect(JSON.parse(String(waitForm.view.private_metadata))).toMatchObject({ w: id, s: 'confirm-deletion', k: 'event', e: 'vendor-deletion-confirmed' });
    expect(inputsOf(waitForm)).toEqual([
      expect.objectContaining({ block_id: 'quell.field.certificate_url', optional: false, hint: expect.objectContaining({ text: "where the vendor's certificate is" }), element: expect.objectContaining({ type: 'plain_text_input' }) }),
      expect.objectContaining({ block_id: 'quell.field.deleted_at', optional: true, element: expect.objectContaining({ type: 'plain_text_input' }) }),
      expect.objectContaining({ block_id: 'quell.field.records', optional: true, element: expect.objectContaining({ type: 'number_input' }) }),
    ]);
    expect(textOf({ blocks: waitForm.view.blocks as unknown[] })).toContain('You report `vendor-deletion-confirmed` to *confirm-deletion*');

    const badNumber = await submit(ALICE, waitForm, {
      'quell.field.certificate_url': field.text('https://vendor.example/c/7'),
      'quell.field.deleted_at': field.text(null),
      'quell.field.records': field.number('many'),
    });
    expect(badNumber.json).toEqual({ response_action: 'errors', errors: { 'quell.field.records': 'records "many" is not a number' } });
    const missing = await submit(ALICE, waitForm, { 'quell.field.certificate_url': field.text('  '), 'quell.field.records': field.number('3') });
    expect(missing.json).toEqual({ response_action: 'errors', errors: { 'quell.field.certificate_url': 'certificate_url is required' } });
    expect(step(await state(id), 'confirm-deletion').status).toBe('waiting');

    const aliceSeen = ephemeralsOf(ALICE).length;
    const reported = await submit(ALICE, waitForm, {
      'quell.field.certificate_url': field.text('https://vendor.example/c/7'),
      'quell.field.deleted_at': field.text('2026-11-30T09:15:00Z'),
      'quell.field.records': field.number('1204'),
    });
    expect(reported.status).toBe(200);
    const told = await nextEphemeral(ALICE, aliceSeen);
    expect(told).toMatchObject({ channel: INCIDENT.id, thread_ts: wait.card.thread_ts });
    expect(told.text).toContain('Reported `vendor-deletion-confirmed`');
    const afterWait = await waitForState(() => state(id), (s) => step(s, 'confirm-deletion').status === 'succeeded');
    const waitStep = step(afterWait, 'confirm-deletion');
    expect(waitStep.actor).toBe(ALICE);
    expect(waitStep.wait?.payload).toMatchObject({ certificate_url: 'https://vendor.example/c/7', records: 1204, deleted_at: expect.stringMatching(/^2026-11-30T09:15:00/) });

    const task = await cardWithButtons(id, 'manual', 'laptop');
    const done = task.buttons[0]!;
    expect(JSON.parse(done.value!)).toEqual({ w: id, s: 'laptop', f: 1 });
    expect((done as Record<string, unknown>).confirm).toBeUndefined();
    const taskForm = await openForm(BOB, done, task.card);
    expect(taskForm.view).toMatchObject({ callback_id: CallbackId.outputsForm, submit: { text: 'Done' } });
    expect(inputsOf(taskForm)).toEqual([
      expect.objectContaining({
        block_id: 'quell.field.laptop_returned',
        optional: false,
        element: expect.objectContaining({ type: 'static_select', options: [expect.objectContaining({ value: 'true', text: expect.objectContaining({ text: 'Yes' }) }), expect.objectContaining({ value: 'false', text: expect.objectContaining({ text: 'No' }) })] }),
      }),
      expect.objectContaining({
        block_id: 'quell.field.condition',
        optional: true,
        element: expect.objectContaining({ type: 'static_select', options: ['intact', 'damaged'].map((value) => expect.objectContaining({ value })) }),
      }),
    ]);
    expect(textOf({ blocks: taskForm.view.blocks as unknown[] })).toContain('You mark *laptop* done:\n>Collect the laptop');
    const noAnswer = await submit(BOB, taskForm, { 'quell.field.laptop_returned': field.select(null), 'quell.field.condition': field.select('damaged') });
    expect(noAnswer.json).toEqual({ response_action: 'errors', errors: { 'quell.field.laptop_returned': 'laptop_returned is required' } });

    const bobSeen = ephemeralsOf(BOB).length;
    const marked = await submit(BOB, taskForm, { 'quell.field.laptop_returned': field.select('true'), 'quell.field.condition': field.select('damaged') });
    expect(marked.status).toBe(200);
    expect((await nextEphemeral(BOB, bobSeen)).text).toContain('You marked *laptop* of');

    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(step(result.state, 'laptop').output).toMatchObject({ laptop_returned: true, condition: 'damaged' });
    expect(step(result.state, 'report').status).toBe('succeeded');

    // The same form submitted again after the run moved on is told so, on the form.
    const stale = await submit(BOB, taskForm, { 'quell.field.laptop_returned': field.select('false'), 'quell.field.condition': field.select('intact') });
    expect(stale.json).toMatchObject({ response_action: 'errors', errors: { 'quell.field.laptop_returned': expect.stringContaining('Step laptop of run') } });
    expect(step(await state(id), 'laptop').output).toMatchObject({ laptop_returned: true });
  });
});

describe('the root message of loops and re-grades', () => {
  test('a loop is one line counting its items; its item steps are not listed', async () => {
    const id = await start(LOOP, { keys: ['AKIAFIRST', 'AKIABROKEN', 'AKIATHIRD'] });
    const shown = await eventually('the loop line with every item settled', async () => {
      const text = await rootText(id);
      return text.includes('2 of 3 items done, 1 failed') ? text : undefined;
    });
    expect(shown).toMatch(/\*each-key\*[^\n]* · 2 of 3 items done, 1 failed/);
    expect(shown).not.toContain('each-key[');
    expect(shown).toContain('*hold*');
    expect(step(await state(id), 'each-key[0].block').status).toBe('succeeded');

    await waitForState(() => state(id), (s) => step(s, 'hold').status === 'waiting');
    await completeManual(engine.client, id, { stepId: 'hold', actor: RITA, via: 'api' });
    expect(((await engine.client.workflow.getHandle(id).result()) as RunResult).status).toBe('completed');
  });

  test('a re-graded run shows its severity and what it was', async () => {
    const id = await start(REGRADE);
    const open = await waitForState(() => state(id), (s) => step(s, 'assess').decision?.policy === 'enforced');
    expect(await rootText(id)).not.toContain('severity:');
    await answerDecision(engine.client, id, { stepId: 'assess', actor: ALICE, via: 'slack', option: 'spreading', fields: { severity: 'critical' }, questionSha256: step(open, 'assess').decision!.questionSha256 });
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.state.severity?.current).toBe('critical');
    expect(await rootText(id)).toContain('severity: *critical* (was medium)');
  });

  test('every run replays deterministically from its history', async () => {
    expect(started).toHaveLength(3);
    const histories = await Promise.all(started.map(async (workflowId) => ({ workflowId, history: await engine.client.workflow.getHandle(workflowId).fetchHistory() })));
    const outcomes: Array<{ workflowId: string; error?: string }> = [];
    for await (const replayed of Worker.runReplayHistories({ workflowBundle: { code: fs.readFileSync(testServer().bundlePath, 'utf8') } }, histories)) {
      outcomes.push({ workflowId: replayed.workflowId, ...(replayed.error ? { error: String(replayed.error) } : {}) });
    }
    expect(outcomes).toEqual(started.map((workflowId) => ({ workflowId })));
  });
});

describe('root lines of windows and child runs, without Slack', () => {
  const run: RunState = {
    workflowId: 'quell-tabletop:contain-host:INC-9',
    runbook: { id: 'contain-host', version: 1, title: 'Contain a host', sha256: 'b'.repeat(64) },
    incidentId: 'INC-9',
    mode: 'tabletop',
    requestedBy: RITA,
    status: 'running',
    startedAt: '2030-01-01T00:00:00.000Z',
    parent: { workflowId: 'quell-tabletop:block-and-hold:INC-9', stepId: 'contain' },
    steps: [
      { id: 'watch', kind: 'observe', status: 'running', observe: { action: 'notify', every: '1m', endsAt: '2030-01-01T01:00:00.000Z', checks: 3 } },
      { id: 'settled', kind: 'observe', status: 'succeeded', observe: { action: 'notify', every: '1m', endsAt: '2030-01-01T01:00:00.000Z', checks: 1, outcome: 'condition-met' } },
      { id: 'nested', kind: 'runbook', status: 'running', child: { workflowId: 'quell-tabletop:inner:INC-9', runbookId: 'inner', version: 2 } },
    ],
    events: [],
  };

  test('a window shows its checks or how it ended, a sub-runbook its child run, a child run its parent', () => {
    const shown = textOf(buildRootMessage(rootView(run, false, true)));
    expect(shown).toContain('*watch* — running · 3 checks so far');
    expect(shown).toContain('*settled* — done · condition met after 1 check');
    expect(shown).toContain('*nested* — running · child run `quell-tabletop:inner:INC-9`');
    expect(shown).toContain('started by run `quell-tabletop:block-and-hold:INC-9` at step *contain*');
  });

  test('without the patch the view is what older runs showed', () => {
    const view = rootView(run, false, false);
    expect(view).not.toHaveProperty('parent');
    expect(view.steps.map((line) => Object.keys(line).sort())).toEqual([
      ['id', 'kind', 'status'],
      ['id', 'kind', 'status'],
      ['id', 'kind', 'status'],
    ]);
  });
});
