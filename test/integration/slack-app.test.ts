/**
 * The Slack app (Bolt, HTTP receiver on loopback) receiving requests signed exactly as Slack signs
 * them (test/support/slack-requests.ts), talking to the fake Slack Web API and to a real worker
 * with the approvers file enforced and the run's Slack surface on (so the buttons clicked are the
 * ones the publisher posted):
 * - forged, stale and altered requests get 401 and do nothing;
 * - unknown sub-commands and bad arguments get a helpful ephemeral reply;
 * - `/quell start` opens the modal generated from the runbook's inputs; its submission is
 *   validated field by field and starts the run as the Slack user; a replayed submission (to this
 *   app, or to a fresh instance) starts nothing;
 * - the full flow: clicks by an unauthorised person and the requester are refused with the
 *   validator's reason and change nothing, an approver's click opens the gate, a replayed click
 *   changes nothing, the event and Done buttons finish the run;
 * - a second click by the same approver is refused; Reject asks for a reason and ends the run;
 * - status, list, cancel (with and without a reason), App Home;
 * - at debug level the logs hold no token, signing secret or response URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildApproversSetup } from '../../activities/approvers/build';
import { loadConnectorsFile } from '../../activities/live/config-file';
import { buildSlackSurface } from '../../activities/slack-surface';
import { getRunState } from '../../client/runs';
import type { RunResult, RunState, StepState } from '../../common/run-state';
import { createSlackApp, type QuellSlackApp } from '../../slack/app';
import { ActionId, CallbackId } from '../../slack/interaction-ids';
import { slackAppSettings, type SlackAppSettings } from '../../slack/settings';
import { startTestEngine, type TestEngine } from '../support/engine';
import { startFakeSlackApi, type FakeSlackApi, type SlackMessage } from '../support/fake-slack-api';
import { waitForState } from '../support/run-driver';
import { buttonsOf, textOf } from '../support/slack-message-text';
import { createLogger } from '../../worker/logger';
import { REPO } from '../support/runbooks';
import {
  SlackRequester,
  buttonClick,
  eventCallback,
  field,
  homeClick,
  nextTriggerId,
  slashCommand,
  startResponseSink,
  viewSubmission,
  type ResponseSink,
  type SignedRequest,
  type ViewValues,
} from '../support/slack-requests';
import { eventually } from '../support/eventually';
import { plantSecret } from '../support/planted-secrets';
import { runLogger } from '../support/temporal';
import { teeToRunLog } from '../support/run-logs';

const TOKEN = plantSecret('xoxb-slack-app-test-0123456789', 'slack bot token');
const SECRET = plantSecret('slack-app-test-signing-secret-9876543210', 'slack signing secret');
const INCIDENT = { id: 'C0INCIDENT1', name: 'incident-response' };
const GENERAL = { id: 'C0GENERAL01', name: 'general' };
// Shaped like real Slack user ids (9+ characters), so messages render them as mentions.
const RITA = 'U0RITA0001';
const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';
const MALLORY = 'U0MALLORY1';
const GATE = 'test/fixtures/runbooks/two-person-gate.yaml';

const APPROVERS = `
version: 1
people:
  rita:    { slack: ${RITA} }
  alice:   { slack: ${ALICE} }
  bob:     { slack: ${BOB} }
  carol:   { slack: U0CAROL }
  mallory: { slack: ${MALLORY} }
groups:
  security-oncall: { people: [rita, alice, bob] }
  security-leads:  { people: [carol] }
`;

let work: string;
let slack: FakeSlackApi;
let sink: ResponseSink;
let engine: TestEngine;
let settings: SlackAppSettings;
let app: QuellSlackApp;
let requester: SlackRequester;
const published: Array<{ user: string; view: Record<string, unknown> }> = [];
const silent = runLogger('logger');

/** Another app instance on the same Slack and Temporal (another process, or this one restarted). */
async function secondApp(): Promise<{ app: QuellSlackApp; requester: SlackRequester }> {
  const other = createSlackApp({ settings, temporal: engine.client, taskQueue: engine.taskQueue, runbooksDir: path.join(REPO, 'runbooks'), logger: silent, bot: { botId: slack.bot.botId, botUserId: slack.bot.userId } });
  const { url } = await other.start();
  return { app: other, requester: new SlackRequester(url!, SECRET) };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-slack-app-'));
  slack = await startFakeSlackApi({ token: TOKEN, channels: [INCIDENT, GENERAL] });
  slack.handle('views.publish', (params, context) => {
    published.push({ user: String(params.user_id), view: context.jsonField('view') as Record<string, unknown> });
    return { ok: true, view: { id: `VHOME${String(params.user_id)}`, type: 'home' } };
  });
  sink = await startResponseSink();
  const connectors = path.join(work, 'connectors.yaml');
  fs.writeFileSync(
    connectors,
    [
      'version: 1',
      'slack:',
      '  bot_token: { env: SLACK_APP_TEST_TOKEN }',
      '  signing_secret: { env: SLACK_APP_TEST_SECRET }',
      `  channel: ${INCIDENT.id}`,
      `  api_url: ${slack.apiUrl}`,
      '  listen: { host: 127.0.0.1, port: 0 }',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(connectors, { SLACK_APP_TEST_TOKEN: TOKEN, SLACK_APP_TEST_SECRET: SECRET });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const approvers = path.join(work, 'approvers.yaml');
  fs.writeFileSync(approvers, APPROVERS);
  engine = await startTestEngine('slack-app', {
    slackSurface: buildSlackSurface(loaded.config.slack, path.join(work, 'data'), silent)!,
    approvers: buildApproversSetup(approvers, loaded.config.slack, silent)!,
  });
  settings = slackAppSettings(loaded.config.slack)!;
  app = createSlackApp({ settings, temporal: engine.client, taskQueue: engine.taskQueue, runbooksDir: path.join(REPO, 'runbooks'), logger: silent, bot: { botId: slack.bot.botId, botUserId: slack.bot.userId } });
  const { url } = await app.start();
  requester = new SlackRequester(url!, SECRET);
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
  await sink?.stop();
  await slack?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `/quell <text>` as `user`; returns the HTTP answer, the response URL and the trigger id. */
async function command(text: string, user = RITA, channel = GENERAL.id) {
  const responseUrl = sink.url();
  const triggerId = nextTriggerId();
  const response = await requester.command(slashCommand({ text, user, channel, responseUrl, triggerId }));
  return { response, responseUrl, triggerId };
}

/** The first reply posted to a command's response URL. */
async function replyTo(responseUrl: string): Promise<Record<string, unknown>> {
  return eventually(`a reply at ${responseUrl}`, () => sink.postsTo(responseUrl)[0]?.body);
}

/** The ephemeral reply to `/quell <text>`, with Slack's mrkdwn escapes (&lt; &gt; &amp;) undone. */
async function ask(text: string, user = RITA): Promise<string> {
  const { response, responseUrl } = await command(text, user);
  expect(response.status).toBe(200);
  const reply = await replyTo(responseUrl);
  expect(reply.response_type).toBe('ephemeral');
  const raw = String(reply.text);
  // People's words are always escaped: no raw angle bracket may reach Slack outside a link or mention.
  expect(raw.replace(/<(@U[A-Z0-9]+|#C[A-Z0-9]+|!date\^[^>]+)>/g, '')).not.toMatch(/[<>]/);
  return raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const ephemeralsOf = (user: string) => slack.ephemerals.filter((ephemeral) => ephemeral.user === user);
async function nextEphemeral(user: string, after: number): Promise<{ text?: string; channel: string; thread_ts?: string }> {
  return eventually(`an ephemeral message to ${user}`, () => ephemeralsOf(user)[after]);
}

const state = (id: string) => getRunState(engine.client, id);
const step = (s: RunState, id: string): StepState => s.steps.find((candidate) => candidate.id === id)!;

const partOf = (message: SlackMessage) => message.metadata?.event_payload?.part;

/** The card of `part` in the run's thread, once it shows buttons. */
async function cardWithButtons(id: string, part: 'approval' | 'wait' | 'manual', stepId?: string): Promise<{ card: SlackMessage; buttons: Array<{ action_id: string; value?: string }> }> {
  const rootTs = (await waitForState(() => state(id), (s) => s.slack !== undefined)).slack!.ts;
  return eventually(`the ${part} card with buttons`, () => {
    const card = slack
      .replies(INCIDENT.id, rootTs)
      .filter((m) => partOf(m) === part)
      .map((m) => slack.messages(INCIDENT.id).find((current) => current.ts === m.ts)!)
      .find((m) => buttonsOf(m).length > 0 && (!stepId || buttonsOf(m).some((b) => b.value?.includes(`"s":"${stepId}"`))));
    return card ? { card, buttons: buttonsOf(card) } : undefined;
  });
}

function click(user: string, button: { action_id: string; value?: string }, card: SlackMessage, actionTs?: string): SignedRequest {
  return requester.signInteraction(buttonClick({ user, button, channel: INCIDENT.id, message: { ts: card.ts, ...(card.thread_ts ? { thread_ts: card.thread_ts } : {}) }, ...(actionTs ? { actionTs } : {}) }));
}

describe('request verification', () => {
  test('a bad signature, a timestamp more than five minutes old or ahead and an altered body get 401 and do nothing', async () => {
    const responseUrl = sink.url();
    const fields = slashCommand({ text: 'help', user: RITA, channel: GENERAL.id, responseUrl });
    const forged = await requester.command(fields, { secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    const stale = await requester.command(fields, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.status).toBe(401);
    // Correctly signed, but for the future: Bolt alone would accept it (it checks only old ones).
    const future = await requester.command(fields, { timestamp: Math.floor(Date.now() / 1000) + 301 });
    expect(future.status).toBe(401);
    const altered = await requester.command(fields, { tamper: (body) => body.replace('text=help', 'text=list') });
    expect(altered.status).toBe(401);
    const unsigned = await fetch(requester.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    expect(unsigned.status).toBe(401);
    await pause(300);
    expect(sink.postsTo(responseUrl)).toEqual([]);

    // The same command, signed now with the right secret, is answered.
    const ok = await requester.command(fields);
    expect(ok.status).toBe(200);
    expect(String((await replyTo(responseUrl)).text)).toContain('*Quell* runs incident-response runbooks');
  });
});

describe('/quell: help, unknown sub-commands and bad arguments', () => {
  test('help lists the sub-commands and the runbooks', async () => {
    const text = await ask('help');
    for (const usage of ['/quell start <runbook> [tabletop]', '/quell status', '/quell list', '/quell cancel <run id> [reason…]']) expect(text).toContain(usage);
    expect(text).toContain('`credential-compromise`');
  });

  test('an unknown sub-command is answered with the closest one, a runbook id with how to start it', async () => {
    const typo = await ask('stauts');
    expect(typo).toContain('`stauts` is not a Quell command. Did you mean `/quell status`?');
    expect(typo).toContain('/quell start <runbook>');
    expect(await ask('credential-compromise')).toContain('To start a runbook: `/quell start credential-compromise`');
    expect(await ask('start credential-compromize')).toContain('There is no runbook `credential-compromize`. Did you mean `/quell start credential-compromise`?');
  });

  test('bad arguments get the usage', async () => {
    expect(await ask('start')).toContain('which runbook?\nUsage: `/quell start <runbook> [tabletop]`');
    expect(await ask('start credential-compromise now')).toContain('the only option after the runbook is "tabletop"');
    expect(await ask('cancel')).toContain('Usage: `/quell cancel <run id> [reason…]`');
    expect(await ask('status a b')).toContain('status takes one run id or incident id');
    expect(await ask('status no/such')).toContain('run ids look like quell:credential-compromise:INC-42');
    expect(await ask('status quell:nope:INC-0')).toContain('no run quell:nope:INC-0');
  });
});

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
    const running = await waitForState(() => state(workflowId), (s) => step(s, 'approve-containment').approval !== undefined);
    expect(running).toMatchObject({ status: 'running', requestedBy: RITA, incidentId: incident, mode: 'tabletop', runbook: { id: 'credential-compromise' } });
    // The inputs arrived typed: the key, and the list one item per line (blank lines dropped).
    const summary = step(running, 'approve-containment').approval!.summary;
    expect(summary).toContain('Deactivate AKIAABCDEFGHIJKLMNOP of alice');
    expect(summary).toMatch(/203\.0\.113\.7.*198\.51\.100\.0\/24/);
    const started = await nextEphemeral(RITA, before);
    expect(started.channel).toBe(GENERAL.id);
    expect(started.text).toContain(`Started *Compromised cloud credential* for incident \`${incident}\` (tabletop exercise): \`${workflowId}\``);
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
    const refusing = createSlackApp({
      settings,
      temporal: engine.client,
      taskQueue: engine.taskQueue,
      runbooksDir: path.join(REPO, 'runbooks'),
      logger: silent,
      bot: { botId: slack.bot.botId, botUserId: slack.bot.userId },
      liveRefusal: () => 'no live connector is configured for credentials.revoke (steps revoke-key)',
    });
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
        errors: { 'quell.mode': 'A live run would be refused: no live connector is configured for credentials.revoke (steps revoke-key). Tick tabletop to exercise it instead.' },
      });
    } finally {
      await refusing.stop();
    }
  });

  test('full flow (acceptance 1): refusals change nothing, two approvers open the gate, a replayed click changes nothing, event and Done finish the run, Slack shows the end', async () => {
    await waitForState(() => state(workflowId), (s) => step(s, 'approve-containment').approval?.policy === 'enforced');
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
    const manual = await cardWithButtons(workflowId, 'manual');
    await requester.send(click(BOB, manual.buttons[0], manual.card));
    expect((await nextEphemeral(BOB, seen + 1)).text).toContain(`You marked *rotate-dependents* of \`${workflowId}\` done.`);
    const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(step(result.state, 'await-vendor')).toMatchObject({ status: 'succeeded', actor: BOB });
    expect(step(result.state, 'rotate-dependents')).toMatchObject({ status: 'succeeded', actor: BOB });

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

describe('status, list, cancel and App Home', () => {
  let id: string;
  beforeAll(async () => {
    id = await engine.start(GATE, { target: '192.0.2.62' }, { requester: RITA, requestedVia: 'slack' });
    await waitForState(() => state(id), (s) => step(s, 'approve').approval?.policy === 'enforced');
  });

  test('status shows the run; list and a bare status (the requester’s own runs) include it', async () => {
    const status = await ask(`status ${id}`);
    expect(status).toContain('*Two-person gate*');
    expect(status).toContain('*running*');
    expect(status).toContain(`requested by <@${RITA}>`);
    expect(status).toContain(':hourglass_flowing_sand: approve: waiting (0 of 2 approvals from security-oncall');
    expect(await eventually('list to show the run', async () => ((await ask('list')).includes(id) ? true : undefined))).toBe(true);
    expect(await eventually('status to show my runs', async () => ((await ask('status')).includes(id) ? true : undefined))).toBe(true);
    expect(await ask('status', MALLORY)).toContain('You have no open runs.');
  });

  test('App Home lists the gates the person may decide; a click there decides and refreshes Home', async () => {
    const homeOf = async (user: string) => {
      const count = published.length;
      expect((await requester.event(eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' }))).status).toBe(200);
      return eventually(`Home for ${user}`, () => published.slice(count).find((entry) => entry.user === user));
    };
    const buttonsIn = (view: Record<string, unknown>) => buttonsOf(view as { blocks?: unknown[] });
    const alice = await eventually('the gate on Alice’s Home', async () => {
      const home = await homeOf(ALICE);
      return buttonsIn(home.view).some((button) => button.value?.includes(id)) ? home : undefined;
    });
    expect(JSON.stringify(alice.view)).toContain('Block 192.0.2.62');
    const approveButton = buttonsIn(alice.view).find((button) => button.action_id === ActionId.approve && button.value?.includes(id))!;
    expect(JSON.parse(approveButton.value!)).toEqual({ w: id, s: 'approve', h: step(await state(id), 'approve').approval!.summarySha256 });
    // Not an approver, or the requester: nothing of this run to decide.
    for (const user of [MALLORY, RITA]) expect(buttonsIn((await homeOf(user)).view).some((button) => button.action_id === ActionId.approve && button.value?.includes(id))).toBe(false);

    const count = published.length;
    await requester.interaction(homeClick({ user: ALICE, viewId: `VHOME${ALICE}`, button: approveButton }));
    const refreshed = await eventually('Home refreshed with the outcome', () => published.slice(count).find((entry) => entry.user === ALICE));
    expect(JSON.stringify(refreshed.view)).toContain('You approved *approve*');
    expect(step(await state(id), 'approve').approval!.decisions).toEqual([expect.objectContaining({ actor: ALICE, via: 'slack' })]);
    expect(buttonsIn(refreshed.view).some((button) => button.action_id === ActionId.approve && button.value?.includes(id))).toBe(false);
  });

  test('cancel: refused for someone who may not, asks for a reason when none is given, and cancels', async () => {
    expect(await ask(`cancel ${id} not my run`, MALLORY)).toContain(`${MALLORY} (mallory) may not cancel this run: only its requester (rita) or a member of security-oncall may`);
    expect((await state(id)).status).toBe('running');

    const { triggerId } = await command(`cancel ${id}`);
    const modal = await eventually('the cancel modal', () => slack.views.find((view) => view.trigger_id === triggerId));
    expect(modal.view).toMatchObject({ callback_id: CallbackId.cancelReason, submit: { text: 'Cancel the run' } });
    const seen = ephemeralsOf(RITA).length;
    await requester.interaction(viewSubmission({ user: RITA, view: { ...modal.view, id: modal.id }, values: { 'quell.reason': field.text('Drill over') } }));
    expect((await nextEphemeral(RITA, seen)).text).toContain(`Cancelling \`${id}\`: “Drill over”`);
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('cancelled');
    expect(result.state.cancel).toMatchObject({ actor: RITA, via: 'slack', reason: 'Drill over', person: 'rita' });
  });
});

describe('logs', () => {
  test('at debug level, with Bolt logging whole request bodies, no token, signing secret or response URL is written', async () => {
    let written = '';
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ logLevel: 'debug' }, teeToRunLog('debug', capture));
    const chatty = createSlackApp({ settings, temporal: engine.client, taskQueue: engine.taskQueue, runbooksDir: path.join(REPO, 'runbooks'), logger, bot: { botId: slack.bot.botId, botUserId: slack.bot.userId } });
    const { url } = await chatty.start();
    try {
      const chattyRequester = new SlackRequester(url!, SECRET);
      const responseUrl = sink.url();
      await chattyRequester.command(slashCommand({ text: 'start credential-compromise', user: RITA, channel: GENERAL.id, responseUrl }));
      await chattyRequester.command(slashCommand({ text: 'nonsense', user: RITA, channel: GENERAL.id, responseUrl }));
      await chattyRequester.command(slashCommand({ text: 'help', user: RITA, channel: GENERAL.id, responseUrl: sink.url() }), { secret: 'forged' });
      await eventually('the reply', () => sink.postsTo(responseUrl)[0]);
      await pause(300);
    } finally {
      await chatty.stop();
    }
    expect(written).toContain('"level":20');
    expect(written).toContain('views.open');
    for (const secret of [TOKEN, SECRET, responseUrlPath(sink.posts.at(-1)!.id)]) expect(written).not.toContain(secret);
    expect(written).toContain('[REDACTED]');
  });
});

/** The unguessable part of a response URL. */
function responseUrlPath(id: string): string {
  return `/commands/${id}`;
}
