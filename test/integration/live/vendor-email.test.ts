/**
 * vendor.request_deletion by e-mail against a real SMTP server in this process (smtp-server, with
 * a required login): the message the vendor's privacy team receives (envelope, headers, the
 * templated text), the reference id derived from the idempotency key, the delivery record that
 * makes a repeat send nothing, how SMTP failures are classified, and the connectors' probes.
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
import { freePort } from '../../support/server-process';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../support/smtp-sink';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const SMTP_USER = 'quell-mailer';
const SMTP_PASSWORD = plantSecret('smtp-password-for-quell-tests', 'smtp password');
const FROM = 'Quell Security <security@example.org>';
const PRIVACY = 'privacy@acme-analytics.example';
const DPO = 'dpo@acme-analytics.example';
const DAY_MS = 86_400_000;

let sink: SmtpSink;
let work: string;
let live: LiveSetup;
let counter = 0;

async function liveSetup(name: string, options: { port?: number; password?: string } = {}): Promise<LiveSetup> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'smtp:',
      '  host: 127.0.0.1',
      `  port: ${options.port ?? sink.port}`,
      `  from: "${FROM}"`,
      `  username: ${SMTP_USER}`,
      '  password: { env: VENDOR_EMAIL_SMTP_PASSWORD }',
      'vendors:',
      `  acme: { channel: email, name: Acme Analytics, email: ${PRIVACY}, cc: [${DPO}] }`,
      '  bounce: { channel: email, name: Bounce Ltd, email: nobody@bounce.example }',
      '  globex: { channel: http, name: Globex, url: "http://127.0.0.1:9/v1/deletion-requests", hmac_secret: { env: VENDOR_EMAIL_GLOBEX_KEY } }',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(file, { VENDOR_EMAIL_SMTP_PASSWORD: options.password ?? SMTP_PASSWORD, VENDOR_EMAIL_GLOBEX_KEY: 'globex-signing-key' });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, `${name}-data`) });
}

function contextFor(incident: string): ActionContext {
  const workflowId = `quell:vendor-breach:${incident}`;
  return { workflowId, runId: 'run-1', stepId: 'request-deletion', mode: 'live', idempotencyKey: `${workflowId}/first-run-1/request-deletion/perform`, heartbeat: () => {} };
}

async function requestDeletion(setup: LiveSetup, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
  const validated = ACTION_CATALOGUE['vendor.request_deletion'].with.parse(params) as Record<string, unknown>;
  return setup.actions['vendor.request_deletion']!.perform('vendor.request_deletion', validated, context);
}

const newIncident = () => `INC-MAIL-${(counter += 1)}`;
const failureOf = async (promise: Promise<unknown>) => (await promise.then(() => undefined, (error: unknown) => error)) as Record<string, unknown>;
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const messagesWith = (reference: string): ReceivedMail[] => sink.messages.filter((m) => m.header('x-quell-reference') === reference);

beforeAll(async () => {
  sink = await startSmtpSink({ login: { username: SMTP_USER, password: SMTP_PASSWORD } });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-vendor-email-'));
  live = await liveSetup('connectors');
});

afterAll(async () => {
  await sink?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the deletion request e-mail', () => {
  const params = {
    vendor: 'acme',
    channel: 'email',
    data_categories: ['customer contact data', 'API access logs'],
    legal_basis: 'GDPR Art. 17 and clause 12 of the data processing agreement',
    due_in: '14d',
    subject_person: 'alice.example@customer.example',
  };
  let incident: string;
  let outcome: ActionOutcome;
  let mail: ReceivedMail;
  let before: number;
  let after: number;

  beforeAll(async () => {
    incident = newIncident();
    const mark = sink.messages.length;
    before = Date.now();
    outcome = await requestDeletion(live, params, contextFor(incident));
    after = Date.now();
    expect(sink.messages.length).toBe(mark + 1);
    mail = sink.messages[mark];
  });

  test('is reported sent with a QDR reference, the due date and the Message-ID the server received', () => {
    const reference = outcome.output.reference_id as string;
    expect(reference).toMatch(/^QDR-[0-9A-F]{10}$/);
    expect(outcome).toMatchObject({
      alreadyDone: false,
      output: { vendor: 'acme', vendor_name: 'Acme Analytics', channel: 'email', to: PRIVACY, sent: true, verified: { accepted: true, by: 'smtp' } },
    });
    expect([utcDate(before + 14 * DAY_MS), utcDate(after + 14 * DAY_MS)]).toContain(outcome.output.due_date);
    expect(String((outcome.output.verified as Record<string, unknown>).response)).toMatch(/^250 /);
    expect(outcome.output.message_id).toBe(mail.header('message-id'));
    expect(Date.parse(outcome.output.sent_at as string)).toBeGreaterThanOrEqual(before);
  });

  test('goes to the privacy address with the configured copy, from the configured sender, after logging in', () => {
    expect(mail.envelope).toEqual({ from: 'security@example.org', to: [PRIVACY, DPO] });
    expect(mail.header('from')).toBe(FROM);
    expect(mail.header('to')).toBe(PRIVACY);
    expect(mail.header('cc')).toBe(DPO);
    expect(sink.logins.at(-1)).toEqual({ username: SMTP_USER, accepted: true });
  });

  test('carries the reference in the subject, X-Quell-Reference and a Message-ID derived from it', () => {
    const reference = outcome.output.reference_id as string;
    expect(mail.header('subject')).toBe(`Data deletion request ${reference}: please confirm by ${String(outcome.output.due_date)}`);
    expect(mail.header('x-quell-reference')).toBe(reference);
    expect(mail.header('x-quell-run')).toBe(`quell:vendor-breach:${incident}`);
    expect(mail.header('message-id')).toBe(`<${reference.toLowerCase()}.deletion-request@example.org>`);
  });

  test('states the categories, the legal basis, the data subject, the incident and the due date', () => {
    const text = mail.text;
    expect(text).toContain('Dear Acme Analytics privacy team,');
    expect(text).toMatch(new RegExp(`Reference:\\s+${String(outcome.output.reference_id)}`));
    expect(text).toMatch(/Data categories:\s+customer contact data; API access logs/);
    expect(text).toMatch(/Data subject:\s+alice\.example@customer\.example/);
    expect(text).toMatch(/Legal basis:\s+GDPR Art\. 17 and clause 12 of the data processing agreement/);
    expect(text).toMatch(new RegExp(`Incident:\\s+${incident} \\(Quell run quell:vendor-breach:${incident}\\)`));
    expect(text).toMatch(new RegExp(`Due date:\\s+${String(outcome.output.due_date)} \\(UTC\\)`));
    expect(text).toContain(`confirm in writing by ${String(outcome.output.due_date)}`);
    expect(text).not.toContain(SMTP_PASSWORD);
  });

  test('a second perform with the same idempotency key sends nothing and reports alreadyDone with the same output', async () => {
    const mark = sink.messages.length;
    const again = await requestDeletion(live, params, contextFor(incident));
    expect(again.alreadyDone).toBe(true);
    expect(again.output).toEqual(outcome.output);
    expect(sink.messages.length).toBe(mark);
  });

  test('another step (another idempotency key) gets another reference', async () => {
    const other = await requestDeletion(live, params, contextFor(newIncident()));
    expect(other.alreadyDone).toBe(false);
    expect(other.output.reference_id).not.toBe(outcome.output.reference_id);
  });

  test('a worker without the delivery record sends the identical message again (the documented window)', async () => {
    const mark = sink.messages.length;
    const elsewhere = await requestDeletion(await liveSetup('second-worker'), params, contextFor(incident));
    expect(elsewhere.output.reference_id).toBe(outcome.output.reference_id);
    expect(sink.messages.length).toBe(mark + 1);
    expect(sink.messages[mark].header('message-id')).toBe(mail.header('message-id'));
    expect(messagesWith(outcome.output.reference_id as string)).toHaveLength(2);
  });
});

test('without categories, legal basis or due_in the request covers all data, cites the DPA and is due in 30 days', async () => {
  const before = Date.now();
  const outcome = await requestDeletion(live, { vendor: 'acme' }, contextFor(newIncident()));
  const [mail] = messagesWith(outcome.output.reference_id as string);
  expect([utcDate(before + 30 * DAY_MS), utcDate(Date.now() + 30 * DAY_MS)]).toContain(outcome.output.due_date);
  expect(mail.text).toMatch(/Data categories:\s+all personal data you process on our behalf/);
  expect(mail.text).toMatch(/Legal basis:\s+our data processing agreement .* GDPR Art\. 28\(3\)\(g\)/);
  expect(mail.text).not.toContain('Data subject:');
});

describe('failures', () => {
  test('a 451 after DATA is retryable; the retry sends one message with the first attempt\'s reference and due date', async () => {
    const context = contextFor(newIncident());
    sink.failNextData({ code: 451, message: '4.3.0 Temporary local problem, try later' });
    const failure = await failureOf(requestDeletion(live, { vendor: 'acme', due_in: '7d' }, context));
    expect(failure).toMatchObject({ type: ErrorType.Unavailable, nonRetryable: false });
    expect(String(failure.message)).toContain('451');

    const retried = await requestDeletion(live, { vendor: 'acme', due_in: '7d' }, context);
    expect(retried.alreadyDone).toBe(false);
    expect(messagesWith(retried.output.reference_id as string)).toHaveLength(1);
    const record = fs.readFileSync(path.join(work, 'connectors-data', 'vendor-deletion-requests.jsonl'), 'utf8');
    const attempts = record.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { key: string; state: string; details: Record<string, unknown> });
    const first = attempts.find((entry) => entry.key === context.idempotencyKey && entry.state === 'attempted')!;
    expect(first.details).toMatchObject({ reference: retried.output.reference_id, due_date: retried.output.due_date });
  });

  test('a refused login is a non-retryable auth failure and nothing is sent', async () => {
    const mark = sink.messages.length;
    const wrong = await liveSetup('wrong-password', { password: 'not-the-password' });
    const failure = await failureOf(requestDeletion(wrong, { vendor: 'acme' }, contextFor(newIncident())));
    expect(failure).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true });
    expect(String(failure.message)).toContain('535');
    expect(String(failure.message)).not.toContain('not-the-password');
    expect(sink.logins.at(-1)).toEqual({ username: SMTP_USER, accepted: false });
    expect(sink.messages.length).toBe(mark);
  });

  test('a refused privacy address (550) is NotFound, not retried', async () => {
    sink.refuseRecipient('nobody@bounce.example');
    const failure = await failureOf(requestDeletion(live, { vendor: 'bounce' }, contextFor(newIncident())));
    expect(failure).toMatchObject({ type: ErrorType.NotFound, nonRetryable: true });
    expect(String(failure.message)).toContain('nobody@bounce.example');
  });

  test('an SMTP server that refuses connections is Unavailable (retryable)', async () => {
    const closed = await liveSetup('closed-port', { port: await freePort() });
    const failure = await failureOf(requestDeletion(closed, { vendor: 'acme' }, contextFor(newIncident())));
    expect(failure).toMatchObject({ type: ErrorType.Unavailable, nonRetryable: false });
    expect(String(failure.message)).toContain('ECONNREFUSED');
  });

  test('a vendor missing from the connectors file, or asked on the wrong channel, is not configured', async () => {
    await expect(requestDeletion(live, { vendor: 'initech' }, contextFor(newIncident()))).rejects.toMatchObject({
      type: ErrorType.NotConfigured,
      message: expect.stringContaining('vendor initech is not in the connectors file'),
    });
    await expect(requestDeletion(live, { vendor: 'globex', channel: 'email' }, contextFor(newIncident()))).rejects.toMatchObject({
      type: ErrorType.NotConfigured,
      message: expect.stringContaining('takes deletion requests by http'),
    });
  });
});

describe('what a run needs, and the probes', () => {
  const needs = (params: Record<string, unknown>) => live.actions['vendor.request_deletion']!.needs('vendor.request_deletion', params);

  test('an e-mail vendor needs its connector and smtp; an unknown vendor, a wrong channel or a bad due_in are problems', () => {
    expect(needs({ vendor: 'acme', channel: 'email' })).toEqual({ connectors: ['vendor:acme', 'smtp'], problems: [] });
    expect(needs({ vendor: 'globex' })).toEqual({ connectors: ['vendor:globex'], problems: [] });
    expect(needs({ vendor: 'initech' }).problems).toEqual(['vendor initech is not in the connectors file (vendors: acme, bounce, globex)']);
    expect(needs({ vendor: 'globex', channel: 'email' }).problems).toEqual(['vendor globex takes deletion requests by http, but the step asks for email']);
    expect(needs({ vendor: 'acme', due_in: 'soon' }).problems[0]).toMatch(/^due_in: "soon" is not a duration/);
  });

  test('a vendor chosen during the run may be any configured one', () => {
    expect(needs({})).toEqual({ connectors: ['vendor:acme', 'vendor:bounce', 'vendor:globex', 'smtp'], problems: [] });
  });

  test('smtp passes connect + EHLO + login, fails on a refused login and on a closed port; vendor:acme names its route', async () => {
    expect(await live.connectors.get('smtp')!.check()).toEqual([{ name: 'connect and EHLO', ok: true, detail: `127.0.0.1:${sink.port} answered and accepted the login` }]);
    const [refused] = await (await liveSetup('probe-wrong-password', { password: 'still-wrong' })).connectors.get('smtp')!.check();
    expect(refused).toMatchObject({ ok: false, detail: expect.stringContaining('refused the login') });
    const [closed] = await (await liveSetup('probe-closed', { port: await freePort() })).connectors.get('smtp')!.check();
    expect(closed).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
    expect(await live.connectors.get('vendor:acme')!.check()).toEqual([{ name: 'mail route', ok: true, detail: `sent through connector smtp to ${PRIVACY}` }]);
    expect(live.connectors.get('vendor:acme')!.description).toBe(`Acme Analytics: deletion requests by e-mail to ${PRIVACY} (cc ${DPO})`);
  });
});
