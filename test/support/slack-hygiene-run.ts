/**
 * The run of test/integration/slack-secret-hygiene.test.ts, driven entirely through Slack with
 * every Slack secret in play (that file's header says what and why), and everything it leaves
 * behind for the scan: the raw logs of the worker, the Slack app and the Temporal runtime, what was
 * printed, the HTTP answers, every response URL handed out, and the run's result.
 *
 * `useSlackHygieneRun()` runs it all before the calling file's tests and stops the servers after
 * them; the exported `let` values are set in between (read them inside tests only).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApproversSetup } from '../../activities/approvers/build';
import { buildSlackSurface } from '../../activities/slack-surface';
import { getRunState } from '../../client/runs';
import type { RunResult, RunState, StepState } from '../../common/run-state';
import { slackAppSettings } from '../../config/slack-app';
import { loadConnectorsFile } from '../../connectors/connectors-file';
import { createSlackApp, type QuellSlackApp } from '../../slack/app';
import { ActionId } from '../../slack/blocks/interaction-ids';
import { installTemporalRuntime } from '../../worker/logger';
import { startTestEngine, type TestEngine } from './engine';
import { eventually } from './eventually';
import { startExpiredHooks, type ExpiredHooks } from './expired-response-urls';
import { startFakeSlackApi, type FakeSlackApi, type SlackMessage } from './fake-slack-api';
import { plantSecret } from './planted-secrets';
import { waitForState } from './run-driver';
import { teeToRunLog } from './run-logs';
import { capturePrinted, formsOf } from './secret-scan';
import { buttonsOf, textOf } from './slack-message-text';
import { SlackRequester, buttonClick, field, nextTriggerId, slashCommand, startResponseSink, viewSubmission, type ResponseSink, type SlackResponse } from './slack-requests';

// Random per run, so a match can only come from this run.
export const BOT_TOKEN = plantSecret(`xoxb-${randomBytes(6).toString('hex')}-${randomBytes(16).toString('hex')}`, 'slack bot token');
export const SIGNING_SECRET = plantSecret(randomBytes(16).toString('hex'), 'slack signing secret');
const FORGED_SECRET = randomBytes(16).toString('hex');

export const INCIDENT = { id: 'C0HYGIENE2', name: 'incident-response' };
export const GENERAL = { id: 'C0GENERAL2', name: 'general' };
export const RITA = 'U0RITA0002';
/** Rita's direct messages with the app (chat.postMessage to her user id). */
export const RITA_DM = { id: RITA, name: 'rita-dm' };
export const ALICE = 'U0ALICE002';
export const BOB = 'U0BOB00002';
/** The Slack user group that makes Bob a member of security-oncall (he is not listed there). */
export const ONCALL_USERGROUP = 'S0ONCALL02';
export const RUNBOOK_ID = 'slack-hygiene-gate';
export const TARGET = '192.0.2.77';
export const INCIDENT_ID = `INC-SLACK-HYGIENE-${Date.now()}`;
export const WORKFLOW_ID = `quell-tabletop:${RUNBOOK_ID}:${INCIDENT_ID}`;

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

export const workerLines: string[] = [];
export const appLines: string[] = [];
export const runtimeLines: string[] = [];
const into = (lines: string[]) => teeToRunLog('raw', { write: (line: string) => void lines.push(line) });
/** The worker's logger (activities, publisher, user groups and their WebClient): everything, unredacted. */
const workerLogger = pino({ level: 'trace' }, into(workerLines));
/** The Slack app's logger (listeners, Bolt and its WebClient): everything, unredacted. */
const appLogger = pino({ level: 'trace' }, into(appLines));
/** Temporal SDK, Core and workflow logs (debug: trace would add Core's wire-level chatter). */
const runtimeLogger = pino({ level: 'debug' }, into(runtimeLines));
/** Whatever is printed past the loggers while the run goes on: console calls, stdout, stderr. */
export const printed: string[] = [];

let work: string;
export let dataDir: string;
export let slack: FakeSlackApi;
export let sink: ResponseSink;
export let expired: ExpiredHooks;
export let engine: TestEngine;
let app: QuellSlackApp;
let requester: SlackRequester;
export let result: RunResult;
/** Why the app instance whose token check was answered with an echo did not start. */
export let startError: unknown;
/** Every response URL handed to the app (commands, clicks, the submission), in order. */
export const responseUrls: string[] = [];
/** HTTP answers to the requests sent, by what they were. */
export const answers: Record<string, SlackResponse> = {};
/** The planted value (negative control): shaped like a response URL, used nowhere else. */
const PLANTED = `https://hooks.slack.com/commands/T0QUELL01/${Date.now()}/${randomBytes(12).toString('hex')}`;
export const PLANTED_FORMS = formsOf('planted response url', PLANTED);
export let plantedWorkflowId: string;

/** A fresh response URL (on the sink, or an expired one), remembered for the scan. */
function responseUrl(kind: 'live' | 'expired' = 'live'): string {
  const url = kind === 'live' ? sink.url() : plantSecret(expired.url(), 'expired response url');
  responseUrls.push(url);
  return url;
}

const state = (id: string) => getRunState(engine.client, id);
export const step = (s: RunState, id: string): StepState => s.steps.find((candidate) => candidate.id === id)!;
const partOf = (message: SlackMessage) => message.metadata?.event_payload?.part;
const current = (ts: string) => slack.messages(INCIDENT.id).find((message) => message.ts === ts);
export const ephemeralsOf = (user: string) => slack.ephemerals.filter((ephemeral) => ephemeral.user === user);
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

export function useSlackHygieneRun(): void {
  beforeAll(async () => {
    // Before the engine's worker exists, so the SDK's and the workflow's logs come here too.
    if (!installTemporalRuntime(runtimeLogger)) throw new Error('the Temporal Runtime was installed before this file could capture its logs');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-slack-secret-hygiene-'));
    dataDir = path.join(work, 'worker-data');
    const started = await Promise.all([startFakeSlackApi({ token: BOT_TOKEN, channels: [INCIDENT, GENERAL, RITA_DM] }), startResponseSink(), startExpiredHooks()]);
    // One by one: these are exported bindings the test file reads.
    slack = started[0];
    sink = started[1];
    expired = started[2];
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
}
