/**
 * vendor.request by e-mail against a real SMTP server in this process (smtp-server, with a
 * required login): the message the vendor's team receives (envelope, headers, a text naming the
 * kind, the details, the references and the due date), the delivery record in the output, a
 * reference that stays the same on every attempt of a step, alreadyDone as for deletion requests
 * (the delivery record makes a repeat send nothing; a worker without it resends the identical
 * message), a `with` asking for `other` without details refused naming the field, and a tabletop
 * run that sends no mail.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import { actionWithSchema } from '../../../connectors/with-schemas';
import type { LiveSetup } from '../../../activities/action-performer';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import { getRunState } from '../../../client/runs';
import { VendorRequestOutput } from '../../../common/action-schemas/vendor';
import { ErrorType } from '../../../common/errors';
import type { RunState } from '../../../common/run-state';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { waitForState } from '../../support/run-driver';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../support/smtp-sink';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const SMTP_USER = 'quell-mailer';
const SMTP_PASSWORD = plantSecret('smtp-password-for-vendor-request-tests', 'smtp password');
const FROM = 'Quell Security <security@example.org>';
const SECURITY = 'security@acme-analytics.example';
const CISO = 'ciso@acme-analytics.example';
const DAY_MS = 86_400_000;
const FINAL = ['completed', 'failed', 'rejected', 'cancelled'];

let sink: SmtpSink;
let work: string;
let live: LiveSetup;
let counter = 0;

async function liveSetup(name: string): Promise<LiveSetup> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'smtp:',
      '  host: 127.0.0.1',
      `  port: ${sink.port}`,
      `  from: "${FROM}"`,
      `  username: ${SMTP_USER}`,
      '  password: { env: VENDOR_REQUEST_SMTP_PASSWORD }',
      'vendors:',
      `  acme: { channel: email, name: Acme Analytics, email: ${SECURITY}, cc: [${CISO}] }`,
      '  globex: { channel: http, name: Globex, url: "http://127.0.0.1:9/v1/requests", hmac_secret: { env: VENDOR_REQUEST_GLOBEX_KEY } }',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(file, { VENDOR_REQUEST_SMTP_PASSWORD: SMTP_PASSWORD, VENDOR_REQUEST_GLOBEX_KEY: 'globex-signing-key' });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, `${name}-data`) });
}

function contextFor(incident: string): ActionContext {
  const workflowId = `quell:vendor-compromise:${incident}`;
  return { workflowId, runId: 'run-1', stepId: 'ask-vendor', mode: 'live', idempotencyKey: `${workflowId}/first-run-1/ask-vendor/perform`, heartbeat: () => {} };
}

/** Validates like the activity does (catalogue schema, registry systems), then performs. */
async function ask(setup: LiveSetup, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
  const validated = actionWithSchema('vendor.request').parse(params) as Record<string, unknown>;
  return setup.actions['vendor.request']!.perform('vendor.request', validated, context);
}

const newIncident = () => `INC-VREQ-MAIL-${(counter += 1)}`;
const failureOf = async (promise: Promise<unknown>) => (await promise.then(() => undefined, (error: unknown) => error)) as Record<string, unknown>;
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const messagesWith = (reference: string): ReceivedMail[] => sink.messages.filter((m) => m.header('x-quell-reference') === reference);

beforeAll(async () => {
  sink = await startSmtpSink({ login: { username: SMTP_USER, password: SMTP_PASSWORD } });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-vendor-request-email-'));
  live = await liveSetup('connectors');
});

afterAll(async () => {
  await sink?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('indicators of compromise requested by e-mail', () => {
  const params = {
    vendor: 'acme',
    kind: 'iocs',
    details: 'Include everything seen against our tenant since 1 December.',
    channel: 'email',
    due_in: '3d',
    incident_reference: 'ACME-ADV-2026-44',
  };
  let incident: string;
  let outcome: ActionOutcome;
  let mail: ReceivedMail;
  let before: number;

  beforeAll(async () => {
    incident = newIncident();
    const mark = sink.messages.length;
    before = Date.now();
    outcome = await ask(live, params, contextFor(incident));
    expect(sink.messages.length).toBe(mark + 1);
    mail = sink.messages[mark];
  });

  test('the output is the delivery record with a QVR reference, the due date and the Message-ID the server received', () => {
    const reference = outcome.output.reference_id as string;
    expect(reference).toMatch(/^QVR-[0-9A-F]{10}$/);
    expect(outcome).toEqual({
      alreadyDone: false,
      output: {
        vendor: 'acme',
        vendor_name: 'Acme Analytics',
        channel: 'email',
        kind: 'iocs',
        incident_reference: 'ACME-ADV-2026-44',
        reference_id: reference,
        due_date: outcome.output.due_date,
        requested_at: outcome.output.requested_at,
        sent_at: expect.any(String),
        sent: true,
        to: SECURITY,
        message_id: mail.header('message-id'),
        verified: { accepted: true, by: 'smtp', response: expect.stringMatching(/^250 /) },
      },
    });
    expect([utcDate(before + 3 * DAY_MS), utcDate(Date.now() + 3 * DAY_MS)]).toContain(outcome.output.due_date);
    expect(VendorRequestOutput.strict().parse(outcome.output)).toEqual(outcome.output);
  });

  test('goes to the vendor\'s address with the configured copy, after logging in, carrying the reference', () => {
    const reference = outcome.output.reference_id as string;
    expect(mail.envelope).toEqual({ from: 'security@example.org', to: [SECURITY, CISO] });
    expect(mail.header('from')).toBe(FROM);
    expect(sink.logins.at(-1)).toEqual({ username: SMTP_USER, accepted: true });
    expect(mail.header('subject')).toBe(`Indicators of compromise request ${reference}: please answer by ${String(outcome.output.due_date)}`);
    expect(mail.header('x-quell-reference')).toBe(reference);
    expect(mail.header('x-quell-run')).toBe(`quell:vendor-compromise:${incident}`);
    expect(mail.header('message-id')).toBe(`<${reference.toLowerCase()}.vendor-request@example.org>`);
  });

  test('the text names what is asked, the kind, the details, both references and the due date, and nothing secret', () => {
    const text = mail.text;
    expect(text).toContain('Dear Acme Analytics team,');
    expect(text).toContain('the indicators of compromise you have identified');
    expect(text).toMatch(new RegExp(`Reference:\\s+${String(outcome.output.reference_id)}`));
    expect(text).toMatch(/Request:\s+iocs/);
    expect(text).toMatch(/Details:\s+Include everything seen against our tenant since 1 December\./);
    expect(text).toMatch(/Incident reference:\s+ACME-ADV-2026-44/);
    expect(text).toMatch(new RegExp(`Incident:\\s+${incident} \\(Quell run quell:vendor-compromise:${incident}\\)`));
    expect(text).toMatch(new RegExp(`Due date:\\s+${String(outcome.output.due_date)} \\(UTC\\)`));
    expect(text).not.toContain(SMTP_PASSWORD);
  });

  test('a second perform with the same idempotency key sends nothing and reports alreadyDone with the same output', async () => {
    const mark = sink.messages.length;
    const again = await ask(live, params, contextFor(incident));
    expect(again).toEqual({ alreadyDone: true, output: outcome.output });
    expect(sink.messages.length).toBe(mark);
  });

  test('another step (another idempotency key) gets another reference', async () => {
    const other = await ask(live, params, contextFor(newIncident()));
    expect(other.alreadyDone).toBe(false);
    expect(other.output.reference_id).not.toBe(outcome.output.reference_id);
  });

  test('a worker without the delivery record sends the identical message again (the documented window)', async () => {
    const mark = sink.messages.length;
    const elsewhere = await ask(await liveSetup('second-worker'), params, contextFor(incident));
    expect(elsewhere.output.reference_id).toBe(outcome.output.reference_id);
    expect(sink.messages.length).toBe(mark + 1);
    expect(sink.messages[mark].header('message-id')).toBe(mail.header('message-id'));
    expect(messagesWith(outcome.output.reference_id as string)).toHaveLength(2);
  });
});

test('kind other asks in the step\'s own words; without due_in it is due in 7 days', async () => {
  const before = Date.now();
  const outcome = await ask(live, { vendor: 'acme', kind: 'other', details: 'Send us the SOC 2 bridge letter covering this quarter.' }, contextFor(newIncident()));
  const [mail] = messagesWith(outcome.output.reference_id as string);
  expect([utcDate(before + 7 * DAY_MS), utcDate(Date.now() + 7 * DAY_MS)]).toContain(outcome.output.due_date);
  expect(mail.header('subject')).toBe(`Information request ${String(outcome.output.reference_id)}: please answer by ${String(outcome.output.due_date)}`);
  expect(mail.text).toContain('  Send us the SOC 2 bridge letter covering this quarter.');
  expect(mail.text).toMatch(/Request:\s+other/);
  expect(mail.text).not.toContain('Details:');
  expect(mail.text).not.toContain('Incident reference:');
});

describe('failures and refusals', () => {
  test('a 451 after DATA is retryable; the retry sends one message with the first attempt\'s reference and due date', async () => {
    const context = contextFor(newIncident());
    sink.failNextData({ code: 451, message: '4.3.0 Temporary local problem, try later' });
    const failure = await failureOf(ask(live, { vendor: 'acme', kind: 'forensic-report', due_in: '10d' }, context));
    expect(failure).toMatchObject({ type: ErrorType.Unavailable, nonRetryable: false });

    const retried = await ask(live, { vendor: 'acme', kind: 'forensic-report', due_in: '10d' }, context);
    expect(retried.alreadyDone).toBe(false);
    expect(messagesWith(retried.output.reference_id as string)).toHaveLength(1);
    const record = fs.readFileSync(path.join(work, 'connectors-data', 'vendor-requests.jsonl'), 'utf8');
    const attempts = record.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { key: string; state: string; details: Record<string, unknown> });
    const first = attempts.find((entry) => entry.key === context.idempotencyKey && entry.state === 'attempted')!;
    expect(first.details).toMatchObject({ reference: retried.output.reference_id, due_date: retried.output.due_date });
  });

  test('kind other without details is refused naming details, before anything is sent', () => {
    const mark = sink.messages.length;
    const refused = actionWithSchema('vendor.request').safeParse({ vendor: 'acme', kind: 'other' });
    expect(refused.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['details', 'kind other needs details saying what is asked']]);
    expect(sink.messages.length).toBe(mark);
  });

  test('an HTTP vendor asked by e-mail is not configured; an e-mail vendor needs its connector and smtp', async () => {
    await expect(ask(live, { vendor: 'globex', kind: 'iocs', channel: 'email' }, contextFor(newIncident()))).rejects.toMatchObject({
      type: ErrorType.NotConfigured,
      message: expect.stringContaining('vendor globex takes requests by http, but the step asks for email'),
    });
    const needs = (params: Record<string, unknown>) => live.actions['vendor.request']!.needs('vendor.request', params);
    expect(needs({ vendor: 'acme', kind: 'iocs', channel: 'email' })).toEqual({ connectors: ['vendor:acme', 'smtp'], problems: [] });
    expect(needs({ kind: 'iocs' })).toEqual({ connectors: ['vendor:acme', 'vendor:globex', 'smtp'], problems: [] });
  });
});

describe('a tabletop run', () => {
  let engine: TestEngine;
  let state: RunState;
  let mark: number;

  beforeAll(async () => {
    // The worker has the live mail route configured: the tabletop must still not use it.
    engine = await startTestEngine('vendor-request-email-tabletop', { live });
    mark = sink.messages.length;
    const file = path.join(work, 'vendor-request-tabletop.yaml');
    fs.writeFileSync(
      file,
      [
        'id: vendor-request-tabletop',
        'version: 1',
        'title: Ask a compromised vendor for indicators',
        'severity: high',
        'steps:',
        '  - id: ask-vendor',
        '    action: vendor.request',
        '    with: { vendor: acme, kind: iocs, channel: email, due_in: 2d }',
        '',
      ].join('\n'),
    );
    const workflowId = await engine.start(file, {}, { mode: 'tabletop' });
    state = await waitForState(() => getRunState(engine.client, workflowId), (s) => FINAL.includes(s.status), 60_000);
  });

  afterAll(async () => {
    await engine?.stop();
  });

  test('says what it would ask under a QVR reference, and sends no mail', () => {
    expect(state.status).toBe('completed');
    const output = state.steps.find((candidate) => candidate.id === 'ask-vendor')!.output!;
    expect(output).toMatchObject({ vendor: 'acme', channel: 'email', kind: 'iocs', sent: true, simulated: true });
    expect(output.reference_id).toMatch(/^QVR-[0-9A-F]{10}$/);
    expect(output.would_do).toEqual([`email: ask acme for indicators of compromise by ${String(output.due_date)} (reference ${String(output.reference_id)})`]);
    expect(sink.messages.length).toBe(mark);
  });
});
