/**
 * vendor.request over a vendor's HTTP API (test/support/vendor-api.ts, which verifies the
 * signature with the shared key on its own): the signed document and what the vendor stores,
 * the delivery record in the output, a reference that stays the same on every attempt of a step
 * (a failed attempt's retry, a repeat, another worker) and changes with the step, alreadyDone as
 * for deletion requests (delivery record on the worker, 409 at the vendor), a `with` that asks
 * for `other` without details refused by the catalogue, the linter and a live run, and a
 * tabletop run that sends the vendor nothing.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildLiveSetup } from '../../../activities/live-setup';
import { configuredNeeds } from '../../../activities/configured-needs';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import { actionWithSchema } from '../../../connectors/with-schemas';
import type { LiveSetup } from '../../../activities/action-performer';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import { getRunState } from '../../../client/runs';
import { ACTION_CATALOGUE } from '../../../common/actions';
import { VendorRequestOutput } from '../../../common/action-schemas/vendor';
import { ErrorType } from '../../../common/errors';
import type { RunState } from '../../../common/run-state';
import { formatRunbookError, loadRunbookFile } from '../../../runbooks/load';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { waitForState } from '../../support/run-driver';
import { startVendorApi, type VendorApi, type VendorApiRequest } from '../../support/vendor-api';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const KEY = plantSecret('globex-request-hmac-key-for-tests', 'vendor hmac key');
const HOUR_MS = 3_600_000;
const FINAL = ['completed', 'failed', 'rejected', 'cancelled'];

let vendor: VendorApi;
let work: string;
let live: LiveSetup;
let counter = 0;

async function liveSetup(name: string): Promise<LiveSetup> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    ['version: 1', 'vendors:', `  globex: { channel: http, name: Globex Corp, url: "${vendor.url}", hmac_secret: { env: VENDOR_REQUEST_GLOBEX_KEY } }`, ''].join('\n'),
  );
  const loaded = loadConnectorsFile(file, { VENDOR_REQUEST_GLOBEX_KEY: KEY });
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

/** A runbook with one vendor.request step whose `with` is `withLines` (YAML, indented six spaces). */
function runbookFile(name: string, withLines: string[]): string {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      `id: ${name}`,
      'version: 1',
      'title: Ask a compromised vendor for evidence',
      'severity: high',
      'inputs:',
      '  vendor: { type: string, required: true, description: Vendor id in the connectors file }',
      '  kind: { type: string, required: true, description: What to ask for }',
      'steps:',
      '  - id: ask-vendor',
      '    action: vendor.request',
      '    with:',
      ...withLines.map((line) => `      ${line}`),
      '',
    ].join('\n'),
  );
  return file;
}

const newIncident = () => `INC-VREQ-HTTP-${Date.now()}-${(counter += 1)}`;
const failureOf = async (promise: Promise<unknown>) => (await promise.then(() => undefined, (error: unknown) => error)) as Record<string, unknown>;
const attemptsFor = (incident: string) => vendor.deletionAttempts((body) => body.incident === incident);

beforeAll(async () => {
  vendor = await startVendorApi({ secret: KEY });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-vendor-request-http-'));
  live = await liveSetup('connectors');
});

afterAll(async () => {
  await vendor?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('a forensic report requested over signed HTTP', () => {
  const params = {
    vendor: 'globex',
    kind: 'forensic-report',
    details: 'Cover the SSO integration used by our tenant.',
    channel: 'http',
    due_in: '72h',
    incident_reference: 'GLX-SEC-2026-017',
  };
  let incident: string;
  let outcome: ActionOutcome;
  let request: VendorApiRequest;
  let before: number;

  beforeAll(async () => {
    incident = newIncident();
    before = Date.now();
    outcome = await ask(live, params, contextFor(incident));
    const attempts = attemptsFor(incident);
    expect(attempts).toHaveLength(1);
    request = attempts[0];
  });

  test('the vendor verified the signature and stored the request once, under the reference as Idempotency-Key', () => {
    const reference = outcome.output.reference_id as string;
    expect(reference).toMatch(/^QVR-[0-9A-F]{10}$/);
    expect(request).toMatchObject({ status: 201, outcome: 'received' });
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'idempotency-key': reference });
    // Checked here too, with the test's own HMAC over the bytes the vendor received.
    const timestamp = String(request.headers['x-quell-timestamp']);
    expect(request.headers['x-quell-signature']).toBe(`sha256=${createHmac('sha256', KEY).update(`${timestamp}.${request.rawBody}`).digest('hex')}`);
    expect(vendor.processed.filter((entry) => entry.idempotencyKey === reference)).toHaveLength(1);
  });

  test('the document names the kind, what is asked, the details, the references and the due date, and nothing secret', () => {
    expect(request.json).toEqual({
      type: 'vendor_request',
      version: 1,
      reference: outcome.output.reference_id,
      vendor: 'globex',
      kind: 'forensic-report',
      asked: expect.stringContaining('forensic report on the incident'),
      details: 'Cover the SSO integration used by our tenant.',
      incident_reference: 'GLX-SEC-2026-017',
      incident,
      run: `quell:vendor-compromise:${incident}`,
      due_date: outcome.output.due_date,
      requested_at: outcome.output.requested_at,
      reply: expect.stringContaining('quoting the reference'),
    });
    expect([new Date(before + 72 * HOUR_MS), new Date(Date.now() + 72 * HOUR_MS)].map((d) => d.toISOString().slice(0, 10))).toContain(outcome.output.due_date);
    expect(request.rawBody).not.toContain(KEY);
  });

  test('the output is the delivery record, as the catalogue describes it', () => {
    const receipt = vendor.processed.find((entry) => entry.idempotencyKey === outcome.output.reference_id)!.receipt;
    expect(outcome).toEqual({
      alreadyDone: false,
      output: {
        vendor: 'globex',
        vendor_name: 'Globex Corp',
        channel: 'http',
        kind: 'forensic-report',
        incident_reference: 'GLX-SEC-2026-017',
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
    expect(VendorRequestOutput.strict().parse(outcome.output)).toEqual(outcome.output);
  });

  test('a repeat with the same key sends nothing; a worker without the record is told 409 and reports alreadyDone', async () => {
    const requestsBefore = vendor.requests.length;
    const again = await ask(live, params, contextFor(incident));
    expect(again).toEqual({ ...outcome, alreadyDone: true });
    expect(vendor.requests.length).toBe(requestsBefore);

    const elsewhere = await ask(await liveSetup('second-worker'), params, contextFor(incident));
    expect(elsewhere.alreadyDone).toBe(true);
    expect(elsewhere.output).toMatchObject({ reference_id: outcome.output.reference_id, kind: 'forensic-report', response_status: 409, vendor_receipt: outcome.output.vendor_receipt });
    expect(vendor.requests.slice(requestsBefore).map((r) => [r.headers['idempotency-key'], r.status])).toEqual([[outcome.output.reference_id, 409]]);
    expect(vendor.processed.filter((entry) => entry.idempotencyKey === outcome.output.reference_id)).toHaveLength(1);
  });

  test('another step (another idempotency key) gets another reference', async () => {
    const other = await ask(live, params, contextFor(newIncident()));
    expect(other.alreadyDone).toBe(false);
    expect(other.output.reference_id).toMatch(/^QVR-[0-9A-F]{10}$/);
    expect(other.output.reference_id).not.toBe(outcome.output.reference_id);
  });
});

describe('retries', () => {
  test('an attempt that meets a 503 is retryable; the retry sends the same reference and due date, stored once', async () => {
    const incident = newIncident();
    vendor.failNext({ status: 503, body: { error: 'maintenance' } });
    const failure = await failureOf(ask(live, { vendor: 'globex', kind: 'iocs', due_in: '2d' }, contextFor(incident)));
    expect(failure).toMatchObject({ type: ErrorType.Unavailable, nonRetryable: false });

    const retried = await ask(live, { vendor: 'globex', kind: 'iocs', due_in: '2d' }, contextFor(incident));
    expect(retried.alreadyDone).toBe(false);
    const attempts = attemptsFor(incident);
    expect(attempts.map((attempt) => [attempt.status, attempt.headers['idempotency-key'], attempt.json?.due_date])).toEqual([
      [503, retried.output.reference_id, retried.output.due_date],
      [201, retried.output.reference_id, retried.output.due_date],
    ]);
    expect(attempts[1].json).toMatchObject({ kind: 'iocs', asked: expect.stringContaining('indicators of compromise') });
    expect(vendor.processed.filter((entry) => entry.idempotencyKey === retried.output.reference_id)).toHaveLength(1);
  });

  test('a vendor missing from the connectors file, or asked on the wrong channel, is not configured; nothing is sent', async () => {
    const mark = vendor.requests.length;
    await expect(ask(live, { vendor: 'initech', kind: 'attestation' }, contextFor(newIncident()))).rejects.toMatchObject({
      type: ErrorType.NotConfigured,
      message: expect.stringContaining('vendor initech is not in the connectors file (vendors: globex)'),
    });
    await expect(ask(live, { vendor: 'globex', kind: 'attestation', channel: 'email' }, contextFor(newIncident()))).rejects.toMatchObject({
      type: ErrorType.NotConfigured,
      message: expect.stringContaining('vendor globex takes requests by http, but the step asks for email'),
    });
    expect(vendor.requests.length).toBe(mark);
  });

  test('an HTTP vendor needs only its own connector, in the worker and the pre-flight; a bad due_in is a problem before the run', () => {
    const needs = (params: Record<string, unknown>) => live.actions['vendor.request']!.needs('vendor.request', params);
    expect(needs({ vendor: 'globex', kind: 'iocs' })).toEqual({ connectors: ['vendor:globex'], problems: [] });
    expect(needs({ vendor: 'globex', kind: 'iocs', due_in: 'tomorrow' }).problems[0]).toMatch(/^due_in: "tomorrow" is not a duration/);
    // The pre-flight reads the connectors file alone and answers the same.
    expect(configuredNeeds('vendor.request', { vendor: 'globex', kind: 'iocs' }, live.file!)).toEqual({ connectors: ['vendor:globex'], problems: [] });
    expect(configuredNeeds('vendor.request', { vendor: 'globex', kind: 'iocs', channel: 'email' }, live.file!).problems).toEqual(['vendor globex takes requests by http, but the step asks for email']);
  });
});

describe('kind other without details', () => {
  test('the catalogue refuses it naming details; with details it is accepted', () => {
    const refused = ACTION_CATALOGUE['vendor.request'].with.safeParse({ vendor: 'globex', kind: 'other' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['details', 'kind other needs details saying what is asked']]);
    expect(ACTION_CATALOGUE['vendor.request'].with.safeParse({ vendor: 'globex', kind: 'other', details: 'Your SOC 2 bridge letter' }).success).toBe(true);
    expect(ACTION_CATALOGUE['vendor.request'].with.safeParse({ vendor: 'globex', kind: 'report' }).error?.issues[0].path).toEqual(['kind']);
  });

  test('the linter refuses a literal one at the step\'s with', async () => {
    const loaded = await loadRunbookFile(runbookFile('vendor-request-other-literal', ['vendor: globex', 'kind: other']));
    expect(loaded.ok).toBe(false);
    const messages = loaded.ok ? [] : loaded.errors.map(formatRunbookError);
    expect(messages).toEqual([expect.stringContaining('kind other needs details saying what is asked')]);
  });

  describe('a live run where the kind comes from an input', () => {
    let engine: TestEngine;
    let state: RunState;
    let incident: string;
    let mark: number;

    beforeAll(async () => {
      engine = await startTestEngine('vendor-request-http-other', { live });
      incident = newIncident();
      mark = vendor.requests.length;
      const file = runbookFile('vendor-request-other-input', ['vendor: "${{ inputs.vendor }}"', 'kind: "${{ inputs.kind }}"']);
      const workflowId = await engine.start(file, { vendor: 'globex', kind: 'other' }, { mode: 'live', incident });
      state = await waitForState(() => getRunState(engine.client, workflowId), (s) => FINAL.includes(s.status), 60_000);
    });

    afterAll(async () => {
      await engine?.stop();
    });

    test('the step fails as invalid input naming details, and the vendor receives nothing', () => {
      const step = state.steps.find((candidate) => candidate.id === 'ask-vendor')!;
      expect(step.status).toBe('failed');
      expect(step.error?.message).toContain('invalid parameters for vendor.request: details: kind other needs details saying what is asked');
      expect(vendor.requests.slice(mark).filter((r) => r.method === 'POST')).toEqual([]);
    });
  });
});

describe('a tabletop run', () => {
  let engine: TestEngine;
  let state: RunState;
  let mark: number;

  beforeAll(async () => {
    // The worker has the live vendor configured: the tabletop must still not reach it.
    engine = await startTestEngine('vendor-request-http-tabletop', { live });
    mark = vendor.requests.length;
    const file = runbookFile('vendor-request-tabletop', ['vendor: "${{ inputs.vendor }}"', 'kind: "${{ inputs.kind }}"', 'due_in: 5d', 'incident_reference: GLX-SEC-2026-017']);
    const workflowId = await engine.start(file, { vendor: 'globex', kind: 'attestation' }, { mode: 'tabletop' });
    state = await waitForState(() => getRunState(engine.client, workflowId), (s) => FINAL.includes(s.status), 60_000);
  });

  afterAll(async () => {
    await engine?.stop();
  });

  test('says what it would ask under a QVR reference, and sends the vendor nothing', () => {
    expect(state.status).toBe('completed');
    const output = state.steps.find((candidate) => candidate.id === 'ask-vendor')!.output!;
    expect(output).toMatchObject({ vendor: 'globex', kind: 'attestation', incident_reference: 'GLX-SEC-2026-017', sent: true, simulated: true });
    expect(output.reference_id).toMatch(/^QVR-[0-9A-F]{10}$/);
    expect(output.would_do).toEqual([`email: ask globex for attestation by ${String(output.due_date)} (reference ${String(output.reference_id)})`]);
    expect(VendorRequestOutput.safeParse(output).success).toBe(true);
    expect(vendor.requests.slice(mark)).toEqual([]);
  });
});
