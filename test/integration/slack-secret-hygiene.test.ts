/**
 * No secret of the Slack control surface reaches the workflow history or the logs (issue 4: keep
 * secrets out of logs and workflow histories), proven on one run driven entirely through Slack:
 * - the worker's Slack surface ON: the publisher posts the root message, the thread and the cards
 *   with the bot token (the fake Slack Web API, test/support/fake-slack-api.ts, checks it);
 * - the Slack app (Bolt, HTTP receiver on 127.0.0.1 port 0) verifying every request with the
 *   signing secret: a forged and an altered command get 401; a signed `/quell help`, `/quell start`
 *   and its view_submission start the run; signed button clicks approve the gate and report the
 *   event; a `/quell status` whose response URL has expired is answered from the bot instead;
 * - approver membership read from a Slack user group (usergroups.users.list with the bot token):
 *   the second approver belongs to the gate's group only through it.
 * Every command, click and submission carries a response URL (`response_url`, `response_urls`),
 * each unique; like the token and the signing secret they must appear nowhere in what is kept.
 *
 * To put the scrubbing on the paths where Slack's own words are kept, three answers echo the bot
 * token back (a misbehaving proxy in front of Slack): the token check of an app instance at start
 * (auth.test: the app does not start, and says why), the first user group read (retried: the gate
 * waits for it) and the app's first ephemeral reply (it falls back to a direct message). The
 * failure messages are logged, recorded in the history or printed, and must carry `[secret]`.
 *
 * The bot token and the signing secret are random per run and reach the code only through
 * `{ env }` and `{ file }` references in a connectors file loaded as the worker loads it. Logs are
 * captured raw (no redaction, no masking): the worker's logger (publisher, user groups, their
 * WebClient) and the Slack app's logger (Bolt and its WebClient) at trace, so every debug line is
 * in, the Temporal SDK/Core/workflow logs at debug, and whatever is printed on the console, stdout
 * or stderr. What is checked is that the code never hands one of these values to a logger, not
 * that the production logger's masks would catch it.
 *
 * Scanned for each secret (raw, URL-encoded, base64 at every alignment; test/support/secret-scan.ts):
 * the decoded history of the run, all captured logs, the Slack surface's delivery record on disk,
 * and what went out to the Slack Web API and to the response URLs. Negative controls: every form
 * is found when present, and a value planted for real (in a run's input) is found by the same
 * scan in that run's history and in the captured logs.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApproversSetup } from '../../activities/approvers/build';
import { loadConnectorsFile } from '../../activities/live/config-file';
import { loadedSecretValues } from '../../activities/live/secret';
import { buildSlackSurface } from '../../activities/slack-surface';
import { getRunState } from '../../client/runs';
import type { RunResult, RunState, StepState } from '../../common/run-state';
import { SlackAppStartError, createSlackApp, type QuellSlackApp } from '../../slack/app';
import { ActionId, CallbackId } from '../../slack/interaction-ids';
import { slackAppSettings } from '../../slack/settings';
import { installTemporalRuntime } from '../../worker/logger';
import { startTestEngine, type TestEngine } from '../support/engine';
import { startFakeSlackApi, type FakeSlackApi, type SlackMessage } from '../support/fake-slack-api';
import { historyText } from '../support/history-text';
import { waitForState } from '../support/run-driver';
import { capturePrinted, formsOf, leaksIn, missing, secretForms, type SecretForm } from '../support/secret-scan';
import { SlackRequester, buttonClick, field, nextTriggerId, slashCommand, startResponseSink, viewSubmission, type ResponseSink, type SlackResponse } from '../support/slack-requests';
import { buttonsOf, textOf } from '../support/slack-message-text';
import { eventually } from '../support/eventually';
import { plantSecret } from '../support/planted-secrets';
import { teeToRunLog } from '../support/run-logs';

// Random per run, so a match can only come from this run.
const BOT_TOKEN = plantSecret(`xoxb-${randomBytes(6).toString('hex')}-${randomBytes(16).toString('hex')}`, 'slack bot token');
const SIGNING_SECRET = plantSecret(randomBytes(16).toString('hex'), 'slack signing secret');
const FORGED_SECRET = randomBytes(16).toString('hex');

const INCIDENT = { id: 'C0HYGIENE2', name: 'incident-response' };
const GENERAL = { id: 'C0GENERAL2', name: 'general' };
const RITA = 'U0RITA0002';
/** Rita's direct messages with the app (chat.postMessage to her user id). */
const RITA_DM = { id: RITA, name: 'rita-dm' };
const ALICE = 'U0ALICE002';
const BOB = 'U0BOB00002';
/** The Slack user group that makes Bob a member of security-oncall (he is not listed there). */
const ONCALL_USERGROUP = 'S0ONCALL02';
const RUNBOOK_ID = 'slack-hygiene-gate';
const TARGET = '192.0.2.77';
const INCIDENT_ID = `INC-SLACK-HYGIENE-${Date.now()}`;
const WORKFLOW_ID = `quell-tabletop:${RUNBOOK_ID}:${INCIDENT_ID}`;

const RUNBOOK = [
  `id: ${RUNBOOK_ID}`,
  'version: 1',
  'title: Slack hygiene gate',
  'severity: low',
  'inputs:',
  '  target: { type: string, required: true, description: Address to block }',
  'steps:',
  '  - id: approve',
  '    title: Approve the block',
  '    approval:',
  '      approvers: [security-oncall]',
  '      quorum: 2',
  '      timeout: 1h',
  '      summary: "Block ${{ inputs.target }}"',
  '  - id: block',
  '    action: egress.block',
  '    with: { provider: nftables, cidrs: ["${{ inputs.target }}"] }',
  '  - id: confirm',
  '    wait: { event: vendor-deletion-confirmed, timeout: 1h }',
  '',
].join('\n');

const APPROVERS = [
  'version: 1',
  'people:',
  `  rita:  { slack: ${RITA} }`,
  `  alice: { slack: ${ALICE} }`,
  `  bob:   { slack: ${BOB} }`,
  'groups:',
  `  security-oncall: { people: [alice], slack_usergroups: [${ONCALL_USERGROUP}] }`,
  '',
].join('\n');

const workerLines: string[] = [];
const appLines: string[] = [];
const runtimeLines: string[] = [];
const into = (lines: string[]) => teeToRunLog('raw', { write: (line: string) => void lines.push(line) });
/** The worker's logger (activities, publisher, user groups and their WebClient): everything, unredacted. */
const workerLogger = pino({ level: 'trace' }, into(workerLines));
/** The Slack app's logger (listeners, Bolt and its WebClient): everything, unredacted. */
const appLogger = pino({ level: 'trace' }, into(appLines));
/** Temporal SDK, Core and workflow logs (debug: trace would add Core's wire-level chatter). */
const runtimeLogger = pino({ level: 'debug' }, into(runtimeLines));
/** Whatever is printed past the loggers while the run goes on: console calls, stdout, stderr. */
const printed: string[] = [];

let work: string;
let dataDir: string;
let slack: FakeSlackApi;
let sink: ResponseSink;
let expired: ExpiredHooks;
let engine: TestEngine;
let app: QuellSlackApp;
let requester: SlackRequester;
let result: RunResult;
/** Why the app instance whose token check was answered with an echo did not start. */
let startError: unknown;
/** Every response URL handed to the app (commands, clicks, the submission), in order. */
const responseUrls: string[] = [];
/** HTTP answers to the requests sent, by what they were. */
const answers: Record<string, SlackResponse> = {};
/** The planted value (negative control): shaped like a response URL, used nowhere else. */
const PLANTED = `https://hooks.slack.com/commands/T0QUELL01/${Date.now()}/${randomBytes(12).toString('hex')}`;
const PLANTED_FORMS = formsOf('planted response url', PLANTED);
let plantedWorkflowId: string;

/** Response URLs that have expired, as Slack answers them (404 expired_url); posts are counted. */
interface ExpiredHooks {
  url(): string;
  readonly hits: string[];
  stop(): Promise<void>;
}

async function startExpiredHooks(): Promise<ExpiredHooks> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('expired_url');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: () => `http://127.0.0.1:${port}/commands/${randomBytes(6).toString('hex')}`,
    hits,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A fresh response URL (on the sink, or an expired one), remembered for the scan. */
function responseUrl(kind: 'live' | 'expired' = 'live'): string {
  const url = kind === 'live' ? sink.url() : plantSecret(expired.url(), 'expired response url');
  responseUrls.push(url);
  return url;
}

const state = (id: string) => getRunState(engine.client, id);
const step = (s: RunState, id: string): StepState => s.steps.find((candidate) => candidate.id === id)!;
const partOf = (message: SlackMessage) => message.metadata?.event_payload?.part;
const current = (ts: string) => slack.messages(INCIDENT.id).find((message) => message.ts === ts);
const ephemeralsOf = (user: string) => slack.ephemerals.filter((ephemeral) => ephemeral.user === user);
const nextEphemeral = (user: string, seen: number) => eventually(`an ephemeral message to ${user}`, () => ephemeralsOf(user)[seen]);

/** The run's card of `part`, once it shows buttons. */
async function cardWithButtons(id: string, part: 'approval' | 'wait'): Promise<{ card: SlackMessage; buttons: ReturnType<typeof buttonsOf> }> {
  const rootTs = (await waitForState(() => state(id), (s) => s.slack !== undefined)).slack!.ts;
  return eventually(`the ${part} card with buttons`, () => {
    const card = slack
      .replies(INCIDENT.id, rootTs)
      .filter((message) => partOf(message) === part)
      .map((message) => current(message.ts)!)
      .find((message) => buttonsOf(message).length > 0);
    return card ? { card, buttons: buttonsOf(card) } : undefined;
  });
}

/** A signed click on `button` of `card`, carrying a response URL as Slack's do. */
function click(user: string, button: { action_id: string; value?: string }, card: SlackMessage): Promise<SlackResponse> {
  const message = { ts: card.ts, ...(card.thread_ts ? { thread_ts: card.thread_ts } : {}) };
  return requester.interaction(buttonClick({ user, button, channel: INCIDENT.id, message, responseUrl: responseUrl() }));
}

/** Writes the connectors file (both secrets by reference) and loads its Slack section as the worker does. */
function loadSlackSection() {
  const secrets = path.join(work, 'secrets');
  fs.mkdirSync(secrets, { mode: 0o700 });
  fs.writeFileSync(path.join(secrets, 'slack-signing-secret'), `${SIGNING_SECRET}\n`, { mode: 0o600 });
  const file = path.join(work, 'connectors.yaml');
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'slack:',
      '  bot_token: { env: HYGIENE_SLACK_BOT_TOKEN }',
      '  signing_secret: { file: secrets/slack-signing-secret }',
      `  channel: ${INCIDENT.id}`,
      `  api_url: ${slack.apiUrl}`,
      '  listen: { host: 127.0.0.1, port: 0 }',
      '',
    ].join('\n'),
  );
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes(BOT_TOKEN) || text.includes(SIGNING_SECRET)) throw new Error('the connectors file must hold references, not secrets');
  const loaded = loadConnectorsFile(file, { HYGIENE_SLACK_BOT_TOKEN: BOT_TOKEN });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config.slack!;
}

/** The whole run, through Slack only. */
async function driveThroughSlack(): Promise<void> {
  const command = (text: string, url: string, user = RITA, triggerId = nextTriggerId()) =>
    slashCommand({ text, user, channel: GENERAL.id, responseUrl: url, triggerId });

  // The signing secret at work: forged and altered requests are refused.
  answers.forged = await requester.command(command('help', responseUrl()), { secret: FORGED_SECRET });
  answers.altered = await requester.command(command('help', responseUrl()), { tamper: (body) => body.replace('text=help', 'text=list') });

  // A command answered through its response URL.
  const helpUrl = responseUrl();
  answers.help = await requester.command(command('help', helpUrl));
  await eventually('the help reply', () => sink.postsTo(helpUrl)[0]);

  // `/quell start` opens the form; its submission (with response_urls, as Slack sends them when
  // the form asks for a conversation) starts the run as Rita.
  const triggerId = nextTriggerId();
  answers.start = await requester.command(command(`start ${RUNBOOK_ID} tabletop`, responseUrl(), RITA, triggerId));
  const opened = await eventually('the start form', () => slack.views.find((view) => view.trigger_id === triggerId));
  const submission = viewSubmission({
    user: RITA,
    view: { ...opened.view, id: opened.id },
    values: { 'quell.input.target': field.text(TARGET), 'quell.incident': field.text(INCIDENT_ID), 'quell.mode': field.checkboxes(['tabletop']) },
  });
  answers.submission = await requester.interaction({
    ...submission,
    response_urls: [{ block_id: 'quell.incident', action_id: 'value', channel_id: GENERAL.id, response_url: responseUrl() }],
  });
  await eventually('the run', async () => state(WORKFLOW_ID).catch(() => undefined));
  // Its ephemeral reply was answered with an echo: it came as a direct message instead.
  await eventually('the reply to the submission, as a direct message', () => slack.messages(RITA_DM.id)[0]);

  // Alice (listed in security-oncall) and Bob (a member only through the Slack user group) approve.
  await waitForState(() => state(WORKFLOW_ID), (s) => step(s, 'approve').approval?.policy === 'enforced');
  const gate = await cardWithButtons(WORKFLOW_ID, 'approval');
  const approve = gate.buttons.find((button) => button.action_id === ActionId.approve)!;
  const aliceSeen = ephemeralsOf(ALICE).length;
  answers.alice = await click(ALICE, approve, gate.card);
  await nextEphemeral(ALICE, aliceSeen);
  const bobSeen = ephemeralsOf(BOB).length;
  answers.bob = await click(BOB, approve, gate.card);
  await nextEphemeral(BOB, bobSeen);

  // The event button finishes the run.
  const wait = await cardWithButtons(WORKFLOW_ID, 'wait');
  answers.event = await click(BOB, wait.buttons[0], wait.card);
  result = (await engine.client.workflow.getHandle(WORKFLOW_ID).result()) as RunResult;

  // A response URL that has expired: the app answers from the bot instead.
  const ritaSeen = ephemeralsOf(RITA).length;
  answers.status = await requester.command(command(`status ${WORKFLOW_ID}`, responseUrl('expired')));
  await nextEphemeral(RITA, ritaSeen);
}

/** Negative control: a run whose input carries the planted value in each of its forms. */
async function plantValue(runbookFile: string): Promise<void> {
  const plantedText = PLANTED_FORMS.map((form) => form.text).join(' ');
  plantedWorkflowId = await engine.start(runbookFile, { target: plantedText }, { requester: RITA, requestedVia: 'slack' });
  // The card quotes the summary, so the publisher's request (logged by its WebClient) carries it.
  const { card } = await cardWithButtons(plantedWorkflowId, 'approval');
  if (!textOf(card).includes(PLANTED)) throw new Error('the planted value did not reach the approval card');
  await engine.client.workflow.getHandle(plantedWorkflowId).terminate('negative control planted');
}

beforeAll(async () => {
  // Before the engine's worker exists, so the SDK's and the workflow's logs come here too.
  if (!installTemporalRuntime(runtimeLogger)) throw new Error('the Temporal Runtime was installed before this file could capture its logs');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-slack-secret-hygiene-'));
  dataDir = path.join(work, 'worker-data');
  [slack, sink, expired] = await Promise.all([startFakeSlackApi({ token: BOT_TOKEN, channels: [INCIDENT, GENERAL, RITA_DM] }), startResponseSink(), startExpiredHooks()]);
  slack.setUsergroup(ONCALL_USERGROUP, [BOB]);
  // The echoes: an error code followed by the token, as a proxy that quotes the request might answer.
  slack.failNext('auth.test', { error: `invalid_auth (Authorization: Bearer ${BOT_TOKEN})` });
  slack.failNext('usergroups.users.list', { error: `internal_error (Authorization: Bearer ${BOT_TOKEN})` });
  slack.failNext('chat.postEphemeral', { error: `not_in_channel (token=${BOT_TOKEN})` });
  const runbooksDir = path.join(work, 'runbooks');
  fs.mkdirSync(runbooksDir);
  const runbookFile = path.join(runbooksDir, `${RUNBOOK_ID}.yaml`);
  fs.writeFileSync(runbookFile, RUNBOOK);
  const approversFile = path.join(work, 'approvers.yaml');
  fs.writeFileSync(approversFile, APPROVERS);

  const stopCapture = capturePrinted(printed);
  console.info('printed-output capture is on');
  try {
    const section = loadSlackSection();
    engine = await startTestEngine('slack-secret-hygiene', {
      logger: workerLogger,
      slackSurface: buildSlackSurface(section, dataDir, workerLogger)!,
      approvers: buildApproversSetup(approversFile, section, workerLogger)!,
    });
    // No bot ids given: the app checks the token with auth.test at start, as in production. The
    // first instance gets the echo and does not start; the second one runs.
    const appDeps = { settings: slackAppSettings(section)!, temporal: engine.client, taskQueue: engine.taskQueue, runbooksDir, logger: appLogger };
    const refused = createSlackApp(appDeps);
    startError = await refused.start().then(() => refused.stop(), (error: unknown) => error);
    app = createSlackApp(appDeps);
    const { url } = await app.start();
    requester = new SlackRequester(url!, SIGNING_SECRET);
    await driveThroughSlack();
    await plantValue(runbookFile);
  } finally {
    stopCapture();
  }
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
  await Promise.all([slack?.stop(), sink?.stop(), expired?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Every form of the bot token, the signing secret, each response URL and its unguessable part. */
function slackSecretForms(): SecretForm[] {
  const named: Array<[string, string]> = [
    ['slack bot token', BOT_TOKEN],
    ['slack signing secret', SIGNING_SECRET],
  ];
  responseUrls.forEach((url, index) => {
    named.push([`response url #${index + 1}`, url]);
    named.push([`response url #${index + 1} (its path)`, new URL(url).pathname]);
  });
  const others = loadedSecretValues().filter((value) => !named.some(([, known]) => known === value));
  named.push(...others.map((value, index): [string, string] => [`other loaded secret #${index + 1}`, value]));
  return secretForms(named);
}

const leaks = (text: string) => leaksIn(text, slackSecretForms());
const allLogs = () => [...workerLines, ...appLines, ...runtimeLines, ...printed].join('');

describe('the run went through Slack and used every secret', () => {
  test('requests signed with the signing secret were answered; a forged and an altered one got 401', () => {
    expect(Object.fromEntries(Object.entries(answers).map(([what, answer]) => [what, answer.status]))).toEqual({
      forged: 401,
      altered: 401,
      help: 200,
      start: 200,
      submission: 200,
      alice: 200,
      bob: 200,
      event: 200,
      status: 200,
    });
    // Nine response URLs, all different: two refused commands, help, start, the submission, three clicks, status.
    expect(responseUrls).toHaveLength(9);
    expect(new Set(responseUrls).size).toBe(responseUrls.length);
  });

  test('started from the form as Rita, approved by two clicks (Bob through the Slack user group), completed by the event button', () => {
    expect(result.status).toBe('completed');
    expect(result.state).toMatchObject({ requestedBy: RITA, incidentId: INCIDENT_ID, mode: 'tabletop', runbook: { id: RUNBOOK_ID } });
    const gate = step(result.state, 'approve').approval!;
    expect(gate.outcome).toBe('approved');
    expect(gate.decisions).toEqual([
      expect.objectContaining({ actor: ALICE, person: 'alice', via: 'slack', decision: 'approve' }),
      expect.objectContaining({ actor: BOB, person: 'bob', via: 'slack', decision: 'approve' }),
    ]);
    expect(step(result.state, 'confirm')).toMatchObject({ status: 'succeeded', actor: BOB });
    expect(slack.callsOf('usergroups.users.list').map((call) => call.params.usergroup)).toContain(ONCALL_USERGROUP);
  });

  test('every Slack Web API call carried the bot token, in the Authorization header', () => {
    const methods = new Set(slack.calls.map((call) => call.method));
    for (const method of ['auth.test', 'chat.postMessage', 'chat.update', 'views.open', 'chat.postEphemeral', 'usergroups.users.list']) expect(methods).toContain(method);
    expect(slack.calls.filter((call) => call.token !== BOT_TOKEN || call.status !== 200).map((call) => call.method)).toEqual([]);
    // Only Bolt's token check at start passes the token as an argument, which the WebClient sends
    // in the form body as well as in the header (to Slack itself; its debug log masks the field).
    const inBody = slack.calls.filter((call) => 'token' in call.params);
    expect(inBody.map((call) => [call.method, call.params.token === BOT_TOKEN])).toEqual([
      ['auth.test', true],
      ['auth.test', true],
    ]);
  });

  test('the echoing answers were met: the first app instance did not start, the gate waited for a second user group read, the reply came as a direct message', () => {
    expect(startError).toBeInstanceOf(SlackAppStartError);
    expect(slack.callsOf('auth.test').map((call) => call.response.ok)).toEqual([false, true]);
    expect(slack.callsOf('usergroups.users.list').map((call) => call.response.ok)).toEqual([false, true]);
    expect(slack.callsOf('chat.postEphemeral')[0].response.ok).toBe(false);
    expect(textOf(slack.messages(RITA_DM.id)[0]) || slack.messages(RITA_DM.id)[0].text).toContain(`Started *Slack hygiene gate* for incident \`${INCIDENT_ID}\``);
  });

  test('the response URLs were used: help answered through its own, the expired one made the app answer from the bot', () => {
    expect(sink.postsTo(responseUrls[2]).map((post) => post.body.response_type)).toEqual(['ephemeral']);
    expect(expired.hits).toEqual([new URL(responseUrls.at(-1)!).pathname]);
    expect(ephemeralsOf(RITA).at(-1)).toMatchObject({ channel: GENERAL.id, text: expect.stringContaining('Slack hygiene gate') });
  });
});

describe('no bot token, signing secret or response URL reached the history or the logs', () => {
  test('the scan knows every secret loaded, and finds each in any of its forms', () => {
    // Exactly the two values the connectors file references: nothing else was loaded as a secret.
    expect([...loadedSecretValues()].sort()).toEqual([BOT_TOKEN, SIGNING_SECRET].sort());
    const forms = slackSecretForms();
    // Raw, base64 at three alignments and (for the URLs and their paths) URL-encoded.
    expect(forms).toHaveLength(2 * 4 + 9 * 5 + 9 * 5);
    for (const form of forms) expect({ label: form.label, found: leaks(`…${form.text}…`).includes(form.label) }).toEqual({ label: form.label, found: true });
    // Base64 of a longer text holding a secret is found whatever the secret's offset in it.
    for (const prefix of ['', 'a', 'ab']) {
      const encoded = Buffer.from(`Authorization: Bearer ${prefix}${BOT_TOKEN}!`).toString('base64');
      expect(leaks(encoded).some((label) => label.startsWith('slack bot token (base64'))).toBe(true);
    }
    expect(leaks(`x=${encodeURIComponent(`{"response_url":"${responseUrls[0]}"}`)}`)).toContain('response url #1 (url-encoded)');
  });

  test('a value planted for real is found by the same scan: in the decoded history of its run and in the captured logs, in each form', async () => {
    const labels = PLANTED_FORMS.map((form) => form.label);
    expect(labels).toEqual([
      'planted response url',
      'planted response url (url-encoded)',
      'planted response url (base64)',
      'planted response url (base64, offset +1)',
      'planted response url (base64, offset +2)',
    ]);
    expect(leaksIn(await historyText(engine.client, plantedWorkflowId), PLANTED_FORMS)).toEqual(labels);
    // The publisher's chat.postMessage, logged at debug by the worker's WebClient, carried it.
    expect(leaksIn(workerLines.join(''), PLANTED_FORMS)).toEqual(labels);
    // And nowhere in the run under test, which never saw it.
    expect(leaksIn(await historyText(engine.client, WORKFLOW_ID), PLANTED_FORMS)).toEqual([]);
  });

  test('the history of the run started from Slack holds no secret, but the run\'s facts and the scrubbed failure', async () => {
    const history = await historyText(engine.client, WORKFLOW_ID);
    expect(leaks(history)).toEqual([]);
    // The scan read real content: inputs, requester, the Slack message, the clicked decisions, and
    // the failed user group read (the last failure of the activity that then succeeded).
    expect(
      missing(history, [
        TARGET,
        INCIDENT_ID,
        RITA,
        ALICE,
        BOB,
        INCIDENT.id,
        result.state.slack!.ts,
        '"via":"slack"',
        'vendor-deletion-confirmed',
        `usergroups.users.list ${ONCALL_USERGROUP}: Slack refused the request: internal_error (Authorization: Bearer [secret])`,
      ]),
    ).toEqual([]);
  });

  test('the app that could not start says why without the token (worker/main.ts prints this message as is)', () => {
    const message = (startError as Error).message;
    expect(leaks(message)).toEqual([]);
    expect(message).toContain('invalid_auth (Authorization: Bearer [secret])');
  });

  test('the worker, Slack app and SDK logs at debug, and anything printed, hold no secret, but the run\'s facts', () => {
    expect(leaks(allLogs())).toEqual([]);
    expect(workerLines.length).toBeGreaterThan(20);
    expect(appLines.length).toBeGreaterThan(20);
    expect(runtimeLines.length).toBeGreaterThan(0);
    // The lowest levels were captured: the WebClients' debug lines, with request bodies and headers.
    expect(
      missing(workerLines.join(''), [
        "apiCall('usergroups.users.list') start",
        "apiCall('chat.postMessage') start",
        "apiCall('chat.update') start",
        'http request headers',
        'root message posted',
        WORKFLOW_ID,
        // The echo, scrubbed: in the WebClient's debug line of the answer and in the retried failure.
        '"error\\":\\"internal_error (Authorization: Bearer [secret])',
      ]),
    ).toEqual([]);
    expect(
      missing(appLines.join(''), [
        '"level":20',
        "apiCall('auth.test') start",
        "apiCall('views.open') start",
        "apiCall('chat.postEphemeral') start",
        'http request body',
        'run started from Slack',
        'response URL refused the reply; answering from the bot instead',
        'ephemeral reply failed; sending a direct message instead',
        'not_in_channel (token=[secret])',
        WORKFLOW_ID,
      ]),
    ).toEqual([]);
    expect(missing(printed.join(''), ['printed-output capture is on'])).toEqual([]);
  });

  test('nothing the worker keeps on disk (the Slack delivery record) holds a secret', () => {
    const files = fs
      .readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
      .map((name) => path.join(dataDir, name))
      .filter((file) => fs.statSync(file).isFile());
    expect(files.map((file) => path.basename(file))).toEqual(['slack-surface-sent.jsonl']);
    const kept = files.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    expect(leaks(kept)).toEqual([]);
    expect(missing(kept, [WORKFLOW_ID, result.state.slack!.ts])).toEqual([]);
  });

  test('what went out to Slack (message bodies, views) and to the response URLs carries no secret', () => {
    // The token field of auth.test (above) is the bot token sent to Slack to be checked: left out.
    const bodies = slack.calls.map(({ params: { token: _token, ...params } }) => JSON.stringify(params));
    const sent = [...bodies, ...sink.posts.map((post) => JSON.stringify(post.body))].join('\n');
    expect(leaks(sent)).toEqual([]);
    expect(missing(sent, [WORKFLOW_ID, TARGET, CallbackId.startRun])).toEqual([]);
  });
});
