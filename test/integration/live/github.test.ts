/**
 * GitHub connector against test/support/fake-github.ts (no local GitHub exists), served under a
 * GHES-style /api/v3 prefix: organisation membership removal and deploy-key deletion with their
 * idempotent repeats (which report what is in effect, also on a retry through the activity
 * envelope), the documented request headers, and the rate-limit rules that make a 403
 * "throttled" rather than "forbidden".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionResult } from '../../../activities/action-request';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import { ACTION_CATALOGUE, type ActionName } from '../../../common/actions';
import { ErrorType } from '../../../common/errors';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github';
import { plantSecret } from '../../support/planted-secrets';
import { envelopeOver, liveStepRequest, retryAfterFirstAttemptDied, type Envelope } from '../../support/first-attempt-dies';
import { runLogger } from '../../support/temporal';

const TOKEN_ENV = 'QUELL_TEST_GITHUB_TOKEN';
const TOKEN = plantSecret('ghp_fakeTokenForQuellTests0123456789', 'github token');
const ORG = 'acme';

let github: FakeGitHub;
let work: string;
let live: LiveSetup;

async function liveSetupFor(name: string, token: string): Promise<LiveSetup> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    ['version: 1', 'github:', `  api_url: ${github.apiUrl}`, `  token: { env: ${TOKEN_ENV} }`, `  org: ${ORG}`, 'access_report:', '  systems: [github]', ''].join('\n'),
  );
  const loaded = loadConnectorsFile(file, { [TOKEN_ENV]: token });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, 'data') });
}

async function perform(setup: LiveSetup, action: ActionName, params: Record<string, unknown>): Promise<ActionOutcome> {
  const validated = ACTION_CATALOGUE[action].with.parse(params) as Record<string, unknown>;
  const context: ActionContext = {
    workflowId: 'github-test',
    runId: 'run-1',
    stepId: action,
    mode: 'live',
    idempotencyKey: `github-test/${action}`,
    heartbeat: () => {},
  };
  return setup.actions[action]!.perform(action, validated, context);
}

const removeMember = (login: string) => perform(live, 'sessions.revoke', { provider: 'github', principal: login });
const requestsSince = (mark: number) => github.requests.slice(mark).map((r) => `${r.method} ${r.path}`);

beforeAll(async () => {
  github = await startFakeGitHub({ org: ORG, token: TOKEN, prefix: '/api/v3' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-github-'));
  live = await liveSetupFor('connectors', TOKEN);
});

afterAll(async () => {
  await github?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('sessions.revoke with provider github (organisation membership)', () => {
  test('removes an active member with the documented requests; a repeat is alreadyDone', async () => {
    github.setMember('mallory', { state: 'active', role: 'member' });
    const mark = github.requests.length;

    const first = await removeMember('mallory');
    expect(first).toMatchObject({
      alreadyDone: false,
      output: { provider: 'github', principal: 'mallory', org: ORG, previous_state: 'active', previous_role: 'member', removed: true, verified: true },
    });
    expect(github.membership('mallory')).toBeUndefined();
    expect(requestsSince(mark)).toEqual(['GET /orgs/acme/memberships/mallory', 'DELETE /orgs/acme/members/mallory', 'GET /orgs/acme/memberships/mallory']);
    for (const request of github.requests.slice(mark)) {
      expect(request.headers).toMatchObject({
        authorization: `Bearer ${TOKEN}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      });
    }

    // The repeat changes nothing but says what is in effect; what the membership was is unknown.
    const second = await removeMember('mallory');
    expect(second).toMatchObject({ alreadyDone: true, output: { previous_state: null, previous_role: null, removed: true, unknown_fields: ['previous_state', 'previous_role'] } });
    expect(JSON.stringify([first.output, second.output])).not.toContain(TOKEN);
  });

  test('cancels a pending invitation through the membership endpoint', async () => {
    github.setMember('newbie', { state: 'pending', role: 'member' });
    const mark = github.requests.length;
    await expect(removeMember('newbie')).resolves.toMatchObject({ alreadyDone: false, output: { previous_state: 'pending' } });
    expect(requestsSince(mark)).toContain('DELETE /orgs/acme/memberships/newbie');
    expect(github.membership('newbie')).toBeUndefined();
  });

  test('an email is not a login: invalid input, nothing sent', async () => {
    const mark = github.requests.length;
    await expect(removeMember('mallory@example.com')).rejects.toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true });
    expect(github.requests.length).toBe(mark);
  });
});

describe('credentials.revoke with provider github (deploy keys)', () => {
  test('deletes the deploy key; a repeat is alreadyDone; other keys stay', async () => {
    github.addRepository('acme/api');
    const leaked = github.addDeployKey('acme/api', 'ci deploy key');
    const other = github.addDeployKey('acme/api', 'backup key');

    const first = await perform(live, 'credentials.revoke', { provider: 'github', principal: 'acme/api', key_id: String(leaked) });
    expect(first).toMatchObject({ alreadyDone: false, output: { principal: 'acme/api', key_id: String(leaked), title: 'ci deploy key', key_status: 'Deleted', verified: true } });
    expect(github.hasDeployKey('acme/api', leaked)).toBe(false);
    expect(github.hasDeployKey('acme/api', other)).toBe(true);

    const second = await perform(live, 'credentials.revoke', { provider: 'github', principal: 'acme/api', key_id: String(leaked) });
    expect(second).toMatchObject({ alreadyDone: true, output: { key_status: 'Deleted', title: null, unknown_fields: ['title', 'read_only', 'created_at'] } });
  });

  test('an invisible repository is NotFound, a login without key_id is invalid input', async () => {
    await expect(perform(live, 'credentials.revoke', { provider: 'github', principal: 'acme/secret-repo', key_id: '1' })).rejects.toMatchObject({
      type: ErrorType.NotFound,
      nonRetryable: true,
    });
    await expect(perform(live, 'credentials.revoke', { provider: 'github', principal: 'mallory' })).rejects.toMatchObject({
      type: ErrorType.InvalidInput,
      message: expect.stringContaining('sessions.revoke'),
    });
  });
});

describe('a retry that finds the change its first attempt made (through the activity envelope)', () => {
  let envelope: Envelope;
  beforeAll(() => {
    envelope = envelopeOver(live, work);
  });

  /**
   * Attempt 1 as the envelope runs it, cut off after GitHub made the change (its intent note and
   * the effect, no report), then attempt 2 of the same step, with the same idempotency key.
   */
  const retryAfterDeath = (action: 'credentials.revoke' | 'sessions.revoke', params: Record<string, unknown>, stepId: string): Promise<ActionResult> =>
    retryAfterFirstAttemptDied(envelope, liveStepRequest('wf-github-retry', action, params, stepId));
  const foundOnRetry = { found_on_retry: true, found_on_attempt: 2, effect_by: 'this-run', effect_evidence: expect.stringContaining('attempt 1 started it and never reported back') as string };

  test('organisation membership: the retry reports the login removed, and what the membership was as unknown', async () => {
    github.setMember('oscar', { state: 'active', role: 'admin' });
    const retry = await retryAfterDeath('sessions.revoke', { provider: 'github', principal: 'oscar' }, 'remove-oscar');
    expect(retry).toEqual({
      provider: 'live:sessions.revoke',
      alreadyDone: true,
      output: {
        ...{ provider: 'github', principal: 'oscar', org: ORG, previous_state: null, previous_role: null, removed: true },
        verified: true,
        verification: 'no membership (HTTP 404)',
        unknown_fields: ['previous_state', 'previous_role'],
        unknown_because: expect.stringContaining(`oscar has no membership or invitation in ${ORG} now`) as string,
        ...foundOnRetry,
      },
    });
    expect(github.membership('oscar')).toBeUndefined();
  });

  test('deploy key: the retry reports the key deleted, with the same fields as the deletion and its details unknown', async () => {
    github.addRepository('acme/web');
    const key = github.addDeployKey('acme/web', 'release key');
    const retry = await retryAfterDeath('credentials.revoke', { provider: 'github', principal: 'acme/web', key_id: String(key) }, 'delete-key');
    expect(retry).toEqual({
      provider: 'live:credentials.revoke',
      alreadyDone: true,
      output: {
        ...{ provider: 'github', principal: 'acme/web', key_id: String(key), key_status: 'Deleted', title: null, read_only: null, created_at: null },
        verified: true,
        verification: 'deploy key answers 404',
        unknown_fields: ['title', 'read_only', 'created_at'],
        unknown_because: expect.stringContaining(`deploy key ${key} of acme/web already answered 404`) as string,
        ...foundOnRetry,
      },
    });
    expect(github.hasDeployKey('acme/web', key)).toBe(false);
  });
});

describe('failure classes', () => {
  beforeEach(() => github.setMember('trudy', { state: 'active', role: 'member' }));

  const rejectionOf = async (login = 'trudy') => (await removeMember(login).catch((error: unknown) => error)) as Record<string, unknown>;
  // throttledFailure hands Temporal the delay in milliseconds.
  const delayMs = (failure: Record<string, unknown>) => failure.nextRetryDelay as number;

  test('a secondary rate limit (403 with Retry-After) is throttled for that long, not an auth failure', async () => {
    github.failNext(
      { method: 'DELETE', path: /^\/orgs\/acme\/members\// },
      { status: 403, headers: { 'retry-after': '30' }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest' } },
    );
    const failure = await rejectionOf();
    expect(failure).toMatchObject({ type: ErrorType.Throttled, nonRetryable: false });
    expect(delayMs(failure)).toBe(30_000);
    // Retried after the wait, the removal goes through.
    await expect(removeMember('trudy')).resolves.toMatchObject({ alreadyDone: false });
  });

  test('an exhausted primary limit (x-ratelimit-remaining: 0) waits until x-ratelimit-reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    github.failNext(
      { method: 'GET', path: /^\/orgs\/acme\/memberships\// },
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded for user ID 1.' } },
    );
    const failure = await rejectionOf();
    expect(failure).toMatchObject({ type: ErrorType.Throttled, nonRetryable: false });
    expect(delayMs(failure)).toBeGreaterThan(110_000);
    expect(delayMs(failure)).toBeLessThanOrEqual(120_000);
  });

  test('a secondary-limit message without headers waits a minute; 429 is throttled too', async () => {
    github.failNext({ method: 'GET', path: /memberships/ }, { status: 403, body: { message: 'You have exceeded a secondary rate limit.' } });
    expect(delayMs(await rejectionOf())).toBe(60_000);
    github.failNext({ method: 'GET', path: /memberships/ }, { status: 429, headers: { 'retry-after': '2' }, body: { message: 'Too many requests' } });
    expect(await rejectionOf()).toMatchObject({ type: ErrorType.Throttled, nonRetryable: false });
  });

  test('a plain 403 and a bad token are non-retryable auth failures; a 502 is retryable', async () => {
    github.failNext({ method: 'DELETE', path: /members/ }, { status: 403, body: { message: 'You must be an admin to remove a member' } });
    expect(await rejectionOf()).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true });

    const refused = await liveSetupFor('wrong-token', 'ghp_wrongTokenValue000');
    const failure = (await perform(refused, 'sessions.revoke', { provider: 'github', principal: 'trudy' }).catch((error: unknown) => error)) as Error;
    expect(failure).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true, message: expect.stringContaining('Bad credentials') });
    expect(failure.message).not.toContain('ghp_wrongTokenValue000');

    github.failNext({ method: 'GET', path: /memberships/ }, { status: 502, body: { message: 'Server Error' } });
    expect(await rejectionOf()).toMatchObject({ type: ErrorType.Unavailable, nonRetryable: false });
    expect(github.membership('trudy')).toBeDefined();
  });
});

describe('github connector and access probe', () => {
  test('probes pass for an owner token and fail for a refused one', async () => {
    const probes = await live.connectors.get('github')!.check();
    expect(probes.map((p) => [p.name, p.ok])).toEqual([
      ['api', true],
      ['organisation', true],
      ['owner', true],
    ]);
    const refused = await (await liveSetupFor('probe-wrong-token', 'ghp_anotherWrongToken0')).connectors.get('github')!.check();
    expect(refused.every((p) => !p.ok)).toBe(true);
  });

  test('the owner probe fails when the token user is only a member', async () => {
    github.setMember('quell-bot', { state: 'active', role: 'member' });
    try {
      const owner = (await live.connectors.get('github')!.check()).find((p) => p.name === 'owner');
      expect(owner).toMatchObject({ ok: false, detail: expect.stringContaining('needs an owner') });
    } finally {
      github.setMember('quell-bot', { state: 'active', role: 'admin' });
    }
  });

  test('access report: present while a member, removed after, unknown for an email', async () => {
    github.setMember('peggy', { state: 'active', role: 'member' });
    const report = async (identities?: Record<string, string>) =>
      (await perform(live, 'identity.access_report', { principal: 'peggy@example.com', ...(identities ? { identities } : {}) })).output;
    expect(await report({ github: 'peggy' })).toMatchObject({ systems: [{ identity: 'peggy', status: 'present' }], remaining: 1 });
    await removeMember('peggy');
    expect(await report({ github: 'peggy' })).toMatchObject({ systems: [{ status: 'removed' }], zero_remaining_access: true });
    expect(await report()).toMatchObject({ systems: [{ status: 'unknown' }], unknown: 1, zero_remaining_access: false });
  });
});
