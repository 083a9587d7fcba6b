/**
 * `foreach` on the dev server: items run two at a time (never more), each with its own step
 * states and idempotency keys; a worker stopped mid-loop costs nothing and repeats nothing; an
 * item that fails does not stop the others under `continue`; later steps read the loop's counts;
 * and a cancel compensates every item's block with that item's own rule id.
 */
import type { Client } from '@temporalio/client';
import { cancelRun, getRunState, startRun } from '../../client/runs';
import type { RunState } from '../../common/run-state';
import { waitForState } from '../support/run-driver';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, startTestWorker, uniqueTaskQueue, type TestWorker } from '../support/temporal';
import { mostItemsAtOnce } from '../support/loop-items';

const RUNBOOK = 'test/fixtures/runbooks/foreach-keys.yaml';

let client: Client;
let worker: TestWorker | undefined;
let taskQueue: string;

beforeAll(async () => {
  client = await connectTestClient();
  taskQueue = uniqueTaskQueue('foreach');
});
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
});

test('items run two at a time across a worker outage, each once, and a cancel undoes each', async () => {
  worker = await startTestWorker({ taskQueue });
  const { runbook, sha256 } = await loadTestRunbook(RUNBOOK);
  const keys = ['AKIAONE', 'AKIATWO', 'AKIABROKEN', 'AKIAFOUR'];
  const handle = await startRun(client, { runbook, runbookSha256: sha256, inputs: { keys }, mode: 'tabletop', requestedBy: 'rita', requestedVia: 'cli', incidentId: `LOOP-${Date.now()}`, taskQueue });
  const read = () => getRunState(client, handle.workflowId);

  const running = await waitForState(read, (s) => (s.steps.find((step) => step.id === 'each-key')?.foreach?.items ?? []).some((item) => item.status === 'running'));
  expect(running.steps.find((step) => step.id === 'each-key')!.foreach).toMatchObject({ concurrency: 2, policy: 'continue' });
  // Mid-loop, no worker for a while: the sleeps' timers fire on the server meanwhile.
  await worker.stop();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  worker = await startTestWorker({ taskQueue });

  const held = await waitForState(read, (s) => s.steps.find((step) => step.id === 'hold')?.status === 'waiting', 60_000);
  const loop = held.steps.find((step) => step.id === 'each-key')!;
  expect(loop.status).toBe('succeeded');
  expect(loop.foreach!.items.map((item) => [item.label, item.status])).toEqual([
    ['AKIAONE', 'succeeded'],
    ['AKIATWO', 'succeeded'],
    ['AKIABROKEN', 'failed'],
    ['AKIAFOUR', 'succeeded'],
  ]);
  expect(loop.foreach!.items[2]!.error).toEqual({ step: 'each-key[2].check', message: expect.stringContaining('could not evaluate when') });
  expect(loop.output).toMatchObject({ total: 4, succeeded: 3, failed: 1, skipped: 0 });
  const results = (loop.output as { results: Array<{ item: unknown; status: string; outputs: Record<string, { rule_id?: string } | null> }> }).results;
  expect(results.map((result) => result.item)).toEqual(keys);
  expect(held.steps.find((step) => step.id === 'each-key[2].pause')).toMatchObject({ status: 'skipped', skippedBecause: 'item 2 stopped at each-key[2].check' });

  // Each item's steps are its own, and each block happened once (never "already done").
  const blocks = held.steps.filter((step) => /^each-key\[\d\]\.block$/.test(step.id) && step.status === 'succeeded');
  expect(blocks.map((step) => step.id)).toEqual(['each-key[0].block', 'each-key[1].block', 'each-key[3].block']);
  expect(blocks.every((step) => step.alreadyDone === false && step.parent === 'each-key')).toBe(true);
  const ruleIds = blocks.map((step) => String(step.output!.rule_id));
  expect(new Set(ruleIds).size).toBe(3);
  expect(results[0]!.outputs.block!.rule_id).toBe(ruleIds[0]);
  expect(String((held.steps.find((step) => step.id === 'each-key[1].check')!.output as { would_do: string[] }).would_do)).toContain('checking AKIATWO (1)');
  expect(String((held.steps.find((step) => step.id === 'summary')!.output as { would_do: string[] }).would_do)).toContain('3 of 4 contained');
  expect(mostItemsAtOnce(held.steps)).toBe(2);

  await cancelRun(client, handle.workflowId, { actor: 'rita', via: 'cli', reason: 'test over' });
  const final: RunState = await waitForState(read, (s) => s.status === 'cancelled');
  for (const [index, block] of blocks.entries()) {
    const undone = final.steps.find((step) => step.id === block.id)!;
    expect(undone.status).toBe('compensated');
    // The undo read its own item's rule id, not another item's.
    expect(String((undone.compensation!.output as { would_do: string[] }).would_do)).toContain(ruleIds[index]!);
  }
}, 120_000);
