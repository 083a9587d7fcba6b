/**
 * No secret of the AWS, vendor (HTTP and e-mail), SMTP and Slack connectors reaches the workflow
 * history or the worker's logs. One LIVE run through the real engine touches each of them:
 * moto_server with IAM authentication ON (so the AWS secret key really signs every call), a
 * vendor API that verifies HMAC signatures with the shared key on its own, an SMTP server that
 * requires a login, and the fake Slack Web API that checks the bot token. The secrets are random
 * per run and reach the worker only through `{ env }` and `{ file }` references in a connectors
 * file loaded the way the worker loads it (loadLiveSetup).
 *
 * To put the scrubbing on the paths that do land in the history, the vendor's first answer and
 * the SMTP server's first reply to DATA echo a secret back (a misbehaving proxy or relay): the
 * failure messages are recorded in the history and logged, and must carry `[secret]` instead.
 *
 * Logs are captured raw (no redaction, every level): the worker's and connectors' pino logger at
 * trace, the Temporal SDK/Core/workflow logs at debug, and whatever is printed to the console,
 * stdout or stderr during the run. What is checked is that the code never hands a secret to a
 * logger, not that the production logger's masks would catch it. The delivery records on disk and
 * what was sent to the vendor, the mailboxes and Slack are scanned as well.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import pino from 'pino';
import { loadLiveSetup } from '../../../activities/build-deps';
import { loadedSecretValues } from '../../../config/secret';
import { getRunState } from '../../../client/runs';
import type { RunState } from '../../../common/run-state';
import { installTemporalRuntime } from '../../../worker/logger';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api';
import { historyText } from '../../support/history-text';
import { startMoto, type MotoServer } from '../../support/moto';
import { waitForState } from '../../support/run-driver';
import { capturePrinted, leaksIn, missing, secretForms as formsOfEach, type SecretForm } from '../../support/secret-scan';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { startVendorApi, type VendorApi } from '../../support/vendor-api';
import { plantSecret } from '../../support/planted-secrets';
import { teeToRunLog } from '../../support/run-logs';

const RUNBOOK = 'test/fixtures/live/secret-hygiene.yaml';
const FINAL = ['completed', 'failed', 'rejected', 'cancelled'];
const PRINCIPAL = 'hygiene-deploy-bot';
const WORKER_USER = 'quell-worker';
const SUBJECT = 'dana.subject@customer.example';
const NOTIFY_TO = ['oncall@example.org'];
const VENDOR_MAILBOX = 'privacy@acme-analytics.example';
const SMTP_USER = 'quell-mailer';
const CHANNEL = { id: 'C0HYGIENE1', name: 'incident-response' };

// Random per run, so a match can only come from this run's connectors file.
const HMAC_SECRET = plantSecret(`hmac-${randomBytes(24).toString('hex')}`, 'vendor hmac secret');
const SMTP_PASSWORD = plantSecret(`smtp-${randomBytes(18).toString('base64url')}`, 'smtp password');
const SLACK_TOKEN = plantSecret(`xoxb-${randomBytes(6).toString('hex')}-${randomBytes(16).toString('hex')}`, 'slack bot token');

let moto: MotoServer;
let vendor: VendorApi;
let sink: SmtpSink;
let slack: FakeSlackApi;
let work: string;
let dataDir: string;
let engine: TestEngine;
let workflowId: string;
let state: RunState;
/** The worker's own IAM key: moto generated it, so its secret is random too. */
let workerKey: { id: string; secret: string };
let targetKey: string;
let otherTargetKey: string;
/** What moto answered a call signed with the right key id and a wrong secret. */
let wrongSecretError: string;
const logLines: string[] = [];

const capture = teeToRunLog('raw', { write: (line: string) => void logLines.push(line) });
/** Worker and connector logger: everything, unredacted. */
const logger = pino({ level: 'trace' }, capture);
/** Temporal SDK, Core and workflow logs (debug: trace would add Core's wire-level chatter). */
const runtimeLogger = pino({ level: 'debug' }, capture);
/** Whatever is printed past the loggers while the run goes on: console calls, stdout, stderr. */
const printed: string[] = [];

/** IAM on moto as the test sees it; auth must be off for credentials other than the worker's. */
function iamClient(credentials: { accessKeyId: string; secretAccessKey: string }): IAMClient {
  return new IAMClient({ region: moto.region, endpoint: moto.endpoint, credentials, maxAttempts: 1 });
}

/** Moto checks signatures and IAM policies from the `count`-th request on; `inf` turns it off. */
async function setMotoAuth(count: '0' | 'inf'): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: count });
  if (!response.ok) throw new Error(`moto reset-auth failed: HTTP ${response.status}`);
}

/** Seeds IAM while auth is off: the worker's user with full rights, and the user whose key is revoked. */
async function seedIam(): Promise<void> {
  const iam = iamClient({ accessKeyId: moto.env.AWS_ACCESS_KEY_ID, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY });
  try {
    await iam.send(new CreateUserCommand({ UserName: WORKER_USER }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: WORKER_USER,
        PolicyName: 'quell-connectors',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
    const created = (await iam.send(new CreateAccessKeyCommand({ UserName: WORKER_USER }))).AccessKey!;
    workerKey = { id: created.AccessKeyId!, secret: plantSecret(created.SecretAccessKey!, 'aws secret access key of the worker') };
    await iam.send(new CreateUserCommand({ UserName: PRINCIPAL }));
    targetKey = (await iam.send(new CreateAccessKeyCommand({ UserName: PRINCIPAL }))).AccessKey!.AccessKeyId!;
    otherTargetKey = (await iam.send(new CreateAccessKeyCommand({ UserName: PRINCIPAL }))).AccessKey!.AccessKeyId!;
  } finally {
    iam.destroy();
  }
}

/**
 * Writes the connectors file with every secret as a reference (two files beside it, three
 * environment variables) and loads it as the worker does.
 */
async function loadConnectors(): Promise<Awaited<ReturnType<typeof loadLiveSetup>>> {
  const secrets = path.join(work, 'secrets');
  fs.mkdirSync(secrets, { mode: 0o700 });
  fs.writeFileSync(path.join(secrets, 'aws-secret-access-key'), `${workerKey.secret}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(secrets, 'smtp-password'), `${SMTP_PASSWORD}\n`, { mode: 0o600 });
  const file = path.join(work, 'connectors.yaml');
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'aws:',
      `  region: ${moto.region}`,
      `  endpoint: ${moto.endpoint}`,
      '  access_key_id: { env: HYGIENE_AWS_ACCESS_KEY_ID }',
      '  secret_access_key: { file: secrets/aws-secret-access-key }',
      'smtp:',
      `  host: ${sink.host}`,
      `  port: ${sink.port}`,
      '  from: "Quell Security <security@example.org>"',
      `  username: ${SMTP_USER}`,
      '  password: { file: secrets/smtp-password }',
      'slack:',
      '  bot_token: { env: HYGIENE_SLACK_BOT_TOKEN }',
      `  channel: ${CHANNEL.id}`,
      `  api_url: ${slack.apiUrl}`,
      'vendors:',
      `  globex: { channel: http, name: Globex Corp, url: "${vendor.url}", hmac_secret: { env: HYGIENE_GLOBEX_HMAC } }`,
      `  acme: { channel: email, name: Acme Analytics, email: ${VENDOR_MAILBOX} }`,
      '',
    ].join('\n'),
  );
  const text = fs.readFileSync(file, 'utf8');
  for (const secret of [workerKey.secret, SMTP_PASSWORD, SLACK_TOKEN, HMAC_SECRET]) {
    if (text.includes(secret)) throw new Error('the connectors file must hold references, not secrets');
  }
  return await loadLiveSetup({ connectorsFile: file, dataDir }, logger, {
    env: { HYGIENE_AWS_ACCESS_KEY_ID: workerKey.id, HYGIENE_SLACK_BOT_TOKEN: SLACK_TOKEN, HYGIENE_GLOBEX_HMAC: HMAC_SECRET },
  });
}

/**
 * The texts whose presence counts as a leak: every secret as is, URL-encoded and base64-encoded
 * (test/support/secret-scan.ts), the SMTP AUTH PLAIN credentials as sent on the wire, and every
 * value the connectors file loaded.
 */
function secretForms(): SecretForm[] {
  const named: Array<[string, string]> = [
    ['aws secret access key', workerKey.secret],
    ['aws access key id of the worker', workerKey.id],
    ['vendor hmac secret', HMAC_SECRET],
    ['smtp password', SMTP_PASSWORD],
    ['slack bot token', SLACK_TOKEN],
  ];
  const others = loadedSecretValues().filter((value) => !named.some(([, known]) => known === value));
  named.push(...others.map((value, index): [string, string] => [`other loaded secret #${index + 1}`, value]));
  return [...formsOfEach(named), { label: 'smtp AUTH PLAIN', text: Buffer.from(`\0${SMTP_USER}\0${SMTP_PASSWORD}`).toString('base64') }];
}

/** Labels of the secret forms found in `text` (never the values, so a failure does not print them). */
function leaks(text: string): string[] {
  return leaksIn(text, secretForms());
}

const step = (id: string) => state.steps.find((candidate) => candidate.id === id)!;

beforeAll(async () => {
  // Before the engine's worker exists, so the SDK's and the workflow's logs come here too.
  if (!installTemporalRuntime(runtimeLogger)) throw new Error('the Temporal Runtime was installed before this file could capture its logs');
  [moto, vendor, sink, slack] = await Promise.all([
    startMoto(),
    startVendorApi({ secret: HMAC_SECRET }),
    startSmtpSink({ login: { username: SMTP_USER, password: SMTP_PASSWORD } }),
    startFakeSlackApi({ token: SLACK_TOKEN, channels: [CHANNEL] }),
  ]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-secret-hygiene-'));
  dataDir = path.join(work, 'worker-data');
  await seedIam();

  await setMotoAuth('0');
  const stopCapture = capturePrinted(printed);
  console.info('printed-output capture is on');
  try {
    const live = await loadConnectors();
    // First answers that echo a secret: the step fails once (retryable) and the next attempt sends.
    vendor.failNext({ status: 503, body: { error: `upstream refused the request signed with ${HMAC_SECRET}` } });
    sink.failNextData({ code: 451, message: `4.3.0 relay busy (authenticated with ${SMTP_PASSWORD})` });
    engine = await startTestEngine('secret-hygiene', { live, logger });
    workflowId = await engine.start(
      RUNBOOK,
      { principal: PRINCIPAL, access_key_id: targetKey, http_vendor: 'globex', email_vendor: 'acme', subject_person: SUBJECT, notify_to: NOTIFY_TO },
      { mode: 'live', incident: `INC-HYGIENE-${Date.now()}` },
    );
    state = await waitForState(() => getRunState(engine.client, workflowId), (s) => FINAL.includes(s.status), 90_000);

    const forged = iamClient({ accessKeyId: workerKey.id, secretAccessKey: `${workerKey.secret.slice(0, -4)}AAAA` });
    try {
      wrongSecretError = await forged.send(new ListUsersCommand({})).then(() => 'accepted', (error: Error) => error.name);
    } finally {
      forged.destroy();
    }
  } finally {
    stopCapture();
    await setMotoAuth('inf');
  }
});

afterAll(async () => {
  await engine?.stop();
  await Promise.all([moto?.stop(), vendor?.stop(), sink?.stop(), slack?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the live run used every secret', () => {
  test('the run completed and every step acted', () => {
    expect({ status: state.status, failure: state.failure }).toEqual({ status: 'completed', failure: undefined });
    expect(state.mode).toBe('live');
    for (const id of ['revoke-key', 'request-deletion-http', 'request-deletion-email', 'tell-slack', 'tell-email']) {
      expect({ id, status: step(id).status, alreadyDone: step(id).alreadyDone }).toEqual({ id, status: 'succeeded', alreadyDone: false });
    }
  });

  test('AWS: the key is Inactive in moto, which checked every call against the worker key\'s secret', async () => {
    expect(step('revoke-key').output).toMatchObject({ principal: PRINCIPAL, key_ids: [targetKey], key_status: 'Inactive' });
    expect(wrongSecretError).toBe('SignatureDoesNotMatch');
    const iam = iamClient({ accessKeyId: moto.env.AWS_ACCESS_KEY_ID, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY });
    try {
      const keys = (await iam.send(new ListAccessKeysCommand({ UserName: PRINCIPAL }))).AccessKeyMetadata ?? [];
      expect(Object.fromEntries(keys.map((key) => [key.AccessKeyId, key.Status]))).toEqual({ [targetKey]: 'Inactive', [otherTargetKey]: 'Active' });
    } finally {
      iam.destroy();
    }
  });

  test('HTTP vendor: after the echoing 503, the vendor verified the signature made with the shared key', () => {
    const reference = step('request-deletion-http').output!.reference_id as string;
    const attempts = vendor.deletionAttempts((body) => body.reference === reference);
    expect(attempts.map((attempt) => [attempt.status, attempt.outcome])).toEqual([
      [503, 'canned'],
      [201, 'received'],
    ]);
    const accepted = attempts[1];
    const timestamp = String(accepted.headers['x-quell-timestamp']);
    const expected = createHmac('sha256', HMAC_SECRET).update(`${timestamp}.${accepted.rawBody}`).digest('hex');
    expect(accepted.headers['x-quell-signature']).toBe(`sha256=${expected}`);
    expect(vendor.processed.map((entry) => entry.idempotencyKey)).toEqual([reference]);
    expect(accepted.json).toMatchObject({ vendor: 'globex', subject_person: SUBJECT, run: workflowId });
  });

  test('SMTP: every connection logged in with the password; the vendor letter and the notification arrived', () => {
    expect(sink.logins.length).toBeGreaterThanOrEqual(2);
    expect(sink.logins.every((login) => login.username === SMTP_USER && login.accepted)).toBe(true);
    const reference = step('request-deletion-email').output!.reference_id as string;
    const letters = sink.messages.filter((mail) => mail.header('x-quell-reference') === reference);
    expect(letters.map((mail) => mail.envelope.to)).toEqual([[VENDOR_MAILBOX]]);
    const notices = sink.messages.filter((mail) => mail.envelope.to.join() === NOTIFY_TO.join());
    expect(notices).toHaveLength(1);
    expect(notices[0].text).toContain(`Deletion requested under ${String(step('request-deletion-http').output!.reference_id)} and ${reference}`);
    expect(sink.messages).toHaveLength(2);
  });

  test('Slack: chat.postMessage carried the bot token in the Authorization header, not in the body', () => {
    const posts = slack.callsOf('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ status: 200, token: SLACK_TOKEN, params: { channel: CHANNEL.id } });
    // The fake reads the token from `Authorization: Bearer` or from a `token` field: no field, so the header.
    expect(posts[0].params).not.toHaveProperty('token');
    expect(slack.messages(CHANNEL.id).map((message) => message.text)).toEqual([
      expect.stringContaining(`Key ${targetKey} is Inactive; deletion requested under ${String(step('request-deletion-http').output!.reference_id)}`),
    ]);
  });
});

describe('no secret reached the history or the logs', () => {
  test('the scan knows every secret of the connectors file, and finds each in any of its forms', () => {
    // Exactly the five values the connectors file references: nothing else was loaded as a secret.
    const loaded = loadedSecretValues();
    expect(loaded).toHaveLength(5);
    expect(loaded).toEqual(expect.arrayContaining([workerKey.id, workerKey.secret, HMAC_SECRET, SMTP_PASSWORD, SLACK_TOKEN]));
    for (const form of secretForms()) expect({ label: form.label, found: leaks(`…${form.text}…`).includes(form.label) }).toEqual({ label: form.label, found: true });
    expect(leaks(`AUTH PLAIN ${Buffer.from(`\0${SMTP_USER}\0${SMTP_PASSWORD}`).toString('base64')}`)).toContain('smtp AUTH PLAIN');
    expect(leaks(`x-secret: ${Buffer.from(`${SLACK_TOKEN}!`).toString('base64')}`)).toContain('slack bot token (base64)');
  });

  test('the workflow history holds no secret, but the run\'s facts and the scrubbed failures', async () => {
    const history = await historyText(engine.client, workflowId);
    expect(leaks(history)).toEqual([]);
    // The scan read real content: inputs, outputs and the failed attempts' messages are all there.
    expect(
      missing(history, [
        PRINCIPAL,
        targetKey,
        SUBJECT,
        CHANNEL.id,
        String(step('request-deletion-http').output!.reference_id),
        String(step('request-deletion-email').output!.reference_id),
        /vendor:globex: deletion request QDR-[0-9A-F]+: HTTP 503 \(upstream refused the request signed with \[secret\]\)/,
        /smtp: [^"]*451[^"]*\[secret\]/,
      ]),
    ).toEqual([]);
  });

  test('the worker, connector and SDK logs, and anything printed, hold no secret, but the run\'s facts and the scrubbed failures', () => {
    const logs = [...logLines, ...printed].join('');
    expect(leaks(logs)).toEqual([]);
    expect(logLines.length).toBeGreaterThan(10);
    expect(
      missing(logs, [
        PRINCIPAL,
        workflowId,
        'aws-iam: credentials revoked',
        'action finished',
        'action failed',
        'upstream refused the request signed with [secret]',
        /451[^"]*\[secret\]/,
        // A debug line of the Slack client: the lowest levels were captured too.
        "apiCall('chat.postMessage') start",
        'printed-output capture is on',
      ]),
    ).toEqual([]);
  });

  test('nothing the worker keeps on disk (its delivery records) holds a secret', () => {
    const files = fs
      .readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
      .map((name) => path.join(dataDir, name))
      .filter((file) => fs.statSync(file).isFile());
    expect(files.map((file) => path.basename(file)).sort()).toEqual(['notifications-sent.jsonl', 'vendor-deletion-requests.jsonl']);
    const kept = files.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    expect(leaks(kept)).toEqual([]);
    expect(missing(kept, ['request-deletion-http', 'request-deletion-email'].map((id) => String(step(id).output!.reference_id)))).toEqual([]);
  });

  test('what went out to the vendor, the mailboxes and Slack carries no secret either', () => {
    const sent = [
      ...vendor.requests.map((request) => `${JSON.stringify(request.headers)}\n${request.rawBody}`),
      ...sink.messages.map((mail) => mail.raw),
      ...slack.calls.map((call) => JSON.stringify(call.params)),
    ].join('\n');
    expect(leaks(sent)).toEqual([]);
    expect(missing(sent, [SUBJECT, targetKey])).toEqual([]);
  });
});
