/**
 * The live `notify` action against the fake Slack Web API (test/support/fake-slack-api.ts) and a
 * real SMTP server in this process: what is posted and how (bearer token, metadata carrying the
 * delivery id), one HTTP request per attempt (the WebClient's own retries are off), Slack's
 * errors mapped to failure classes, idempotent repeats, the "posted but the answer was lost" case
 * resolved through conversations.history, e-mail notifications, and the connectors' probes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import { ACTION_CATALOGUE } from '../../../common/actions';
import { ErrorType } from '../../../common/errors';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const TOKEN = plantSecret('xoxb-notify-test-token-1234567890', 'slack bot token');
const INCIDENT = { id: 'C0INCIDENT1', name: 'incident-response' };
const LEADS = { id: 'C0LEADS001', name: 'security-leads' };

let slack: FakeSlackApi;
let sink: SmtpSink;
let work: string;
let live: LiveSetup;
let counter = 0;

async function liveSetup(name: string, options: { token?: string; sections?: Array<'slack' | 'smtp'> } = {}): Promise<LiveSetup> {
  const sections = options.sections ?? ['slack', 'smtp'];
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      'version: 1',
      ...(sections.includes('slack') ? ['slack:', '  bot_token: { env: NOTIFY_SLACK_TOKEN }', `  channel: ${INCIDENT.id}`, `  api_url: ${slack.apiUrl}`] : []),
      ...(sections.includes('smtp') ? ['smtp:', '  host: 127.0.0.1', `  port: ${sink.port}`, '  from: quell@example.org'] : []),
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(file, { NOTIFY_SLACK_TOKEN: options.token ?? TOKEN });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, `${name}-data`) });
}

function newContext(stepId = 'tell-responders'): ActionContext {
  counter += 1;
  const workflowId = `quell:credential-compromise:INC-NOTIFY-${counter}`;
  return { workflowId, runId: 'run-1', stepId, mode: 'live', idempotencyKey: `${workflowId}/first-run-1/${stepId}/perform`, heartbeat: () => {} };
}

async function notify(setup: LiveSetup, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
  const validated = ACTION_CATALOGUE.notify.with.parse(params) as Record<string, unknown>;
  return setup.actions.notify!.perform('notify', validated, context);
}

const failureOf = async (promise: Promise<unknown>) => (await promise.then(() => undefined, (error: unknown) => error)) as Record<string, unknown>;
const incidentOf = (context: ActionContext) => context.workflowId.split(':')[2];

beforeAll(async () => {
  [slack, sink] = await Promise.all([startFakeSlackApi({ token: TOKEN, channels: [INCIDENT, LEADS] }), startSmtpSink()]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-notify-'));
  live = await liveSetup('connectors');
});

afterAll(async () => {
  await Promise.all([slack?.stop(), sink?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('Slack', () => {
  test('posts to the configured channel with the bot token and quell_notification metadata; a repeat posts nothing', async () => {
    const context = newContext();
    const mark = slack.calls.length;
    const outcome = await notify(live, { channel: 'slack', message: 'alice contained (key Inactive)' }, context);

    const calls = slack.calls.slice(mark);
    expect(calls.map((call) => call.method)).toEqual(['chat.postMessage']);
    expect(calls[0]).toMatchObject({ token: TOKEN, encoding: 'form', status: 200, params: { channel: INCIDENT.id } });
    const [posted] = slack.messages(INCIDENT.id).slice(-1);
    expect(posted.text).toBe(`[${incidentOf(context)}] alice contained (key Inactive)`);
    expect(posted.metadata).toEqual({
      event_type: 'quell_notification',
      event_payload: { delivery_id: expect.stringMatching(/^QN-[0-9A-F]{12}$/), workflow_id: context.workflowId, step_id: 'tell-responders' },
    });
    expect(outcome).toEqual({
      alreadyDone: false,
      output: {
        channel: 'slack',
        to: [INCIDENT.id],
        message_id: `${INCIDENT.id}/${posted.ts}`,
        messages: [{ to: INCIDENT.id, delivery_id: posted.metadata!.event_payload!.delivery_id, channel_id: INCIDENT.id, ts: posted.ts, sent_at: expect.any(String) }],
        delivered: true,
      },
    });

    const repeat = await notify(live, { channel: 'slack', message: 'alice contained (key Inactive)' }, context);
    expect(repeat).toEqual({ ...outcome, alreadyDone: true });
    expect(slack.calls.length).toBe(mark + 1);
  });

  test('`to` posts once to each conversation, by id or by name; the channel defaults to Slack', async () => {
    const context = newContext('escalate');
    const before = { leads: slack.messages(LEADS.id).length, incident: slack.messages(INCIDENT.id).length };
    const outcome = await notify(live, { to: [`#${LEADS.name}`, INCIDENT.id], message: 'Approval overdue, escalated to you' }, context);
    expect(outcome.output).toMatchObject({ channel: 'slack', to: [`#${LEADS.name}`, INCIDENT.id], message_id: expect.stringMatching(new RegExp(`^${LEADS.id}/`)) });
    expect(slack.messages(LEADS.id).length).toBe(before.leads + 1);
    expect(slack.messages(INCIDENT.id).length).toBe(before.incident + 1);
    const ids = (outcome.output.messages as Array<{ delivery_id: string }>).map((m) => m.delivery_id);
    expect(new Set(ids).size).toBe(2);
  });

  test('a 429 is one HTTP request, then a throttled failure carrying Retry-After; the retry posts once', async () => {
    const context = newContext();
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const mark = slack.calls.length;
    const messages = slack.messages(INCIDENT.id).length;
    const failure = await failureOf(notify(live, { message: 'throttled once' }, context));
    expect(failure).toMatchObject({ type: ErrorType.Throttled, nonRetryable: false, nextRetryDelay: 7_000 });
    expect(slack.calls.slice(mark).map((call) => [call.method, call.status])).toEqual([['chat.postMessage', 429]]);
    expect(slack.messages(INCIDENT.id).length).toBe(messages);

    // A 429 is a clear "nothing stored": the retry posts straight away, without searching the history.
    const retryMark = slack.calls.length;
    await expect(notify(live, { message: 'throttled once' }, context)).resolves.toMatchObject({ alreadyDone: false });
    expect(slack.calls.slice(retryMark).map((call) => call.method)).toEqual(['chat.postMessage']);
    expect(slack.messages(INCIDENT.id).length).toBe(messages + 1);
  });

  test('refused tokens are non-retryable auth failures, an unknown channel is NotFound, internal_error is retryable', async () => {
    const wrong = await failureOf(notify(await liveSetup('wrong-token', { token: 'xoxb-not-the-token-999' }), { message: 'x' }, newContext()));
    expect(wrong).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true, message: expect.stringContaining('invalid_auth') });
    expect(String(wrong.message)).not.toContain('xoxb-not-the-token-999');
    for (const error of ['account_inactive', 'not_authed']) {
      slack.failNext('chat.postMessage', { error });
      expect(await failureOf(notify(live, { message: 'x' }, newContext()))).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true });
    }
    expect(await failureOf(notify(live, { to: ['C0NOWHERE1'], message: 'x' }, newContext()))).toMatchObject({
      type: ErrorType.NotFound,
      nonRetryable: true,
      message: expect.stringContaining('channel_not_found'),
    });
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    expect(await failureOf(notify(live, { message: 'x' }, newContext()))).toMatchObject({ type: ErrorType.Unavailable, nonRetryable: false });
  });

  test('posted but the answer was lost (HTTP 500): the retry finds the message by its metadata and posts nothing', async () => {
    const context = newContext();
    slack.failNext('chat.postMessage', { status: 500, afterEffect: true });
    const messages = slack.messages(INCIDENT.id).length;
    expect(await failureOf(notify(live, { message: 'contained' }, context))).toMatchObject({ type: ErrorType.Unavailable, nonRetryable: false });
    expect(slack.messages(INCIDENT.id).length).toBe(messages + 1);
    const stored = slack.messages(INCIDENT.id).at(-1)!;

    const mark = slack.calls.length;
    const retried = await notify(live, { message: 'contained' }, context);
    expect(retried).toMatchObject({ alreadyDone: true, output: { message_id: `${INCIDENT.id}/${stored.ts}` } });
    expect(slack.calls.slice(mark).map((call) => call.method)).toEqual(['conversations.history']);
    expect(slack.calls[mark].params).toMatchObject({ channel: INCIDENT.id, include_all_metadata: 'true' });
    expect(slack.messages(INCIDENT.id).length).toBe(messages + 1);
  });

  test('a failed attempt that never reached Slack is posted on retry after the history shows nothing', async () => {
    const context = newContext();
    slack.failNext('chat.postMessage', { status: 503 });
    const messages = slack.messages(INCIDENT.id).length;
    expect(await failureOf(notify(live, { message: 'second try' }, context))).toMatchObject({ type: ErrorType.Unavailable });
    const mark = slack.calls.length;
    await expect(notify(live, { message: 'second try' }, context)).resolves.toMatchObject({ alreadyDone: false });
    expect(slack.calls.slice(mark).map((call) => call.method)).toEqual(['conversations.history', 'chat.postMessage']);
    expect(slack.messages(INCIDENT.id).length).toBe(messages + 1);
  });

  test('a target named rather than identified cannot be looked up: after a lost answer it is posted again (the documented window)', async () => {
    const context = newContext();
    slack.failNext('chat.postMessage', { status: 500, afterEffect: true });
    const messages = slack.messages(LEADS.id).length;
    await failureOf(notify(live, { to: [`#${LEADS.name}`], message: 'named target' }, context));
    await notify(live, { to: [`#${LEADS.name}`], message: 'named target' }, context);
    expect(slack.messages(LEADS.id).length).toBe(messages + 2);
  });
});

describe('e-mail', () => {
  test('sends one message to every address with a subject naming the incident; a repeat sends nothing', async () => {
    const context = newContext();
    const mark = sink.messages.length;
    const outcome = await notify(live, { channel: 'email', to: ['oncall@example.org', 'legal@example.org'], message: 'Vendor acme cut off.\nDetails in the run.' }, context);
    expect(sink.messages.length).toBe(mark + 1);
    const mail = sink.messages[mark];
    expect(mail.envelope).toEqual({ from: 'quell@example.org', to: ['oncall@example.org', 'legal@example.org'] });
    expect(mail.header('subject')).toBe(`[Quell ${incidentOf(context)}] Vendor acme cut off.`);
    expect(mail.header('x-quell-reference')).toBe(outcome.output.delivery_id);
    expect(mail.header('message-id')).toBe(outcome.output.message_id);
    expect(mail.text).toContain('Vendor acme cut off.\nDetails in the run.');
    expect(mail.text).toContain(`Sent by Quell for run ${context.workflowId} (step tell-responders).`);
    expect(outcome).toMatchObject({ alreadyDone: false, output: { channel: 'email', to: ['oncall@example.org', 'legal@example.org'], delivered: true, rejected: [] } });

    await expect(notify(live, { channel: 'email', to: ['oncall@example.org', 'legal@example.org'], message: 'Vendor acme cut off.\nDetails in the run.' }, context)).resolves.toMatchObject({ alreadyDone: true });
    expect(sink.messages.length).toBe(mark + 1);
  });

  test('e-mail without addresses, or with a group name, is invalid input and sends nothing', async () => {
    const mark = sink.messages.length;
    // No address: the catalogue refuses it before any connector is asked (the activity reports that as invalid input).
    expect(ACTION_CATALOGUE.notify.with.safeParse({ channel: 'email', message: 'x' }).error?.issues).toEqual([expect.objectContaining({ path: ['to'], message: 'channel email needs at least one address in to' })]);
    await expect(live.actions.notify!.perform('notify', { channel: 'email', message: 'x' }, newContext())).rejects.toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true });
    await expect(notify(live, { channel: 'email', to: ['security-leads'], message: 'x' }, newContext())).rejects.toMatchObject({
      type: ErrorType.InvalidInput,
      message: expect.stringContaining('security-leads'),
    });
    expect(sink.messages.length).toBe(mark);
  });
});

describe('what a run needs, and the probes', () => {
  test('Slack by default (reminders have no channel), smtp for e-mail; a missing section is a problem', async () => {
    const needs = (setup: LiveSetup, params: Record<string, unknown>) => setup.actions.notify!.needs('notify', params);
    expect(needs(live, { message: 'reminder' })).toEqual({ connectors: ['slack'], problems: [] });
    expect(needs(live, { channel: 'email', to: ['a@example.org'], message: 'm' })).toEqual({ connectors: ['smtp'], problems: [] });
    expect(needs(live, { channel: 'email', to: ['security-leads'], message: 'm' }).problems).toEqual(['notify by email: "security-leads" is not an email address']);
    const mailOnly = await liveSetup('mail-only', { sections: ['smtp'] });
    expect(needs(mailOnly, { message: 'reminder' })).toEqual({ connectors: [], problems: [expect.stringContaining('needs the `slack:` section')] });
    expect((await liveSetup('nothing', { sections: [] })).actions.notify).toBeUndefined();
  });

  test('slack runs auth.test and reports the workspace and bot; a refused token fails the probe', async () => {
    const mark = slack.calls.length;
    expect(await live.connectors.get('slack')!.check()).toEqual([
      { name: 'auth.test', ok: true, detail: `workspace ${slack.team.name} as ${slack.bot.name} (bot ${slack.bot.botId})` },
    ]);
    expect(slack.calls.slice(mark).map((call) => call.method)).toEqual(['auth.test']);
    const [refused] = await (await liveSetup('probe-wrong-token', { token: 'xoxb-wrong-probe-token' })).connectors.get('slack')!.check();
    expect(refused).toMatchObject({ name: 'auth.test', ok: false, detail: expect.stringContaining('invalid_auth') });
  });
});
