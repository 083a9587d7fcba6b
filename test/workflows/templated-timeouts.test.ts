/**
 * Durations decided when the step starts, on the dev server: a sleep takes its length from an
 * input, an approval its timeout from the run's severity (high: 2 s here), and a value that is no
 * duration fails the step naming the field and what it gave.
 */
import type { Client } from '@temporalio/client';
import { startRun } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, startTestWorker, uniqueTaskQueue, type TestWorker } from '../support/temporal';

const RUNBOOK = 'test/fixtures/runbooks/templated-timeouts.yaml';

let client: Client;
let worker: TestWorker;
let taskQueue: string;

beforeAll(async () => {
  client = await connectTestClient();
  taskQueue = uniqueTaskQueue('templated-timeouts');
  worker = await startTestWorker({ taskQueue });
});
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
});

async function run(inputs: Record<string, unknown>): Promise<RunResult> {
  const { runbook, sha256 } = await loadTestRunbook(RUNBOOK);
  const handle = await startRun(client, { runbook, runbookSha256: sha256, inputs, mode: 'tabletop', requestedBy: 'rita', requestedVia: 'cli', incidentId: `TIMEOUTS-${Date.now()}`, taskQueue });
  return (await handle.result()) as RunResult;
}

test('a sleep as long as its input says, and an approval timeout by severity', async () => {
  const result = await run({ pause: '3s' });
  expect(result.status).toBe('completed');
  const [nap, approve] = result.state.steps;
  expect(nap!.sleep!.asked).toBe('for 3s');
  expect(Date.parse(nap!.sleep!.until) - Date.parse(nap!.startedAt!)).toBe(3_000);
  expect(Number(nap!.output!.slept_ms)).toBeGreaterThanOrEqual(3_000);
  // high → 2 s, then approved by the timeout policy.
  expect(Date.parse(approve!.approval!.deadline) - Date.parse(approve!.startedAt!)).toBe(2_000);
  expect(approve!.actor).toBe('system:timeout');
}, 60_000);

test('a template that gives no duration fails the step, naming the field', async () => {
  const result = await run({ pause: 'a while' });
  expect(result.status).toBe('failed');
  expect(result.state.failure).toEqual({ step: 'nap', message: 'for gave "a while" is not a duration: write e.g. 30s, 15m, 1h30m, 7d (units ms, s, m, h, d, w)' });
}, 60_000);
