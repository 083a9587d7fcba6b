/**
 * Failure classes of a live connector, proved through REAL live workflow runs (worker + Temporal
 * dev server) of a vendor.request_deletion step against the vendor API of test/support/vendor-api.ts.
 * What each test counts is what the vendor's server saw:
 *
 * - wrong credentials (the vendor refuses our signature: 401) fail the step at once with a
 *   non-retryable QuellAuthFailed: exactly one attempt, no retry storm;
 * - 429 with Retry-After: 2 is retried, and the second attempt arrives no sooner than ~2 s after
 *   the first although the step's own retry interval is 200 ms;
 * - a vendor that refuses connections for the first three attempts is retried until it is back,
 *   and then processes exactly one request;
 * - a vendor that is down when the run starts stops the run before its first step (the live-
 *   readiness check probes it), so the DOWN case starts the run while the vendor is up and takes
 *   it down after the check, behind a manual step.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import { completeManual, getRunState } from '../../../client/runs';
import { ErrorType } from '../../../common/errors';
import type { RunState } from '../../../common/run-state';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { waitForState } from '../../support/run-driver';
import { startVendorApi, type VendorApi } from '../../support/vendor-api';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const KEY = plantSecret('failure-classes-shared-key', 'vendor hmac key');
const RUNBOOK = 'test/fixtures/live/vendor-request.yaml';
const GATED_RUNBOOK = 'test/fixtures/live/vendor-request-gated.yaml';
const FINAL = ['completed', 'failed', 'rejected', 'cancelled'];

let vendor: VendorApi;
let work: string;
let engine: TestEngine;
let counter = 0;

/** Two vendors on the same API: `acme` holds the shared key, `initech` a key the vendor does not know. */
function writeConnectors(): string {
  const file = path.join(work, 'connectors.yaml');
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'vendors:',
      `  acme: { channel: http, name: Acme, url: "${vendor.url}", hmac_secret: { env: FAILURE_CLASSES_ACME_KEY } }`,
      `  initech: { channel: http, name: Initech, url: "${vendor.url}", hmac_secret: { env: FAILURE_CLASSES_INITECH_KEY } }`,
      '',
    ].join('\n'),
  );
  return file;
}

async function startRun(runbook: string, vendorId: string): Promise<{ workflowId: string; incident: string }> {
  const incident = `INC-FC-${Date.now()}-${(counter += 1)}`;
  const workflowId = await engine.start(runbook, { vendor: vendorId }, { mode: 'live', incident });
  return { workflowId, incident };
}

const finished = (workflowId: string) => waitForState(() => getRunState(engine.client, workflowId), (s) => FINAL.includes(s.status), 90_000);
const attemptsFor = (incident: string) => vendor.deletionAttempts((body) => body.incident === incident);
const step = (state: RunState, id: string) => state.steps.find((candidate) => candidate.id === id)!;

async function history(workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  return (await engine.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/** The recorded starts of the deletion activity (the last attempt's number) and its failure, if any. */
async function deletionActivity(workflowId: string) {
  const events = await history(workflowId);
  const scheduled = new Set(
    events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'vendor.request_deletion').map((event) => String(event.eventId)),
  );
  const ofDeletion = (id: unknown) => scheduled.has(String(id));
  return {
    startedAttempts: events
      .filter((event) => event.activityTaskStartedEventAttributes && ofDeletion(event.activityTaskStartedEventAttributes.scheduledEventId))
      .map((event) => event.activityTaskStartedEventAttributes!.attempt),
    failure: events.find((event) => event.activityTaskFailedEventAttributes && ofDeletion(event.activityTaskFailedEventAttributes.scheduledEventId))
      ?.activityTaskFailedEventAttributes?.failure,
  };
}

/** The deletion activity as the server currently schedules it (attempt number, last failure). */
async function pendingDeletion(workflowId: string): Promise<temporal.api.workflow.v1.IPendingActivityInfo | undefined> {
  const description = await engine.client.workflow.getHandle(workflowId).describe();
  return description.raw.pendingActivities?.find((activity) => activity.activityType?.name === 'vendor.request_deletion');
}

beforeAll(async () => {
  vendor = await startVendorApi({ secret: KEY });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-failure-classes-'));
  const loaded = loadConnectorsFile(writeConnectors(), { FAILURE_CLASSES_ACME_KEY: KEY, FAILURE_CLASSES_INITECH_KEY: 'a-key-initech-never-shared' });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const live = await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, 'data') });
  engine = await startTestEngine('failure-classes', { live });
});

afterAll(async () => {
  await engine?.stop();
  await vendor?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('wrong credentials: the vendor answers 401 once, the step fails with a non-retryable QuellAuthFailed', async () => {
  const { workflowId, incident } = await startRun(RUNBOOK, 'initech');
  const state = await finished(workflowId);

  expect(state.status).toBe('failed');
  expect(step(state, 'request-deletion')).toMatchObject({ status: 'failed', error: { type: ErrorType.AuthFailed } });
  expect(step(state, 'request-deletion').error?.message).toContain('vendor:initech');
  expect(attemptsFor(incident).map((attempt) => [attempt.status, attempt.outcome])).toEqual([[401, 'bad-signature']]);
  expect(vendor.processed.some((entry) => entry.body.incident === incident)).toBe(false);

  const activity = await deletionActivity(workflowId);
  expect(activity.startedAttempts).toEqual([1]);
  expect(activity.failure?.applicationFailureInfo).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true });
});

test('429 with Retry-After: 2: the retry reaches the vendor no sooner than ~2 s after the first attempt, then succeeds', async () => {
  vendor.failNext({ status: 429, headers: { 'retry-after': '2' }, body: { error: 'slow down' } });
  const { workflowId, incident } = await startRun(RUNBOOK, 'acme');
  const state = await finished(workflowId);

  expect(state.status).toBe('completed');
  expect(step(state, 'request-deletion')).toMatchObject({ status: 'succeeded', alreadyDone: false, output: { response_status: 201 } });
  const attempts = attemptsFor(incident);
  expect(attempts.map((attempt) => attempt.status)).toEqual([429, 201]);
  const gapMs = attempts[1].at - attempts[0].at;
  // The step's own retry interval is 200 ms: only the server's Retry-After explains a 2 s gap.
  expect(gapMs).toBeGreaterThanOrEqual(1_950);
  expect(vendor.processed.filter((entry) => entry.body.incident === incident)).toHaveLength(1);
  process.stderr.write(`failure-classes: 429 Retry-After 2 s -> next attempt after ${gapMs} ms\n`);
});

test('a vendor that refuses connections for three attempts: retried, then exactly one request is processed', async () => {
  const { workflowId, incident } = await startRun(GATED_RUNBOOK, 'acme');
  // The live-readiness check has passed once the run waits on its first (manual) step.
  await waitForState(() => getRunState(engine.client, workflowId), (s) => step(s, 'vendor-owner-agrees').status === 'waiting');
  await vendor.down();
  let refusedAttempts: string[] = [];
  try {
    await completeManual(engine.client, workflowId, { stepId: 'vendor-owner-agrees', actor: 'vera.vendor-owner', via: 'api' });
    // After the third failure the server schedules attempt 4: that is when the vendor comes back.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const pending = await pendingDeletion(workflowId);
      if (pending && (pending.attempt ?? 0) >= 4 && pending.lastFailure) {
        refusedAttempts = [String(pending.lastFailure.message)];
        break;
      }
      if (Date.now() > deadline) throw new Error(`the step did not fail three times in time: ${JSON.stringify(pending)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await vendor.up();
  }
  const state = await finished(workflowId);

  expect(refusedAttempts[0]).toMatch(/vendor:acme: .*cannot reach the service \(ECONNREFUSED\)/);
  expect(state.status).toBe('completed');
  expect(step(state, 'request-deletion')).toMatchObject({ status: 'succeeded', alreadyDone: false });
  // History keeps the start of the last attempt only: the fourth.
  expect((await deletionActivity(workflowId)).startedAttempts).toEqual([4]);
  expect(attemptsFor(incident).map((attempt) => attempt.status)).toEqual([201]);
  expect(vendor.processed.filter((entry) => entry.body.incident === incident)).toHaveLength(1);
});

test('a vendor that is down when the run starts: refused before the first step, naming the connector', async () => {
  await vendor.down();
  try {
    const { workflowId, incident } = await startRun(RUNBOOK, 'acme');
    const state = await finished(workflowId);
    expect(state.status).toBe('failed');
    expect(state.failure?.message).toMatch(/connector vendor:acme is failing: reachable: cannot reach .* \(ECONNREFUSED\)/);
    expect(state.steps.every((s) => s.status === 'pending')).toBe(true);
    expect(attemptsFor(incident)).toEqual([]);
  } finally {
    await vendor.up();
  }
});
