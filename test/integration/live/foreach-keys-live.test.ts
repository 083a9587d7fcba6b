/**
 * A `foreach` in a LIVE run on moto_server, through the real worker process: an earlier step lists
 * the users' active access keys (credentials.list), then a loop parks each key found
 * (credentials.deactivate) two at a time. The worker is killed with SIGKILL while items are in
 * flight and a new worker process finishes the run. A counting proxy between the worker and moto
 * proves each key got exactly one UpdateAccessKey; moto shows the three keys Inactive and the
 * keys the loop was not about untouched; the items' step times show never more than two items at
 * once, and two at some point.
 *
 * IAM lets a user hold two keys at most (moto enforces it too), so the three keys belong to three
 * users and the loop goes over the listing step's per-user results.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import { getRunState, startRun } from '../../../client/runs';
import type { RunResult, RunState } from '../../../common/run-state';
import { classifyAws } from '../../support/counting-classify';
import { startCountingProxy, type CountingProxy } from '../../support/counting-proxy';
import { awsSectionLines, startMoto, type MotoServer } from '../../support/moto';
import { waitForState } from '../../support/run-driver';
import { loadTestRunbook } from '../../support/runbooks';
import { connectTestClient, uniqueTaskQueue } from '../../support/temporal';
import { spawnWorkerProcess, exited, stopChildren } from '../../support/worker-process';
import { mostItemsAtOnce } from '../../support/loop-items';

const RUNBOOK = 'test/fixtures/runbooks/foreach-keys-live.yaml';
const LOOP = 'park-each';
const USERS = ['ana', 'ben', 'cai'];

let moto: MotoServer;
let proxy: CountingProxy;
let iam: IAMClient;
let client: Client;
let work: string;
/** Every UpdateAccessKey that reached moto through the proxy: which key, to which state. */
const updates: Array<{ key: string; status: string }> = [];
const children: ChildProcess[] = [];

async function createUserWithKeys(user: string, keys: number): Promise<string[]> {
  await iam.send(new CreateUserCommand({ UserName: user }));
  const ids: string[] = [];
  for (let i = 0; i < keys; i += 1) ids.push((await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!.AccessKeyId!);
  return ids;
}

async function keyStatuses(user: string): Promise<Record<string, string>> {
  const listed = await iam.send(new ListAccessKeysCommand({ UserName: user }));
  return Object.fromEntries((listed.AccessKeyMetadata ?? []).map((key) => [key.AccessKeyId!, key.Status!]));
}

/** Items of the loop that have started and not yet ended. */
function itemsInFlight(state: RunState): number {
  return (state.steps.find((step) => step.id === LOOP)?.foreach?.items ?? []).filter((item) => item.status === 'running').length;
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startCountingProxy([
    {
      endpoint: 'moto',
      target: moto.endpoint,
      classify: (request) => {
        const call = classifyAws(request);
        if (call.operation === 'UpdateAccessKey') {
          const form = new URLSearchParams(request.body);
          updates.push({ key: form.get('AccessKeyId') ?? '(none)', status: form.get('Status') ?? '(none)' });
        }
        return call;
      },
    },
  ]);
  iam = new IAMClient({
    region: moto.region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY },
  });
  client = await connectTestClient();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-foreach-live-'));
});

afterAll(async () => {
  await stopChildren(children);
  await client?.connection.close();
  iam?.destroy();
  await proxy?.stop();
  await moto?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a live loop parks each key found exactly once, two at a time, across a worker SIGKILL mid-loop', async () => {
  // ana's second key was switched off before the incident: the listing leaves it out.
  const [anaKey, anaOldKey] = await createUserWithKeys('ana', 2);
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'ana', AccessKeyId: anaOldKey, Status: 'Inactive' }));
  const [benKey] = await createUserWithKeys('ben', 1);
  const [caiKey] = await createUserWithKeys('cai', 1);
  // Another user's key: not in the run's inputs, never to be touched.
  const [bystanderKey] = await createUserWithKeys('dee', 1);
  const keyOf: Record<string, string> = { ana: anaKey!, ben: benKey!, cai: caiKey! };

  // The worker signs its AWS calls for moto but sends them to the proxy.
  const connectorsFile = path.join(work, 'connectors.yaml');
  fs.writeFileSync(connectorsFile, ['version: 1', ...awsSectionLines({ region: moto.region, endpoint: proxy.url })].join('\n') + '\n');
  const taskQueue = uniqueTaskQueue('foreach-live');
  const env = {
    QUELL_TASK_QUEUE: taskQueue,
    QUELL_DATA_DIR: path.join(work, 'worker-data'),
    QUELL_CONNECTORS_FILE: connectorsFile,
    QUELL_LOG_LEVEL: 'debug', // shown nowhere: the output goes to the run-wide secret scan only
    ...moto.env,
  };
  fs.mkdirSync(env.QUELL_DATA_DIR);

  const first = spawnWorkerProcess(env, 'foreach-live-worker');
  children.push(first);
  const { runbook, sha256 } = await loadTestRunbook(RUNBOOK);
  const handle = await startRun(client, {
    runbook,
    runbookSha256: sha256,
    inputs: { users: USERS },
    mode: 'live',
    requestedBy: 'rita.requester',
    requestedVia: 'api',
    incidentId: `INC-LOOP-LIVE-${Date.now()}`,
    taskQueue,
  });
  const read = () => getRunState(client, handle.workflowId);

  // Aim the kill at a moment when the loop has items in flight, at least one of them already past its park.
  const atKill = await waitForState(read, (s) => itemsInFlight(s) > 0 && s.steps.some((step) => step.parent === LOOP && /\.park$/.test(step.id) && step.status === 'succeeded'), 120_000);
  first.kill('SIGKILL');
  expect(await exited(first)).toBe('SIGKILL');
  const inFlightAtKill = itemsInFlight(atKill);
  const loopAtKill = atKill.steps.find((step) => step.id === LOOP)!.foreach!.items.map((item) => item.status);
  console.log(`foreach-live: killed with items ${loopAtKill.join(', ')} (${inFlightAtKill} in flight) and ${updates.length} key update(s) sent`);

  const second = spawnWorkerProcess(env, 'foreach-live-worker');
  children.push(second);
  const result = (await handle.result()) as RunResult;
  const state = result.state;
  expect(result.status).toBe('completed');

  // It ran live, after the worker's readiness check passed (moto answered the aws-iam probes through the proxy).
  const events = (await handle.fetchHistory()).events ?? [];
  const readiness = events.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'checkLiveReadiness');
  expect(readiness).toBeDefined();
  expect(events.some((event) => event.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === readiness!.eventId?.toString())).toBe(true);

  // The listing found one active key per user (ana's inactive one left out), and the loop went over what it found.
  const find = state.steps.find((step) => step.id === 'find')!;
  expect(find.output).toMatchObject({ total: 3, succeeded: 3 });
  for (const [index, user] of USERS.entries()) {
    expect(state.steps.find((step) => step.id === `find[${index}].list`)!.output).toMatchObject({ principal: user, key_ids: [keyOf[user]] });
  }
  const loop = state.steps.find((step) => step.id === LOOP)!;
  expect(loop.status).toBe('succeeded');
  expect(loop.output).toMatchObject({ total: 3, succeeded: 3, failed: 0, skipped: 0 });
  expect(loop.foreach).toMatchObject({ concurrency: 2 });
  for (const [index, user] of USERS.entries()) {
    const park = state.steps.find((step) => step.id === `${LOOP}[${index}].park`)!;
    expect(park).toMatchObject({ status: 'succeeded', parent: LOOP, item: index, actor: expect.stringMatching(/^provider:live:/) });
    expect(park.output).toMatchObject({ provider: 'aws-iam', principal: user, key_ids: [keyOf[user]] });
    expect(state.steps.find((step) => step.id === `${LOOP}[${index}].pause`)!.status).toBe('succeeded');
  }

  // Each key found was switched off by exactly one request, whatever the kill interrupted.
  const perKey = new Map<string, number>();
  for (const update of updates) perKey.set(update.key, (perKey.get(update.key) ?? 0) + 1);
  expect(Object.fromEntries(perKey)).toEqual({ [anaKey!]: 1, [benKey!]: 1, [caiKey!]: 1 });
  expect(updates.every((update) => update.status === 'Inactive')).toBe(true);
  expect(proxy.calls.filter((call) => call.operation === 'UpdateAccessKey')).toHaveLength(3);

  // What moto holds now: the three keys parked, ana's old key as it was, the bystander's untouched.
  expect(await keyStatuses('ana')).toEqual({ [anaKey!]: 'Inactive', [anaOldKey!]: 'Inactive' });
  expect(await keyStatuses('ben')).toEqual({ [benKey!]: 'Inactive' });
  expect(await keyStatuses('cai')).toEqual({ [caiKey!]: 'Inactive' });
  expect(await keyStatuses('dee')).toEqual({ [bystanderKey!]: 'Active' });

  // Never more than two items at once, and two at some point.
  expect(mostItemsAtOnce(state.steps, LOOP)).toBe(2);

  second.kill('SIGTERM');
  expect(await exited(second)).not.toBe('SIGKILL');
}, 240_000);
