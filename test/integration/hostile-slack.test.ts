/**
 * Hostile Slack requests (issue 11), signed exactly as Slack signs them and sent to the real app
 * (Bolt, HTTP receiver on loopback) in front of the run's Temporal server:
 * - start-form submissions with forging characters, huge values, blank required fields, too many
 *   list items, forged block ids named like JavaScript built-ins, and unreadable metadata are
 *   answered on the form (`response_action: errors`, one message per field at fault);
 * - button clicks with altered, oversized or malformed values and payloads are answered with an
 *   ephemeral message (or through the click's response URL when the payload itself is unreadable);
 * - malformed envelopes never get a 500 and never stop the app;
 * - each within a time bound, and nothing is started: at the end visibility lists exactly the one
 *   run the legitimate submission started.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { loadConnectorsFile } from '../../connectors/connectors-file';
import { findForbiddenCharacter } from '../../common/text-safety';
import { createSlackApp, type QuellSlackApp } from '../../slack/app';
import { ActionId, CallbackId } from '../../slack/blocks/interaction-ids';
import { loadCatalogue } from '../../slack/runbooks';
import { slackAppSettings } from '../../config/slack-app';
import { eventually } from '../support/eventually';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';
import { REPO } from '../support/runbooks';
import {
  FORM,
  SlackRequester,
  buttonClick,
  field,
  startResponseSink,
  viewSubmission,
  type ResponseSink,
  type SlackResponse,
  type ViewValues,
} from '../support/slack-requests';
import { connectTestClient, uniqueTaskQueue } from '../support/temporal';

const TOKEN = 'xoxb-hostile-slack-test-0123456789';
const SECRET = 'hostile-slack-test-signing-secret-0123456789';
const CHANNEL = { id: 'C0HOSTILE01', name: 'incident-response' };
const RITA = 'U0RITA0001';
const MALLORY = 'U0MALLORY1';
const REQUEST_TIME_LIMIT_MS = 5_000;
const SHA = 'a'.repeat(64);

let work: string;
let slack: FakeSlackApi;
let sink: ResponseSink;
let client: Client;
let app: QuellSlackApp;
let requester: SlackRequester;
let taskQueue: string;
let metadata: string;
let views = 0;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-hostile-slack-'));
  slack = await startFakeSlackApi({ token: TOKEN, channels: [CHANNEL] });
  sink = await startResponseSink();
  const connectors = path.join(work, 'connectors.yaml');
  fs.writeFileSync(
    connectors,
    [
      'version: 1',
      'slack:',
      '  bot_token: { env: HOSTILE_SLACK_TOKEN }',
      '  signing_secret: { env: HOSTILE_SLACK_SECRET }',
      `  channel: ${CHANNEL.id}`,
      `  api_url: ${slack.apiUrl}`,
      '  listen: { host: 127.0.0.1, port: 0 }',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(connectors, { HOSTILE_SLACK_TOKEN: TOKEN, HOSTILE_SLACK_SECRET: SECRET });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  client = await connectTestClient();
  // No worker: a refused request must leave nothing, and the one accepted start only needs to exist.
  taskQueue = uniqueTaskQueue('hostile-slack');
  const runbooksDir = path.join(REPO, 'runbooks');
  const catalogue = await loadCatalogue(runbooksDir);
  const found = catalogue.runbooks.find((entry) => entry.runbook.id === 'credential-compromise')!;
  metadata = JSON.stringify({ r: 'credential-compromise', h: found.sha256, c: CHANNEL.id });
  app = createSlackApp({
    settings: slackAppSettings(loaded.config.slack)!,
    temporal: client,
    taskQueue,
    runbooksDir,
    logger: pino({ level: 'silent' }),
    bot: { botId: slack.bot.botId, botUserId: slack.bot.userId },
  });
  const { url } = await app.start();
  requester = new SlackRequester(url!, SECRET);
});

afterAll(async () => {
  await app?.stop();
  if (client) {
    for await (const run of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
      await client.workflow.getHandle(run.workflowId).terminate('hostile-slack test done');
    }
    await client.connection.close();
  }
  await sink?.stop();
  await slack?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const nextViewId = () => `V0HOSTILE${String((views += 1)).padStart(3, '0')}`;

/** Form values that would start a tabletop run of credential-compromise, with `overrides`. */
function startValues(incident: string, overrides: ViewValues = {}): ViewValues {
  return {
    'quell.input.principal': field.text('alice'),
    'quell.input.cidrs': field.text('203.0.113.7'),
    'quell.incident': field.text(incident),
    'quell.mode': field.checkboxes(['tabletop']),
    ...overrides,
  };
}

async function timed(send: () => Promise<SlackResponse>): Promise<SlackResponse> {
  const began = performance.now();
  const response = await send();
  expect(performance.now() - began).toBeLessThan(REQUEST_TIME_LIMIT_MS);
  return response;
}

async function assertNotStarted(incident: string): Promise<void> {
  for (const prefix of ['quell', 'quell-tabletop']) {
    await expect(client.workflow.getHandle(`${prefix}:credential-compromise:${incident}`).describe()).rejects.toMatchObject({ name: 'WorkflowNotFoundError' });
  }
}

/** Every error text on the form is one visible line. */
function assertVisibleErrors(errors: Record<string, string>): void {
  for (const text of Object.values(errors)) {
    expect(text.length).toBeLessThanOrEqual(300);
    expect(findForbiddenCharacter(text)).toBeUndefined();
  }
}

let incidents = 0;
const nextIncident = () => `INC-HSLACK-${process.pid}-${(incidents += 1)}`;

describe('the start form refuses hostile values field by field and starts nothing', () => {
  const many = Array.from({ length: 501 }, (_, i) => `198.51.100.${i % 250}`).join('\n');
  const rows: Array<[string, ViewValues, string, string]> = [
    ['a line feed in a text input (Slack would never send one)', { 'quell.input.principal': field.text('alice\nbob') }, 'quell.input.principal', 'Contains U+000A (line feed) at character 6'],
    ['a right-to-left override in a text input', { 'quell.input.principal': field.text('alice\u202egpj.exe') }, 'quell.input.principal', 'Contains U+202E (right-to-left override)'],
    // (A whole request past 1 MiB is refused before Bolt reads it: see "malformed envelopes".)
    ['a 500 KiB text input', { 'quell.input.principal': field.text('p'.repeat(500 * 1024)) }, 'quell.input.principal', 'Is too long: 512,000 characters where the limit is 4,096 characters'],
    ['a whitespace-only required input', { 'quell.input.principal': field.text(' \t  ') }, 'quell.input.principal', 'Is required (IAM user whose credential leaked)'],
    ['more list items than allowed', { 'quell.input.cidrs': field.text(many) }, 'quell.input.cidrs', 'Has too many items: 501 entries where the limit is 500 entries'],
    ['an escape sequence in a list item', { 'quell.input.cidrs': field.text('203.0.113.7\n203.0.113.8\u001b[8m') }, 'quell.input.cidrs', 'Item 2: contains U+001B (escape (ANSI))'],
    ['an option no select offered', { 'quell.input.vendor': field.select('__proto__') }, 'quell.input.vendor', 'Must be one of "acme", "globex", got "__proto__"'],
    ['a right-to-left override in the incident id', { 'quell.incident': field.text('INC-\u202e42') }, 'quell.incident', "Use 1-64 letters, digits, '.', '_' or '-'"],
    [
      'block ids named like built-ins, and a principal left out',
      {
        'quell.input.principal': field.text(null),
        constructor: { value: { type: 'plain_text_input', value: 'x' } },
        'quell.input.__proto__': field.text('x'),
        'quell.input.constructor': field.text('x'),
      },
      'quell.input.principal',
      'Is required',
    ],
  ];

  test.each(rows)('%s', async (_what, overrides, block, message) => {
    const incident = nextIncident();
    const response = await timed(() =>
      requester.interaction(viewSubmission({ user: RITA, view: { id: nextViewId(), callback_id: CallbackId.startRun, private_metadata: metadata }, values: startValues(incident, overrides) })),
    );
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ response_action: 'errors' });
    const errors = (response.json as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors)).toEqual([block]);
    expect(errors[block]).toContain(message);
    assertVisibleErrors(errors);
    await assertNotStarted(incident);
  });

  const unreadable: Array<[string, Record<string, unknown>]> = [
    ['metadata that is not JSON', { private_metadata: '{"r":' }],
    ['metadata naming a runbook with an escape sequence', { private_metadata: JSON.stringify({ r: 'credential-compromise\u001b[2J', h: SHA }) }],
    ['metadata with keys Quell never writes', { private_metadata: JSON.stringify({ r: 'credential-compromise', h: SHA, constructor: 'x' }) }],
    ['a view id with a line feed', { id: 'V0HOSTILE\nX' }],
    ['state values that are not element states', { values: { 'quell.input.principal': { value: 'alice' } } }],
    ['a value of the wrong type', { values: { 'quell.input.principal': { value: { type: 'plain_text_input', value: 42 } } } }],
  ];

  test.each(unreadable)('%s: "could not read this form"', async (_what, change) => {
    const incident = nextIncident();
    const { values, ...view } = change;
    const payload = viewSubmission({
      user: RITA,
      view: { id: nextViewId(), callback_id: CallbackId.startRun, private_metadata: metadata, ...view },
      values: (values as ViewValues | undefined) ?? startValues(incident),
    });
    const response = await timed(() => requester.interaction(payload));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ response_action: 'errors', errors: { 'quell.incident': 'Quell could not read this form. Close it and run /quell start again.' } });
    await assertNotStarted(incident);
  });

  test('a submitter id that is no Slack id is refused', async () => {
    const incident = nextIncident();
    const payload = viewSubmission({ user: 'U0RITA\u202e', view: { id: nextViewId(), callback_id: CallbackId.startRun, private_metadata: metadata }, values: startValues(incident) });
    const response = await timed(() => requester.interaction(payload));
    expect(response.json).toMatchObject({ response_action: 'errors', errors: { 'quell.incident': expect.stringContaining('could not read this form') } });
    await assertNotStarted(incident);
  });
});

describe('buttons refuse altered values with a reply, never a crash', () => {
  const message = { ts: '1700000000.000100', thread_ts: '1700000000.000001' };
  const ephemeralsTo = (user: string) => slack.ephemerals.filter((ephemeral) => ephemeral.user === user);

  const values: Array<[string, string, string]> = [
    ['a value that is not JSON', ActionId.approve, '{"w":'],
    ['a run id with a line feed', ActionId.approve, JSON.stringify({ w: 'quell:credential-compromise:INC-1\nok', s: 'approve-containment', h: SHA })],
    ['a step id with an override', ActionId.completeManual, JSON.stringify({ w: 'quell:credential-compromise:INC-1', s: 'hand-over\u202e' })],
    ['an event name past its limit', ActionId.deliverEvent, JSON.stringify({ w: 'quell:credential-compromise:INC-1', s: 'wait', e: 'e'.repeat(401) })],
    ['keys Quell never writes', ActionId.approve, JSON.stringify({ w: 'quell:credential-compromise:INC-1', s: 'approve-containment', h: SHA, constructor: 'x' })],
    ['a value that is a JSON list', ActionId.reject, '[1,2,3]'],
  ];

  test.each(values)('%s: the clicker is told the button cannot be read', async (_what, actionId, value) => {
    const before = ephemeralsTo(MALLORY).length;
    const response = await timed(() => requester.interaction(buttonClick({ user: MALLORY, button: { action_id: actionId, value }, channel: CHANNEL.id, message })));
    expect(response.status).toBe(200);
    const reply = await eventually('the ephemeral reply', () => ephemeralsTo(MALLORY)[before]);
    expect(reply).toMatchObject({ channel: CHANNEL.id, thread_ts: message.thread_ts });
    expect(reply.text).toContain('Quell cannot read this button (an old or altered message)');
  });

  const payloads: Array<[string, (click: Record<string, unknown>) => Record<string, unknown>]> = [
    ['an action_ts with a line feed', (click) => ({ ...click, actions: [{ ...(click.actions as Array<Record<string, unknown>>)[0], action_ts: '1700000000.1\nx' }] })],
    ['a value past the size Slack allows', (click) => ({ ...click, actions: [{ ...(click.actions as Array<Record<string, unknown>>)[0], value: 'v'.repeat(100_000) }] })],
    ['a clicker id that is no Slack id', (click) => ({ ...click, user: { id: 'u0mallory<!channel>' } })],
  ];

  test.each(payloads)('%s: answered through the response URL', async (_what, alter) => {
    const responseUrl = sink.url();
    const click = buttonClick({ user: MALLORY, button: { action_id: ActionId.approve, value: '{}' }, channel: CHANNEL.id, message, responseUrl });
    const response = await timed(() => requester.interaction(alter(click)));
    expect(response.status).toBe(200);
    const posted = await eventually('the reply at the response URL', () => sink.postsTo(responseUrl)[0]?.body);
    expect(posted).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Quell cannot read this button') });
  });
});

describe('malformed envelopes', () => {
  test.each([
    ['a payload that is not JSON', 'payload=%7B%22type%22%3A'],
    ['a payload that is JSON null (Bolt itself would throw on it and never answer)', `payload=${encodeURIComponent('null')}`],
    ['a JSON list as the payload', `payload=${encodeURIComponent('[]')}`],
    ['a payload given twice', `payload=${encodeURIComponent('{}')}&payload=${encodeURIComponent('{}')}`],
    ['a payload that is a JSON string', `payload=${encodeURIComponent('"block_actions"')}`],
    ['a block_actions payload without actions', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: MALLORY }, team: { id: 'T0QUELL01' } }))}`],
  ])('%s: no 500, and the app still answers', async (_what, body) => {
    const response = await timed(() => requester.send(requester.sign(body, FORM)));
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(500);
    const health = await fetch(new URL('/healthz', requester.url));
    expect(health.status).toBe(200);
  });

  test('a body past the size limit is refused (413) before it is read whole, signed or not', async () => {
    const body = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', filler: 'f'.repeat(1024 * 1024) }))}`;
    const response = await timed(() => requester.send(requester.sign(body, FORM)));
    expect(response.status).toBe(413);
    expect((await fetch(new URL('/healthz', requester.url))).status).toBe(200);
  });
});

describe('afterwards', () => {
  test('a legitimate submission starts its run, and it is the only run on this task queue', async () => {
    const incident = nextIncident();
    const response = await requester.interaction(
      viewSubmission({ user: RITA, view: { id: nextViewId(), callback_id: CallbackId.startRun, private_metadata: metadata }, values: startValues(incident) }),
    );
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    await eventually('the run', () => client.workflow.getHandle(`quell-tabletop:credential-compromise:${incident}`).describe().catch(() => undefined));
    await eventually('visibility to list the run', async () => (await client.workflow.count(`TaskQueue = '${taskQueue}'`)).count >= 1);
    expect((await client.workflow.count(`TaskQueue = '${taskQueue}'`)).count).toBe(1);
  });
});
