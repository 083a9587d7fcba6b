/**
 * An observation window, LIVE on moto_server: `identity.access_report` is checked every second
 * for six seconds until the person has no access left. When the test takes the last key away
 * mid-window the step ends early with `condition-met`; when nothing changes it ends with
 * `window-elapsed` after the window's last check (an outcome, not a failure), and the run ends
 * `completed: access-remains` through a guarded end step. Each check is its own activity.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand } from '@aws-sdk/client-iam';
import { buildLiveSetup } from '../../../activities/live-setup';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../connectors/aws/clients';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import { getRunState } from '../../../client/runs';
import type { RunResult } from '../../../common/run-state';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { startMoto, type MotoServer } from '../../support/moto';
import { waitForState } from '../../support/run-driver';
import { runLogger } from '../../support/temporal';

const RUNBOOK = 'test/fixtures/live/observe-access.yaml';
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'live', 'aws-connectors.yaml');

let moto: MotoServer;
let work: string;
let aws: AwsClients;
let engine: TestEngine;

beforeAll(async () => {
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-observe-'));
  const file = path.join(work, 'connectors.yaml');
  fs.writeFileSync(file, fs.readFileSync(FIXTURE, 'utf8').replaceAll('MOTO_ENDPOINT', moto.endpoint).replace(/^ {2}quarantine_security_group:.*\n/m, ''));
  const loaded = loadConnectorsFile(file, { QUELL_TEST_AWS_ACCESS_KEY_ID: moto.env.AWS_ACCESS_KEY_ID, QUELL_TEST_AWS_SECRET_ACCESS_KEY: moto.env.AWS_SECRET_ACCESS_KEY });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  aws = createAwsClients(loaded.config.aws!);
  const setup = await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, 'worker-data') });
  engine = await startTestEngine('observe-window', { live: setup });
});

afterAll(async () => {
  await engine?.stop();
  if (aws) destroyAwsClients(aws);
  await moto?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

async function userWithKey(name: string): Promise<string> {
  await aws.iam.send(new CreateUserCommand({ UserName: name }));
  return (await aws.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!.AccessKeyId!;
}

test('the window ends early once the last access is gone', async () => {
  const principal = `leaver-${Date.now()}`;
  const key = await userWithKey(principal);
  const workflowId = await engine.start(RUNBOOK, { principal }, { mode: 'live', requester: 'rita' });
  const read = () => getRunState(engine.client, workflowId);
  await waitForState(read, (s) => (s.steps[0]!.observe?.checks ?? 0) >= 2);
  const removedAt = Date.now();
  await aws.iam.send(new DeleteAccessKeyCommand({ UserName: principal, AccessKeyId: key }));

  const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(result.status).toBe('completed');
  expect(result.state.outcome).toBeUndefined();
  const watch = result.state.steps[0]!;
  expect(watch.status).toBe('succeeded');
  expect(watch.output).toMatchObject({ outcome: 'condition-met', last: { zero_remaining_access: true } });
  const metAt = Date.parse(String(watch.output!.met_at));
  // The first check after the key went (every 1 s), well before the 6 s window was over.
  expect(metAt).toBeGreaterThanOrEqual(removedAt);
  expect(metAt - removedAt).toBeLessThan(2_500);
  expect(Date.parse(watch.endedAt!)).toBeLessThan(Date.parse(watch.observe!.endsAt));
  expect(result.state.steps[1]).toMatchObject({ id: 'access-remains', status: 'skipped' });

  const history = await engine.client.workflow.getHandle(workflowId).fetchHistory();
  const checks = (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'identity.access_report');
  expect(checks).toHaveLength(Number(watch.output!.checks));
}, 60_000);

test('a window in which nothing changes ends as window-elapsed, and the run says access remains', async () => {
  const principal = `stayer-${Date.now()}`;
  await userWithKey(principal);
  const workflowId = await engine.start(RUNBOOK, { principal }, { mode: 'live', requester: 'rita' });
  const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(result.status).toBe('completed');
  const watch = result.state.steps[0]!;
  expect(watch.status).toBe('succeeded');
  expect(watch.output).toMatchObject({ outcome: 'window-elapsed', last: { zero_remaining_access: false, remaining_systems: ['aws-iam'] } });
  expect(watch.output!.met_at).toBeUndefined();
  // A check at the start, one each second, the last on the window's end: 7 in all.
  expect(watch.output!.checks).toBe(7);
  expect(Date.parse(String(watch.output!.last_checked_at))).toBeGreaterThanOrEqual(Date.parse(watch.observe!.endsAt));
  expect(result.state.outcome).toMatchObject({ name: 'access-remains', step: 'access-remains', summary: `${principal} still had access after 7 checks` });
}, 60_000);
