/**
 * A LIVE offboarding run through the real engine (worker + Temporal dev server) against real
 * SCIM (scim2-server) and OpenBao (bao dev) servers and the fake GitHub API: the person is
 * deactivated and out of every group, their OpenBao token stops working, their GitHub membership
 * is gone (after GitHub throttles the first attempt), and the remaining-access report that ends
 * the run lists every system as removed. A second run changes nothing and says so. No secret
 * reaches the workflow history or the worker's log. A refused OpenBao token stops a run before
 * its first step.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import { getRunState } from '../../../client/runs';
import type { RunState } from '../../../common/run-state';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github';
import { historyText } from '../../support/history-text';
import { startOpenBao, type IssuedToken, type OpenBaoServer } from '../../support/openbao';
import { waitForState } from '../../support/run-driver';
import { startScimServer, type ScimGroup, type ScimTestServer, type ScimUser } from '../../support/scim-server';
import { plantSecret } from '../../support/planted-secrets';
import { teeToRunLog } from '../../support/run-logs';

const RUNBOOK = 'test/fixtures/live/identity-offboarding.yaml';
const PERSON = 'alice@example.com';
const GITHUB_LOGIN = 'alice-gh';
const GITHUB_TOKEN = plantSecret('ghp_offboardingLiveTestToken0123456', 'github token');
const FINAL = ['completed', 'failed', 'rejected', 'cancelled'];

let scim: ScimTestServer;
let bao: OpenBaoServer;
let github: FakeGitHub;
let work: string;
let engine: TestEngine;
const logLines: string[] = [];

let alice: ScimUser;
let bob: ScimUser;
let groups: ScimGroup[];
let aliceToken: IssuedToken;
let firstRun: RunState;
let firstRunId: string;

/** Worker and connector log lines, checked for secrets. */
const logger = pino({ level: 'info' }, teeToRunLog('raw', { write: (line: string) => void logLines.push(line) }));

/** The connectors file names only where secrets live; their values come from `env`. */
async function liveSetup(name: string, env: Record<string, string>): Promise<LiveSetup> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'openbao:',
      `  address: ${bao.address}`,
      '  token: { env: OFFBOARD_BAO_TOKEN }',
      'github:',
      `  api_url: ${github.apiUrl}`,
      '  token: { env: OFFBOARD_GITHUB_TOKEN }',
      '  org: acme',
      'scim:',
      `  base_url: ${scim.baseUrl}`,
      '  token: { env: OFFBOARD_SCIM_TOKEN }',
      'access_report:',
      '  systems: [scim, openbao, github]',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(file, env);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return await buildLiveSetup(loaded.config, { logger, dataDir: path.join(work, `${name}-data`) });
}

async function runToEnd(target: TestEngine, incident: string): Promise<RunState> {
  const workflowId = await target.start(RUNBOOK, { person: PERSON, github_login: GITHUB_LOGIN, vault_accessor: aliceToken.accessor }, { mode: 'live', incident });
  return waitForState(() => getRunState(target.client, workflowId), (state) => FINAL.includes(state.status), 90_000);
}

const step = (state: RunState, id: string) => state.steps.find((candidate) => candidate.id === id)!;

beforeAll(async () => {
  [scim, bao, github] = await Promise.all([startScimServer(), startOpenBao(), startFakeGitHub({ org: 'acme', token: GITHUB_TOKEN, prefix: '/api/v3' })]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-offboarding-live-'));

  alice = await scim.createUser(PERSON, { emails: [PERSON] });
  bob = await scim.createUser('bob@example.com');
  groups = [await scim.createGroup('engineering', [alice.id, bob.id]), await scim.createGroup('prod-admins', [alice.id])];
  await bao.writePolicy('app-reader', 'path "secret/data/app" { capabilities = ["read"] }');
  aliceToken = await bao.createToken(['app-reader'], 'alice');
  github.setMember(GITHUB_LOGIN, { state: 'active', role: 'member' });
  // GitHub's secondary rate limit hits the first removal; the step must wait and retry, not give up.
  github.failNext(
    { method: 'DELETE', path: /^\/orgs\/acme\/members\// },
    { status: 403, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit.', documentation_url: 'https://docs.github.com/rest' } },
  );

  const env = { OFFBOARD_BAO_TOKEN: bao.rootToken, OFFBOARD_GITHUB_TOKEN: GITHUB_TOKEN, OFFBOARD_SCIM_TOKEN: scim.token };
  engine = await startTestEngine('identity-live', { live: await liveSetup('connectors', env), logger });
  firstRun = await runToEnd(engine, `INC-offboard-${Date.now()}`);
  firstRunId = firstRun.workflowId;
});

afterAll(async () => {
  await engine?.stop();
  await Promise.all([scim?.stop(), bao?.stop(), github?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the live run completes; every step acted (end-sessions found the user already inactive)', () => {
  expect({ status: firstRun.status, failure: firstRun.failure }).toEqual({ status: 'completed', failure: undefined });
  expect(firstRun.mode).toBe('live');
  for (const id of ['disable-identity', 'revoke-vault-token', 'remove-github']) {
    expect(step(firstRun, id)).toMatchObject({ status: 'succeeded', alreadyDone: false });
  }
  expect(step(firstRun, 'end-sessions')).toMatchObject({ status: 'succeeded', alreadyDone: true });
});

test('SCIM: the person reads back inactive and in no group; the other member is untouched', async () => {
  expect(await scim.getUser(alice.id)).toMatchObject({ userName: PERSON, active: false });
  expect((await scim.getGroup(groups[0].id)).members?.map((m) => m.value)).toEqual([bob.id]);
  expect((await scim.getGroup(groups[1].id)).members ?? []).toEqual([]);
  expect(await scim.getUser(bob.id)).toMatchObject({ active: true });
});

test('OpenBao: the token no longer authenticates; GitHub: membership removed after one throttled attempt', async () => {
  expect(await bao.authStatus(aliceToken.token)).toBe(403);
  expect(github.membership(GITHUB_LOGIN)).toBeUndefined();
  const deletes = github.requests.filter((r) => r.method === 'DELETE' && r.path === `/orgs/acme/members/${GITHUB_LOGIN}`);
  expect(deletes).toHaveLength(2);
});

test('the remaining-access report lists scim, openbao and github as removed', () => {
  expect(step(firstRun, 'access-report').output).toMatchObject({
    principal: PERSON,
    systems: [
      { system: 'scim', identity: PERSON, status: 'removed' },
      { system: 'openbao', identity: aliceToken.accessor, status: 'removed' },
      { system: 'github', identity: GITHUB_LOGIN, status: 'removed' },
    ],
    zero_remaining_access: true,
    remaining: 0,
    unknown: 0,
  });
});

test('no secret value reaches the workflow history or the worker log', async () => {
  const history = await historyText(engine.client, firstRunId);
  expect(history).toContain(aliceToken.accessor);
  const logs = logLines.join('');
  expect(logs).toContain('secondary rate limit');
  for (const secret of [bao.rootToken, scim.token, GITHUB_TOKEN, aliceToken.token]) {
    expect(history).not.toContain(secret);
    expect(logs).not.toContain(secret);
  }
});

test('a second run of the same offboarding changes nothing and reports every action as already done', async () => {
  const requestsBefore = github.requests.filter((r) => r.method === 'DELETE').length;
  const second = await runToEnd(engine, `INC-offboard-again-${Date.now()}`);
  expect(second.status).toBe('completed');
  for (const id of ['disable-identity', 'end-sessions', 'revoke-vault-token', 'remove-github']) {
    expect(step(second, id)).toMatchObject({ status: 'succeeded', alreadyDone: true });
  }
  expect(step(second, 'access-report').output).toMatchObject({ zero_remaining_access: true });
  expect(github.requests.filter((r) => r.method === 'DELETE').length).toBe(requestsBefore);
});

test('a refused OpenBao token stops the live run before its first step, naming the connector', async () => {
  const refused = await startTestEngine('identity-live-refused', {
    live: await liveSetup('refused', { OFFBOARD_BAO_TOKEN: 'not-the-root-token', OFFBOARD_GITHUB_TOKEN: GITHUB_TOKEN, OFFBOARD_SCIM_TOKEN: scim.token }),
  });
  try {
    const carolToken = await bao.createToken(['app-reader'], 'carol');
    const state = await runToEnd(refused, `INC-offboard-refused-${Date.now()}`);
    expect(state.status).toBe('failed');
    expect(state.failure?.message).toMatch(/connector openbao is failing: token: .*HTTP 403/);
    expect(state.steps.every((s) => s.status === 'pending' || s.status === 'skipped')).toBe(true);
    expect(await bao.authStatus(carolToken.token)).toBe(200);
  } finally {
    await refused.stop();
  }
});
