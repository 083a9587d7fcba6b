/**
 * `sleep` steps on the dev server: a pause for a duration and one until a given time both survive
 * a worker that is stopped mid-sleep and fire on time; a time already past wakes at once; later
 * steps read when a sleep woke; the dossier lists each sleep with its times. The linter refuses
 * an `until` that is no time, at its line and column.
 */
import type { Client } from '@temporalio/client';
import { getRunState, startRun } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import { dossierEntries } from '../../reports/audit/dossier';
import type { StepEntryData } from '../../reports/audit/dossier-types';
import { loadRunbookText } from '../../runbooks/load';
import { waitForState } from '../support/run-driver';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, startTestWorker, testServer, uniqueTaskQueue, type TestWorker } from '../support/temporal';

const RUNBOOK = 'test/fixtures/runbooks/sleep-steps.yaml';

let client: Client;
let worker: TestWorker | undefined;
let taskQueue: string;

beforeAll(async () => {
  client = await connectTestClient();
  taskQueue = uniqueTaskQueue('sleep-steps');
});
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
});

test('sleeps for a duration and until a time across a worker outage, and wake on time', async () => {
  worker = await startTestWorker({ taskQueue });
  const { runbook, sha256 } = await loadTestRunbook(RUNBOOK);
  const wakeAt = new Date(Date.now() + 7_000);
  wakeAt.setMilliseconds(0);
  const handle = await startRun(client, { runbook, runbookSha256: sha256, inputs: { wake_at: wakeAt.toISOString() }, mode: 'tabletop', requestedBy: 'rita', requestedVia: 'cli', incidentId: `SLEEP-${Date.now()}`, taskQueue });
  const napping = await waitForState(() => getRunState(client, handle.workflowId), (s) => s.steps[0]!.status === 'waiting');
  const nap = napping.steps[0]!;
  expect(nap.sleep).toEqual({ until: expect.any(String), asked: 'for 2s' });
  expect(Date.parse(nap.sleep!.until) - Date.parse(nap.startedAt!)).toBe(2_000);

  // No worker while the nap's timer fires: the server keeps it, the next worker carries on.
  await worker.stop();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  worker = await startTestWorker({ taskQueue });

  const result = (await handle.result()) as RunResult;
  expect(result.status).toBe('completed');
  const [napped, until, past, report] = result.state.steps;
  expect(napped!.status).toBe('succeeded');
  // Woke after its 2 s: late by the outage at most, never early.
  expect(Date.parse(napped!.endedAt!) - Date.parse(napped!.startedAt!)).toBeGreaterThanOrEqual(2_000);
  expect(until!.sleep).toEqual({ until: wakeAt.toISOString(), asked: `until ${wakeAt.toISOString()}` });
  const woke = Date.parse(String(until!.output!.woke_at));
  expect(woke).toBeGreaterThanOrEqual(wakeAt.getTime());
  expect(woke - wakeAt.getTime()).toBeLessThan(1_500);
  expect(past!.output).toMatchObject({ slept_ms: 0 });
  expect(result.state.events.find((event) => event.kind === 'sleep.woke' && event.step === 'already-past')?.detail).toBe('until 2020-01-01T00:00:00.000Z: already past, no wait');
  expect(String((report!.output as { would_do: string[] }).would_do)).toContain(`woke at ${String(until!.output!.woke_at)}`);

  const history = await client.workflow.getHandle(handle.workflowId).fetchHistory();
  const steps = dossierEntries(history, { workflowId: handle.workflowId, namespace: testServer().namespace })
    .filter((entry) => entry.kind === 'step')
    .map((entry) => entry.data as StepEntryData);
  expect(steps.filter((step) => step.kind === 'sleep').map((step) => [step.stepId, step.status, typeof step.startedAt, typeof step.endedAt])).toEqual([
    ['nap', 'succeeded', 'string', 'string'],
    ['until-time', 'succeeded', 'string', 'string'],
    ['already-past', 'succeeded', 'string', 'string'],
  ]);
  expect(steps.find((step) => step.stepId === 'until-time')!.outputSummary).toContain(`until=${wakeAt.toISOString()}`);
}, 60_000);

test('a template that yields no time fails the step, naming what it gave', async () => {
  worker ??= await startTestWorker({ taskQueue });
  const { runbook, sha256 } = await loadTestRunbook(RUNBOOK);
  const handle = await startRun(client, { runbook, runbookSha256: sha256, inputs: { wake_at: 'next tuesday' }, mode: 'tabletop', requestedBy: 'rita', requestedVia: 'cli', incidentId: `SLEEP-BAD-${Date.now()}`, taskQueue });
  const result = (await handle.result()) as RunResult;
  expect(result.status).toBe('failed');
  expect(result.state.failure).toEqual({ step: 'until-time', message: 'until gave "next tuesday", not an ISO time with a date, time and offset (2026-12-31T09:00:00Z)' });
}, 30_000);

test('lint refuses an until that is no time, and a sleep with both or neither of for and until', () => {
  const header = 'id: x\nversion: 1\ntitle: X\nseverity: low\nsteps:\n';
  const errors = (text: string) => {
    const loaded = loadRunbookText(header + text, 'sleep.yaml');
    return loaded.ok ? [] : loaded.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
  };
  expect(errors('  - id: a\n    sleep: { until: "tomorrow morning" }\n')).toEqual([
    '7:21: until "tomorrow morning" is not an ISO time with a date, time and offset (2026-12-31T09:00:00Z) nor a template that yields one',
  ]);
  expect(errors('  - id: a\n    sleep: { until: "2026-01-01T09:00:00" }\n')[0]).toMatch(/^7:21: until "2026-01-01T09:00:00" is not an ISO time/);
  expect(errors('  - id: a\n    sleep: { for: 1m, until: "2026-01-01T00:00:00Z" }\n')).toEqual(['7:12: sleep needs exactly one of for (a duration) and until (an ISO time)']);
  expect(errors('  - id: a\n    sleep: {}\n')).toEqual(['7:12: sleep needs exactly one of for (a duration) and until (an ISO time)']);
  expect(errors('  - id: a\n    sleep: { for: soon }\n')[0]).toMatch(/^7:19: /);
});
