/**
 * The Slack app (Bolt, HTTP receiver on loopback) wired as in production, for the
 * test/integration/slack-app*.test.ts files that click through it: the fake Slack Web API, a sink
 * for response URLs, a real worker with the approvers file enforced and the run's Slack surface on
 * (so the buttons clicked are the ones the publisher posted), and requests signed exactly as Slack
 * signs them (slack-requests.ts).
 *
 * `useSlackAppRig()` starts all of it before the calling file's tests and stops it after them; the
 * exported `let` values are set in between (read them inside tests only). Jest loads this module
 * once per test file, so each file has its own app, worker and fake Slack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApproversSetup } from '../../activities/approvers/build';
import { buildSlackSurface } from '../../activities/slack-surface';
import { getRunState } from '../../client/runs';
import type { RunState, StepState } from '../../common/run-state';
import { slackAppSettings, type SlackAppSettings } from '../../config/slack-app';
import { loadConnectorsFile } from '../../connectors/connectors-file';
import { createSlackApp, type QuellSlackApp } from '../../slack/app';
import type { SlackAppDeps } from '../../slack/context';
import { startTestEngine, type TestEngine } from './engine';
import { eventually } from './eventually';
import { startFakeSlackApi, type FakeSlackApi, type SlackMessage } from './fake-slack-api';
import { plantSecret } from './planted-secrets';
import { waitForState } from './run-driver';
import { REPO } from './runbooks';
import { buttonClick, nextTriggerId, slashCommand, SlackRequester, startResponseSink, type ResponseSink, type SignedRequest } from './slack-requests';
import { buttonsOf } from './slack-message-text';
import { runLogger } from './temporal';

export const TOKEN = plantSecret('xoxb-slack-app-test-0123456789', 'slack bot token');
export const SECRET = plantSecret('slack-app-test-signing-secret-9876543210', 'slack signing secret');
export const INCIDENT = { id: 'C0INCIDENT1', name: 'incident-response' };
export const GENERAL = { id: 'C0GENERAL01', name: 'general' };
// Shaped like real Slack user ids (9+ characters), so messages render them as mentions.
export const RITA = 'U0RITA0001';
export const ALICE = 'U0ALICE001';
export const BOB = 'U0BOB00001';
export const MALLORY = 'U0MALLORY1';
export const GATE = 'test/fixtures/runbooks/two-person-gate.yaml';

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
let app: QuellSlackApp;
export let slack: FakeSlackApi;
export let sink: ResponseSink;
export let engine: TestEngine;
export let settings: SlackAppSettings;
export let requester: SlackRequester;
/** Every App Home the app published (views.publish), oldest first. */
export const published: Array<{ user: string; view: Record<string, unknown> }> = [];
export const silent = runLogger('logger');

/** What createSlackApp needs to run against this rig's Slack, worker and runbooks. */
export function appDeps(overrides: Partial<SlackAppDeps> = {}): SlackAppDeps {
  return { settings, temporal: engine.client, taskQueue: engine.taskQueue, runbooksDir: path.join(REPO, 'runbooks'), logger: silent, bot: { botId: slack.bot.botId, botUserId: slack.bot.userId }, ...overrides };
}

/** Another app instance on the same Slack and Temporal (another process, or this one restarted). */
export async function secondApp(): Promise<{ app: QuellSlackApp; requester: SlackRequester }> {
  const other = createSlackApp(appDeps());
  const { url } = await other.start();
  return { app: other, requester: new SlackRequester(url!, SECRET) };
}

export function useSlackAppRig(): void {
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
    app = createSlackApp(appDeps());
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
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `/quell <text>` as `user`; returns the HTTP answer, the response URL and the trigger id. */
export async function command(text: string, user = RITA, channel = GENERAL.id) {
  const responseUrl = sink.url();
  const triggerId = nextTriggerId();
  const response = await requester.command(slashCommand({ text, user, channel, responseUrl, triggerId }));
  return { response, responseUrl, triggerId };
}

/** The first reply posted to a command's response URL. */
export async function replyTo(responseUrl: string): Promise<Record<string, unknown>> {
  return eventually(`a reply at ${responseUrl}`, () => sink.postsTo(responseUrl)[0]?.body);
}

/** The ephemeral reply to `/quell <text>`, with Slack's mrkdwn escapes (&lt; &gt; &amp;) undone. */
export async function ask(text: string, user = RITA): Promise<string> {
  const { response, responseUrl } = await command(text, user);
  expect(response.status).toBe(200);
  const reply = await replyTo(responseUrl);
  expect(reply.response_type).toBe('ephemeral');
  const raw = String(reply.text);
  // People's words are always escaped: no raw angle bracket may reach Slack outside a link or mention.
  expect(raw.replace(/<(@U[A-Z0-9]+|#C[A-Z0-9]+|!date\^[^>]+)>/g, '')).not.toMatch(/[<>]/);
  return raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export const ephemeralsOf = (user: string) => slack.ephemerals.filter((ephemeral) => ephemeral.user === user);
export async function nextEphemeral(user: string, after: number): Promise<{ text?: string; channel: string; thread_ts?: string }> {
  return eventually(`an ephemeral message to ${user}`, () => ephemeralsOf(user)[after]);
}

export const state = (id: string) => getRunState(engine.client, id);
export const step = (s: RunState, id: string): StepState => s.steps.find((candidate) => candidate.id === id)!;

const partOf = (message: SlackMessage) => message.metadata?.event_payload?.part;

/** The card of `part` in the run's thread, once it shows buttons. */
export async function cardWithButtons(id: string, part: 'approval' | 'decision' | 'wait' | 'manual', stepId?: string): Promise<{ card: SlackMessage; buttons: Array<{ action_id: string; value?: string }> }> {
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

export function click(user: string, button: { action_id: string; value?: string }, card: SlackMessage, actionTs?: string): SignedRequest {
  return requester.signInteraction(buttonClick({ user, button, channel: INCIDENT.id, message: { ts: card.ts, ...(card.thread_ts ? { thread_ts: card.thread_ts } : {}) }, ...(actionTs ? { actionTs } : {}) }));
}
