/**
 * vendor.request_deletion over a vendor's HTTP API (test/support/vendor-api.ts, which verifies the
 * signature with the shared key on its own): the signed request and what the vendor stores, proof
 * that the vendor's verification refuses tampered, stale and wrongly keyed requests, idempotency
 * on the worker (delivery record) and at the vendor (Idempotency-Key → 409), failure classes, the
 * probe, and LIVE runs: one requests deletion, reminds in Slack while it waits for the vendor's
 * confirmation and then quotes the reference id; one escalates when the confirmation is overdue.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import { deliverEvent, getRunState } from '../../../client/runs';
import { ACTION_CATALOGUE } from '../../../common/actions';
import { ErrorType } from '../../../common/errors';
import type { RunState } from '../../../common/run-state';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api';
import { waitForState } from '../../support/run-driver';
import { startVendorApi, type VendorApi, type VendorApiRequest } from '../../support/vendor-api';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const KEY = plantSecret('globex-shared-hmac-key-for-tests', 'vendor hmac key');
const SLACK_TOKEN = plantSecret('xoxb-vendor-http-test-token-000', 'slack bot token');
const INCIDENT_CHANNEL = 'C0INCIDENT1';
const LEADS_CHANNEL = { id: 'C0LEADS001', name: 'security-leads' };
const DAY_MS = 86_400_000;
const FINAL = ['completed', 'failed', 'rejected', 'cancelled'];

let vendor: VendorApi;
let slack: FakeSlackApi;
let work: string;
let live: LiveSetup;
let counter = 0;

async function liveSetup(name: string, options: { key?: string; url?: string } = {}): Promise<LiveSetup> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'slack:',
      '  bot_token: { env: VENDOR_HTTP_SLACK_TOKEN }',
      `  channel: ${INCIDENT_CHANNEL}`,
      `  api_url: ${slack.apiUrl}`,
      'vendors:',
      `  globex: { channel: http, name: Globex Corp, url: "${options.url ?? vendor.url}", hmac_secret: { env: VENDOR_HTTP_GLOBEX_KEY } }`,
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(file, { VENDOR_HTTP_GLOBEX_KEY: options.key ?? KEY, VENDOR_HTTP_SLACK_TOKEN: SLACK_TOKEN });
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

const newIncident = () => `INC-HTTP-${Date.now()}-${(counter += 1)}`;
const failureOf = async (promise: Promise<unknown>) => (await promise.then(() => undefined, (error: unknown) => error)) as Record<string, unknown>;
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Sends a request to the vendor exactly as recorded, with some parts replaced. */
async function replay(recorded: VendorApiRequest, change: { body?: string; headers?: Record<string, string> } = {}): Promise<number> {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'idempotency-key', 'x-quell-timestamp', 'x-quell-signature']) headers[name] = String(recorded.headers[name]);
  const response = await fetch(vendor.url, { method: 'POST', headers: { ...headers, ...change.headers }, body: change.body ?? recorded.rawBody });
  await response.arrayBuffer();
  return response.status;
}

/** Signs like the documented scheme, with the test's own HMAC code. */
function signed(body: string, unixSeconds: number, key = KEY): Record<string, string> {
  return { 'x-quell-timestamp': String(unixSeconds), 'x-quell-signature': `sha256=${createHmac('sha256', key).update(`${unixSeconds}.${body}`).digest('hex')}` };
}

beforeAll(async () => {
  [vendor, slack] = await Promise.all([
    startVendorApi({ secret: KEY }),
    startFakeSlackApi({ token: SLACK_TOKEN, channels: [{ id: INCIDENT_CHANNEL, name: 'incident-response' }, LEADS_CHANNEL] }),
  ]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-vendor-http-'));
  live = await liveSetup('connectors');
});

afterAll(async () => {
  await Promise.all([vendor?.stop(), slack?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the signed deletion request', () => {
  const params = {
    vendor: 'globex',
    channel: 'http',
    data_categories: ['customer contact data', 'billing records'],
    legal_basis: 'GDPR Art. 28(3)(g)',
    due_in: '10d',
    subject_person: 'bob@customer.example',
  };
  let incident: string;
  let outcome: ActionOutcome;
  let request: VendorApiRequest;
  let before: number;

  beforeAll(async () => {
    incident = newIncident();
    before = Date.now();
    outcome = await requestDeletion(live, params, contextFor(incident));
    const attempts = vendor.deletionAttempts((body) => body.incident === incident);
    expect(attempts).toHaveLength(1);
    request = attempts[0];
  });

  test('the vendor verified the signature and stored the request once, under the reference as Idempotency-Key', () => {
    const reference = outcome.output.reference_id as string;
    expect(reference).toMatch(/^QDR-[0-9A-F]{10}$/);
    expect(request).toMatchObject({ status: 201, outcome: 'received' });
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'idempotency-key': reference });
    expect(request.headers['x-quell-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const timestamp = Number(request.headers['x-quell-timestamp']);
    expect(timestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(timestamp).toBeLessThanOrEqual(Math.ceil(request.at / 1000));
    expect(vendor.processed.filter((entry) => entry.idempotencyKey === reference)).toHaveLength(1);
  });

  test('the body carries every fact of the request', () => {
    expect(request.json).toEqual({
      type: 'data_deletion_request',
      version: 1,
      reference: outcome.output.reference_id,
      vendor: 'globex',
      data_categories: ['customer contact data', 'billing records'],
      all_data: false,
      legal_basis: 'GDPR Art. 28(3)(g)',
      subject_person: 'bob@customer.example',
      incident,
      run: `quell:vendor-breach:${incident}`,
      due_date: outcome.output.due_date,
      requested_at: outcome.output.requested_at,
      confirm: expect.stringContaining('quoting the reference'),
    });
    expect([utcDate(before + 10 * DAY_MS), utcDate(Date.now() + 10 * DAY_MS)]).toContain(outcome.output.due_date);
  });

  test('the output names the reference, the vendor\'s receipt and the accepted response', () => {
    const receipt = vendor.processed.find((entry) => entry.idempotencyKey === outcome.output.reference_id)!.receipt;
    expect(outcome).toEqual({
      alreadyDone: false,
      output: {
        vendor: 'globex',
        vendor_name: 'Globex Corp',
        channel: 'http',
        reference_id: outcome.output.reference_id,
        due_date: outcome.output.due_date,
        requested_at: outcome.output.requested_at,
        sent_at: expect.any(String),
        sent: true,
        url: vendor.url,
        response_status: 201,
        vendor_receipt: receipt,
        verified: { accepted: true, by: 'http', response: 'HTTP 201' },
      },
    });
  });

  test('the vendor refuses the same request with one byte of the body changed (401), but knows the original (409)', async () => {
    const tampered = request.rawBody.replace(String(outcome.output.due_date), '2099-12-31');
    expect(tampered).not.toBe(request.rawBody);
    expect(await replay(request, { body: tampered })).toBe(401);
    expect(vendor.requests.at(-1)).toMatchObject({ outcome: 'bad-signature' });
    expect(await replay(request)).toBe(409);
    expect(vendor.processed.filter((entry) => entry.idempotencyKey === outcome.output.reference_id)).toHaveLength(1);
  });

  test('the vendor refuses a correctly signed body with a stale timestamp, or signed with another key', async () => {
    const body = JSON.stringify({ ...request.json, reference: 'QDR-0000000001' });
    const now = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'QDR-0000000001' };
    expect(await replay(request, { body, headers: { ...headers, ...signed(body, now - 600) } })).toBe(401);
    expect(await replay(request, { body, headers: { ...headers, ...signed(body, now, 'some-other-key') } })).toBe(401);
    expect(await replay(request, { body, headers: { ...headers, ...signed(body, now) } })).toBe(201);
  });

  test('a repeat with the same key sends nothing; a worker without the record is told 409 and reports alreadyDone', async () => {
    const requestsBefore = vendor.requests.length;
    const again = await requestDeletion(live, params, contextFor(incident));
    expect(again).toEqual({ ...outcome, alreadyDone: true });
    expect(vendor.requests.length).toBe(requestsBefore);

    const elsewhere = await requestDeletion(await liveSetup('second-worker'), params, contextFor(incident));
    expect(elsewhere.alreadyDone).toBe(true);
    expect(elsewhere.output).toMatchObject({ reference_id: outcome.output.reference_id, response_status: 409, vendor_receipt: outcome.output.vendor_receipt });
    expect(vendor.requests.slice(requestsBefore).map((r) => [r.headers['idempotency-key'], r.status])).toEqual([[outcome.output.reference_id, 409]]);
    expect(vendor.processed.filter((entry) => entry.idempotencyKey === outcome.output.reference_id)).toHaveLength(1);
  });
});

describe('failure classes of a single attempt', () => {
  test('a wrong key is a non-retryable auth failure naming the vendor; nothing is stored', async () => {
    const incident = newIncident();
    const failure = await failureOf(requestDeletion(await liveSetup('wrong-key', { key: 'not-the-shared-key' }), { vendor: 'globex' }, contextFor(incident)));
    expect(failure).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true, message: expect.stringContaining('vendor:globex') });
    expect(String(failure.message)).toContain('invalid_signature');
    expect(String(failure.message)).not.toContain('not-the-shared-key');
    expect(vendor.processed.some((entry) => entry.body.incident === incident)).toBe(false);
  });

  test('a 503 is retryable, a 429 carries its Retry-After, a wrong path is NotFound', async () => {
    vendor.failNext({ status: 503, body: { error: 'maintenance' } });
    expect(await failureOf(requestDeletion(live, { vendor: 'globex' }, contextFor(newIncident())))).toMatchObject({ type: ErrorType.Unavailable, nonRetryable: false });
    vendor.failNext({ status: 429, headers: { 'retry-after': '42' } });
    expect(await failureOf(requestDeletion(live, { vendor: 'globex' }, contextFor(newIncident())))).toMatchObject({ type: ErrorType.Throttled, nextRetryDelay: 42_000 });
    const wrongPath = await liveSetup('wrong-path', { url: `${vendor.origin}/v2/no-such-endpoint` });
    expect(await failureOf(requestDeletion(wrongPath, { vendor: 'globex' }, contextFor(newIncident())))).toMatchObject({ type: ErrorType.NotFound, nonRetryable: true });
  });
});

describe('what a run needs, and the probe', () => {
  test('an HTTP vendor needs only its own connector', () => {
    expect(live.actions['vendor.request_deletion']!.needs('vendor.request_deletion', { vendor: 'globex', channel: 'http' })).toEqual({ connectors: ['vendor:globex'], problems: [] });
  });

  test('the probe reaches the origin without creating a request, and fails while the vendor refuses connections', async () => {
    const connector = live.connectors.get('vendor:globex')!;
    expect(connector.description).toBe(`Globex Corp: deletion requests by signed HTTP POST to ${vendor.url}`);
    const stored = vendor.processed.length;
    expect(await connector.check()).toEqual([{ name: 'reachable', ok: true, detail: `${vendor.origin} answered HTTP 200` }]);
    expect(vendor.requests.at(-1)).toMatchObject({ method: 'HEAD', path: '/', outcome: 'probe' });
    await vendor.down();
    try {
      expect(await connector.check()).toEqual([{ name: 'reachable', ok: false, detail: `cannot reach ${vendor.origin} (ECONNREFUSED)` }]);
    } finally {
      await vendor.up();
    }
    expect(vendor.processed.length).toBe(stored);
  });
});

describe('a live run: request, reminders in Slack while waiting, confirmation', () => {
  let engine: TestEngine;
  let state: RunState;
  let incident: string;
  let remindersSeen: number;

  beforeAll(async () => {
    engine = await startTestEngine('vendor-http-live', { live });
    incident = newIncident();
    const workflowId = await engine.start('test/fixtures/live/vendor-deletion-flow.yaml', { vendor: 'globex', subject_person: 'carol@customer.example' }, { mode: 'live', incident });
    const reminders = () => slack.messages(INCIDENT_CHANNEL).filter((m) => m.text?.includes(workflowId) && m.text.includes('still waiting for "vendor-deletion-confirmed"'));
    await waitForState(() => getRunState(engine.client, workflowId), () => reminders().length >= 2, 60_000);
    remindersSeen = reminders().length;
    await deliverEvent(engine.client, workflowId, { event: 'vendor-deletion-confirmed', actor: 'vendor-owner', via: 'api' });
    state = await waitForState(() => getRunState(engine.client, workflowId), (s) => FINAL.includes(s.status), 60_000);
  });

  afterAll(async () => {
    await engine?.stop();
  });

  const step = (id: string) => state.steps.find((candidate) => candidate.id === id)!;

  test('the run completes; the vendor stored exactly one request, the one the step reports', () => {
    expect({ status: state.status, failure: state.failure }).toEqual({ status: 'completed', failure: undefined });
    const requested = step('request-deletion');
    expect(requested).toMatchObject({ status: 'succeeded', alreadyDone: false, output: { channel: 'http', vendor: 'globex', response_status: 201 } });
    const stored = vendor.processed.filter((entry) => entry.body.incident === incident);
    expect(stored.map((entry) => entry.idempotencyKey)).toEqual([requested.output!.reference_id]);
    expect(stored[0].body).toMatchObject({ subject_person: 'carol@customer.example', data_categories: ['customer contact data', 'API logs'] });
  });

  test('each reminder was posted once to the configured channel, tagged with its own delivery id', () => {
    expect(step('await-deletion').wait?.remindersSent).toBeGreaterThanOrEqual(remindersSeen);
    const mine = slack.messages(INCIDENT_CHANNEL).filter((m) => m.text?.startsWith(`[${incident}] Reminder:`));
    expect(mine).toHaveLength(step('await-deletion').wait!.remindersSent);
    const ids = mine.map((m) => m.metadata?.event_payload?.delivery_id);
    expect(new Set(ids).size).toBe(mine.length);
    for (const message of mine) expect(message.metadata).toMatchObject({ event_type: 'quell_notification', event_payload: { step_id: 'await-deletion' } });
  });

  test('the closing notification quotes the reference id of the request', () => {
    const reference = step('request-deletion').output!.reference_id as string;
    const closing = step('tell-stakeholders');
    expect(closing).toMatchObject({ status: 'succeeded', output: { channel: 'slack', to: [INCIDENT_CHANNEL], delivered: true } });
    const [channel, ts] = String(closing.output!.message_id).split('/');
    const posted = slack.messages(channel).find((m) => m.ts === ts);
    expect(posted?.text).toBe(`[${incident}] globex confirmed deletion under ${reference}`);
  });
});

describe('a live run whose confirmation is overdue escalates in Slack', () => {
  let engine: TestEngine;
  let state: RunState;
  let incident: string;

  beforeAll(async () => {
    engine = await startTestEngine('vendor-http-overdue', { live });
    incident = newIncident();
    const workflowId = await engine.start('test/fixtures/live/vendor-deletion-overdue.yaml', { vendor: 'globex' }, { mode: 'live', incident });
    state = await waitForState(() => getRunState(engine.client, workflowId), (s) => FINAL.includes(s.status), 60_000);
  });

  afterAll(async () => {
    await engine?.stop();
  });

  test('the wait fails on its timeout after reminders, and the escalation quotes reference and due date', () => {
    const step = (id: string) => state.steps.find((candidate) => candidate.id === id)!;
    expect(state.status).toBe('completed');
    expect(step('await-deletion')).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('no "vendor-deletion-confirmed" event within 3s') } });
    expect(step('await-deletion').wait!.remindersSent).toBeGreaterThanOrEqual(1);
    const { reference_id: reference, due_date: dueDate } = step('request-deletion').output!;
    expect(step('escalate-overdue-deletion')).toMatchObject({ status: 'succeeded', output: { to: ['#security-leads'] } });
    expect(slack.messages(LEADS_CHANNEL.id).map((m) => m.text)).toContain(
      `[${incident}] globex has not confirmed deletion under ${String(reference)} (due ${String(dueDate)})`,
    );
  });
});
