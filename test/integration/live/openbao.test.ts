/**
 * OpenBao connector against a real `bao server -dev`: revocation by accessor (with a token that
 * really authenticates first and really stops afterwards), by lease prefix and by entity;
 * idempotent repeats that report what is in effect (also on a retry through the activity
 * envelope); failure classes (refused root token, unreachable server, unsafe targets); the
 * connector probes and the remaining-access answer.
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
import { startOpenBao, type OpenBaoServer } from '../../support/openbao';
import { freePort } from '../../support/server-process';
import { plantSecret } from '../../support/planted-secrets';
import { envelopeOver, liveStepRequest, retryAfterFirstAttemptDied, type Envelope } from '../../support/first-attempt-dies';
import { runLogger } from '../../support/temporal';

const TOKEN_ENV = 'QUELL_TEST_OPENBAO_TOKEN';

let bao: OpenBaoServer;
let work: string;
let live: LiveSetup;

/** Loads a connectors file written to the temp dir, with the token given through `env`. */
async function liveSetupFor(name: string, address: string, token: string): Promise<LiveSetup> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    ['version: 1', 'openbao:', `  address: ${address}`, `  token: { env: ${TOKEN_ENV} }`, 'access_report:', '  systems: [openbao]', ''].join('\n'),
  );
  const loaded = loadConnectorsFile(file, { [TOKEN_ENV]: token });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, 'data') });
}

/** What the activity does after validation: the catalogue's zod check, then the live action. */
async function perform(setup: LiveSetup, action: ActionName, params: Record<string, unknown>): Promise<ActionOutcome> {
  const validated = ACTION_CATALOGUE[action].with.parse(params) as Record<string, unknown>;
  const context: ActionContext = {
    workflowId: 'openbao-test',
    runId: 'run-1',
    stepId: action,
    mode: 'live',
    idempotencyKey: `openbao-test/${action}`,
    heartbeat: () => {},
  };
  return setup.actions[action]!.perform(action, validated, context);
}

beforeAll(async () => {
  bao = await startOpenBao();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-openbao-'));
  live = await liveSetupFor('connectors', bao.address, bao.rootToken);
  await bao.writePolicy('app-reader', 'path "secret/data/app" { capabilities = ["read"] }');
  const written = await bao.api('POST', 'secret/data/app', { data: { password: 'app-db-password' } });
  expect(written.status).toBe(200);
});

afterAll(async () => {
  await bao?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('credentials.revoke with provider openbao', () => {
  test('revokes a working token by accessor; it can no longer authenticate; a repeat is alreadyDone', async () => {
    const issued = await bao.createToken(['app-reader'], 'alice-laptop');
    // The token works before: it authenticates and its policy lets it read the secret.
    expect(await bao.authStatus(issued.token)).toBe(200);
    expect((await bao.api('GET', 'secret/data/app', undefined, issued.token)).status).toBe(200);

    const first = await perform(live, 'credentials.revoke', { provider: 'openbao', principal: 'alice@example.com', key_id: issued.accessor });
    expect(first.alreadyDone).toBe(false);
    expect(first.output).toMatchObject({
      provider: 'openbao',
      principal: 'alice@example.com',
      target_kind: 'accessor',
      verified: true,
      revoked_tokens: [{ accessor: issued.accessor, display_name: 'token-alice-laptop', policies: ['app-reader', 'default'] }],
    });

    expect(await bao.authStatus(issued.token)).toBe(403);
    expect((await bao.api('GET', 'secret/data/app', undefined, issued.token)).status).toBe(403);

    // The repeat changes nothing but says what is in effect: the accessor no longer resolves.
    const second = await perform(live, 'credentials.revoke', { provider: 'openbao', principal: 'alice@example.com', key_id: issued.accessor });
    expect(second.alreadyDone).toBe(true);
    expect(second.output).toMatchObject({ revoked_tokens: [{ accessor: issued.accessor, display_name: null, policies: null }], verified: true });
    // No token, root or revoked, ever reaches an output.
    for (const output of [first.output, second.output]) {
      expect(JSON.stringify(output)).not.toContain(issued.token);
      expect(JSON.stringify(output)).not.toContain(bao.rootToken);
    }
  });

  test('a bare accessor as principal works without key_id', async () => {
    const issued = await bao.createToken(['app-reader'], 'ci-runner');
    const outcome = await perform(live, 'credentials.revoke', { provider: 'openbao', principal: issued.accessor });
    expect(outcome).toMatchObject({ alreadyDone: false, output: { target: `accessor ${issued.accessor}` } });
    expect(await bao.authStatus(issued.token)).toBe(403);
  });

  test('a wrong root token in the connectors file fails as non-retryable QuellAuthFailed, without the token in the message', async () => {
    const issued = await bao.createToken(['app-reader'], 'still-valid');
    const wrongToken = plantSecret('wrong-root-token-value', 'wrong openbao root token');
    const refused = await liveSetupFor('wrong-token', bao.address, wrongToken);
    const failure = await perform(refused, 'credentials.revoke', { provider: 'openbao', principal: issued.accessor }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true });
    expect((failure as Error).message).toMatch(/^openbao: .*HTTP 403/);
    expect((failure as Error).message).not.toContain(wrongToken);
    // Nothing was revoked with the refused token.
    expect(await bao.authStatus(issued.token)).toBe(200);
  });

  test('an unreachable server is a retryable QuellUnavailable', async () => {
    const closed = await liveSetupFor('unreachable', `http://127.0.0.1:${await freePort()}`, bao.rootToken);
    await expect(perform(closed, 'credentials.revoke', { provider: 'openbao', principal: 'accessor:whatever' })).rejects.toMatchObject({
      type: ErrorType.Unavailable,
      nonRetryable: false,
    });
  });

  test('targets that are not OpenBao identities, too broad, or the connector itself are refused as invalid input', async () => {
    const self = await bao.api('GET', 'auth/token/lookup-self');
    const ownAccessor = (self.body.data as { accessor: string }).accessor;
    for (const principal of ['alice@example.com', 'lease-prefix:auth', 'lease-prefix:auth/token', `accessor:${ownAccessor}`]) {
      await expect(perform(live, 'credentials.revoke', { provider: 'openbao', principal })).rejects.toMatchObject({
        type: ErrorType.InvalidInput,
        nonRetryable: true,
      });
    }
    await expect(
      perform(live, 'credentials.revoke', { provider: 'openbao', principal: 'alice@example.com', key_id: 'lease-prefix:auth/userpass/login/alice' }),
    ).rejects.toMatchObject({ type: ErrorType.InvalidInput, message: expect.stringContaining('key_id must be a token accessor') });
    // The connector's token survived the attempt on itself.
    expect(await bao.authStatus(bao.rootToken)).toBe(200);
  });
});

describe('sessions.revoke with provider openbao', () => {
  test('lease-prefix ends every login of one user and no other user', async () => {
    await bao.createUserpassUser('alice', 'alice-password-1', ['app-reader']);
    await bao.createUserpassUser('bob', 'bob-password-1', ['app-reader']);
    const aliceSessions = [await bao.login('alice', 'alice-password-1'), await bao.login('alice', 'alice-password-1')];
    const bobSession = await bao.login('bob', 'bob-password-1');

    const outcome = await perform(live, 'sessions.revoke', { provider: 'openbao', principal: 'lease-prefix:auth/userpass/login/alice' });
    expect(outcome).toMatchObject({ alreadyDone: false, output: { target_kind: 'lease-prefix', lease_entries_revoked: 2, verified: true } });
    for (const session of aliceSessions) expect(await bao.authStatus(session.token)).toBe(403);
    expect(await bao.authStatus(bobSession.token)).toBe(200);

    const repeat = await perform(live, 'sessions.revoke', { provider: 'openbao', principal: 'lease-prefix:auth/userpass/login/alice' });
    // How many leases there were is gone with them: unknown, not zero.
    expect(repeat).toMatchObject({ alreadyDone: true, output: { lease_entries_revoked: null, unknown_fields: ['lease_entries_revoked'] } });
  });

  test('entity:<id> revokes every token bound to the entity', async () => {
    await bao.createUserpassUser('carol', 'carol-password-1', ['app-reader']);
    const sessions = [await bao.login('carol', 'carol-password-1'), await bao.login('carol', 'carol-password-1')];
    const bystander = await bao.createToken(['app-reader'], 'bystander');
    expect(sessions[0].entityId).not.toBe('');
    expect(sessions[1].entityId).toBe(sessions[0].entityId);

    const outcome = await perform(live, 'sessions.revoke', { provider: 'openbao', principal: `entity:${sessions[0].entityId}` });
    expect(outcome.alreadyDone).toBe(false);
    expect((outcome.output.revoked_tokens as Array<{ accessor: string }>).map((t) => t.accessor).sort()).toEqual(
      sessions.map((s) => s.accessor).sort(),
    );
    for (const session of sessions) expect(await bao.authStatus(session.token)).toBe(403);
    expect(await bao.authStatus(bystander.token)).toBe(200);

    const repeat = await perform(live, 'sessions.revoke', { provider: 'openbao', principal: `entity:${sessions[0].entityId}` });
    expect(repeat.alreadyDone).toBe(true);
  });
});

describe('a retry that finds the revocation its first attempt made (through the activity envelope)', () => {
  let envelope: Envelope;
  beforeAll(() => {
    envelope = envelopeOver(live, work);
  });

  /**
   * Attempt 1 as the envelope runs it, cut off after OpenBao revoked (its intent note and the
   * effect, no report), then attempt 2 of the same step, with the same idempotency key.
   */
  const retryAfterDeath = (action: 'credentials.revoke' | 'sessions.revoke', params: Record<string, unknown>, stepId: string): Promise<ActionResult> =>
    retryAfterFirstAttemptDied(envelope, liveStepRequest('wf-openbao-retry', action, params, stepId));
  const foundOnRetry = { found_on_retry: true, found_on_attempt: 2, effect_by: 'this-run', effect_evidence: expect.stringContaining('attempt 1 started it and never reported back') as string };

  test('by accessor: the retry reports the accessor revoked, and the token details it can no longer read as unknown', async () => {
    const issued = await bao.createToken(['app-reader'], 'erin-laptop');
    const retry = await retryAfterDeath('credentials.revoke', { provider: 'openbao', principal: 'erin@example.com', key_id: issued.accessor }, 'revoke-token');
    expect(retry).toEqual({
      provider: 'live:credentials.revoke',
      alreadyDone: true,
      output: {
        ...{ provider: 'openbao', principal: 'erin@example.com', target: `accessor ${issued.accessor}`, target_kind: 'accessor' },
        revoked_tokens: [{ accessor: issued.accessor, display_name: null, policies: null, entity_id: null, expire_time: null }],
        lease_entries_revoked: 0,
        verified: true,
        verification: `lookup-accessor answers "invalid accessor" for ${issued.accessor}`,
        unknown_fields: ['revoked_tokens[].display_name', 'revoked_tokens[].policies', 'revoked_tokens[].entity_id', 'revoked_tokens[].expire_time'],
        unknown_because: expect.stringContaining(`no live token answers to accessor ${issued.accessor}`) as string,
        ...foundOnRetry,
      },
    });
    expect(await bao.authStatus(issued.token)).toBe(403);
  });

  test('by lease prefix and by entity: what is gone is in effect, and the counts the server no longer has are unknown, not zero', async () => {
    await bao.createUserpassUser('frank', 'frank-password-1', ['app-reader']);
    await bao.login('frank', 'frank-password-1');
    const byPrefix = await retryAfterDeath('sessions.revoke', { provider: 'openbao', principal: 'lease-prefix:auth/userpass/login/frank' }, 'revoke-frank');
    expect(byPrefix).toMatchObject({
      alreadyDone: true,
      output: { target_kind: 'lease-prefix', revoked_tokens: [], lease_entries_revoked: null, unknown_fields: ['lease_entries_revoked'], verified: true, ...foundOnRetry },
    });

    await bao.createUserpassUser('gina', 'gina-password-1', ['app-reader']);
    const session = await bao.login('gina', 'gina-password-1');
    const byEntity = await retryAfterDeath('sessions.revoke', { provider: 'openbao', principal: `entity:${session.entityId}` }, 'revoke-gina');
    expect(byEntity).toMatchObject({
      alreadyDone: true,
      output: { target_kind: 'entity', revoked_tokens: null, lease_entries_revoked: 0, unknown_fields: ['revoked_tokens'], verified: true, ...foundOnRetry },
    });
    expect(await bao.authStatus(session.token)).toBe(403);
  });
});

describe('openbao connector and access probe', () => {
  test('probes pass with the root token and name the failure with a refused one', async () => {
    const probes = await live.connectors.get('openbao')!.check();
    expect(probes.map((p) => [p.name, p.ok])).toEqual([
      ['health', true],
      ['token', true],
      ['capabilities', true],
    ]);
    expect(probes[0].detail).toContain('2.7');

    const refused = await (await liveSetupFor('probe-wrong-token', bao.address, 'another-wrong-token')).connectors.get('openbao')!.check();
    expect(refused.map((p) => [p.name, p.ok])).toEqual([
      ['health', true],
      ['token', false],
      ['capabilities', false],
    ]);
    expect(refused[1].detail).toContain('HTTP 403');
  });

  test('the access report says present while the token lives, removed after revocation, unknown for an email', async () => {
    const issued = await bao.createToken(['app-reader'], 'dave-laptop');
    const report = async () =>
      (await perform(live, 'identity.access_report', { principal: 'dave@example.com', identities: { openbao: issued.accessor } })).output;

    expect(await report()).toMatchObject({ systems: [{ system: 'openbao', identity: issued.accessor, status: 'present' }], remaining: 1, zero_remaining_access: false });
    await perform(live, 'credentials.revoke', { provider: 'openbao', principal: 'dave@example.com', key_id: issued.accessor });
    expect(await report()).toMatchObject({ systems: [{ system: 'openbao', status: 'removed' }], remaining: 0, zero_remaining_access: true });

    const unnamed = await perform(live, 'identity.access_report', { principal: 'dave@example.com' });
    expect(unnamed.output).toMatchObject({ systems: [{ system: 'openbao', status: 'unknown' }], unknown: 1, zero_remaining_access: false });
  });
});
