/**
 * Waits and manual tasks that declare their outputs, driven from the CLI on the dev server:
 * `--field` values are typed as declared (a number, a yes/no), undeclared or mistyped ones are
 * refused by the CLI and by the workflow (details sent as JSON are checked the same way), a
 * required value cannot be left out, and later steps read the typed values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunState } from '../../common/run-state';
import { quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { waitForState } from '../support/run-driver';
import { startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

const RUNBOOK = path.resolve(__dirname, '..', 'fixtures', 'runbooks', 'typed-outputs.yaml');

let env: CliEnvironment;
let work: string;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-typed-outputs-'));
  const taskQueue = uniqueTaskQueue('typed-outputs');
  stopWorker = (await startTestWorker({ taskQueue })).stop;
  const server = testServer();
  env = { address: server.address, namespace: server.namespace, taskQueue, dataDir: work, extra: { QUELL_USER: 'vendor-desk' } };
});

afterAll(async () => {
  await stopWorker?.();
  fs.rmSync(work, { recursive: true, force: true });
});

const status = async (id: string) => JSON.parse((await quellOk(['status', id, '--json'], env)).stdout) as RunState;

test('declared outputs are typed, checked and readable by later steps', async () => {
  const started = await quellOk(['start', RUNBOOK, '--tabletop', '--incident', `INC-TYPED-${Date.now()}`, '--as', 'rita', '--json'], env);
  const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
  const before = await waitForState(() => status(workflowId), (s) => s.steps[0]!.status === 'waiting');
  // Known from the start, so details can be typed before their step is reached.
  expect(before.steps.find((step) => step.id === 'laptop')!.declaredOutputs).toEqual({
    fields: [
      { name: 'laptop_returned', type: 'boolean', required: true },
      { name: 'condition', type: 'string', required: false, enum: ['intact', 'damaged'] },
    ],
  });

  const notANumber = await runQuell(['event', workflowId, 'vendor-deletion-confirmed', '--field', 'certificate_url=https://vendor.example/c/1', '--field', 'records=many'], env);
  expect(notANumber.code).toBe(2);
  expect(notANumber.stderr).toContain('fields.records: "many" is not a number');
  const undeclared = await runQuell(['event', workflowId, 'vendor-deletion-confirmed', '--field', 'certificate_url=x', '--field', 'signed_by=bob'], env);
  expect(undeclared.code).toBe(2);
  expect(undeclared.stderr).toContain('--field signed_by: the wait for vendor-deletion-confirmed declares no such field (it has certificate_url, deleted_at, records)');
  // JSON details get the workflow's check: wrong type, missing required, unknown key, bad time.
  const wrongType = await runQuell(['event', workflowId, 'vendor-deletion-confirmed', '--data', '{"certificate_url": 5}'], env);
  expect(wrongType.code).toBe(1);
  expect(wrongType.stderr).toContain('invalid event: payload.certificate_url: must be text');
  const missing = await runQuell(['event', workflowId, 'vendor-deletion-confirmed', '--data', '{"records": 3, "extra": true, "deleted_at": "tuesday"}'], env);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('payload.extra: this step declares no such field (it has certificate_url, deleted_at, records)');
  expect(missing.stderr).toContain('payload.certificate_url: is required');
  expect(missing.stderr).toContain('payload.deleted_at: must be an ISO 8601 time with an offset');
  expect((await status(workflowId)).steps[0]!.status).toBe('waiting');

  await quellOk(['event', workflowId, 'vendor-deletion-confirmed', '--as', 'vendor-desk', '--field', 'certificate_url= https://vendor.example/c/1 ', '--field', 'records=12', '--field', 'deleted_at=2026-12-01T10:00:00Z'], env);
  await waitForState(() => status(workflowId), (s) => s.steps[1]!.status === 'waiting');

  const noAnswer = await runQuell(['done', workflowId, 'laptop', '--as', 'ian'], env);
  expect(noAnswer.code).toBe(1);
  expect(noAnswer.stderr).toContain('invalid completion: fields.laptop_returned: is required');
  const badCondition = await runQuell(['done', workflowId, 'laptop', '--as', 'ian', '--field', 'laptop_returned=yes', '--field', 'condition=lost'], env);
  expect(badCondition.code).toBe(1);
  expect(badCondition.stderr).toContain('fields.condition: must be one of intact, damaged');
  await quellOk(['done', workflowId, 'laptop', '--as', 'ian', '--field', 'laptop_returned=yes', '--field', 'condition=intact', '--note', 'desk 4'], env);

  const final = await waitForState(() => status(workflowId), (s) => s.status !== 'running');
  expect(final.status).toBe('completed');
  const [confirm, laptop, report] = final.steps;
  expect(confirm!.output).toEqual({ certificate_url: 'https://vendor.example/c/1', records: 12, deleted_at: '2026-12-01T10:00:00Z', event: 'vendor-deletion-confirmed', received_at: expect.any(String), received_via: 'cli' });
  expect(laptop!.output).toEqual({ laptop_returned: true, condition: 'intact', done_by: 'ian', note: 'desk 4' });
  expect(String((report!.output as { would_do: string[] }).would_do)).toContain('certificate https://vendor.example/c/1 (12 records); laptop returned true, checked by ian');
}, 90_000);
