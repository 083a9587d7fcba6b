/**
 * SCIM connector against a real scim2-server: deprovisioning deactivates the user and takes them
 * out of every group (and only them), read back over SCIM; repeats are alreadyDone and report
 * what is in effect (also on a retry through the activity envelope); the email fallback,
 * deletion (per step and per connector default), session revocation, the access report's
 * answers, probes and failure classes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionResult } from '../../../activities/action-request';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import { Secret } from '../../../config/secret';
import { ScimClient, type ScimChange } from '../../../connectors/scim/client';
import { removeMember } from '../../../connectors/scim/users';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import { ACTION_CATALOGUE, type ActionName } from '../../../common/actions';
import { ErrorType } from '../../../common/errors';
import { startScimServer, type ScimTestServer } from '../../support/scim-server';
import { envelopeOver, liveStepRequest, retryAfterFirstAttemptDied, type Envelope } from '../../support/first-attempt-dies';
import { runLogger } from '../../support/temporal';

const TOKEN_ENV = 'QUELL_TEST_SCIM_TOKEN';

let scim: ScimTestServer;
let work: string;
let live: LiveSetup;

async function liveSetupFor(name: string, token: string, deleteUsers = false): Promise<LiveSetup> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'scim:',
      `  base_url: ${scim.baseUrl}`,
      `  token: { env: ${TOKEN_ENV} }`,
      `  delete_users: ${deleteUsers}`,
      'access_report:',
      '  systems: [scim]',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(file, { [TOKEN_ENV]: token });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, 'data') });
}

async function perform(setup: LiveSetup, action: ActionName, params: Record<string, unknown>): Promise<ActionOutcome> {
  const validated = ACTION_CATALOGUE[action].with.parse(params) as Record<string, unknown>;
  const context: ActionContext = {
    workflowId: 'scim-test',
    runId: 'run-1',
    stepId: action,
    mode: 'live',
    idempotencyKey: `scim-test/${action}`,
    heartbeat: () => {},
  };
  return setup.actions[action]!.perform(action, validated, context);
}

const memberIds = (group: { members?: Array<{ value: string }> }) => (group.members ?? []).map((member) => member.value).sort();

beforeAll(async () => {
  scim = await startScimServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-scim-'));
  live = await liveSetupFor('connectors', scim.token);
});

afterAll(async () => {
  await scim?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('identity.deprovision with provider scim', () => {
  test('deactivates the user and removes them, and only them, from every group; a repeat is alreadyDone', async () => {
    const alice = await scim.createUser('alice@example.com', { emails: ['alice@example.com'] });
    const bob = await scim.createUser('bob@example.com');
    const engineering = await scim.createGroup('engineering', [alice.id, bob.id]);
    const oncall = await scim.createGroup('on-call', [alice.id]);
    const finance = await scim.createGroup('finance', [bob.id]);

    const first = await perform(live, 'identity.deprovision', { provider: 'scim', user: 'alice@example.com', remove_groups: true });
    expect(first.alreadyDone).toBe(false);
    expect(first.output).toMatchObject({ provider: 'scim', found: true, user_id: alice.id, state: 'inactive', active: false, deactivated: true, deleted: false, verified: true });
    expect((first.output.groups_removed as Array<{ id: string }>).map((g) => g.id).sort()).toEqual([engineering.id, oncall.id].sort());

    // Read back over SCIM: inactive, in no group; bob untouched.
    expect(await scim.getUser(alice.id)).toMatchObject({ active: false });
    expect(memberIds(await scim.getGroup(engineering.id))).toEqual([bob.id]);
    expect(memberIds(await scim.getGroup(oncall.id))).toEqual([]);
    expect(memberIds(await scim.getGroup(finance.id))).toEqual([bob.id]);
    expect(await scim.getUser(bob.id)).toMatchObject({ active: true });

    // The repeat changes nothing but says what is in effect; which groups she left is unknown now.
    const second = await perform(live, 'identity.deprovision', { provider: 'scim', user: 'alice@example.com' });
    expect(second).toMatchObject({
      alreadyDone: true,
      output: { found: true, state: 'inactive', deactivated: true, groups_removed: null, unknown_fields: ['groups_removed'], verified: true },
    });
  });

  test('finds the user by email when the userName differs', async () => {
    const dave = await scim.createUser('dave', { emails: ['dave@example.com'] });
    const outcome = await perform(live, 'identity.deprovision', { provider: 'scim', user: 'dave@example.com' });
    expect(outcome.output).toMatchObject({ user_id: dave.id, deactivated: true });
    expect(await scim.getUser(dave.id)).toMatchObject({ active: false });
  });

  test('delete_user deletes after leaving the groups; a repeat finds nobody and is alreadyDone', async () => {
    const erin = await scim.createUser('erin@example.com');
    const group = await scim.createGroup('contractors', [erin.id]);
    const outcome = await perform(live, 'identity.deprovision', { provider: 'scim', user: 'erin@example.com', delete_user: true });
    expect(outcome).toMatchObject({ alreadyDone: false, output: { deleted: true, verified: true } });
    expect(await scim.getUser(erin.id)).toBeUndefined();
    expect(memberIds(await scim.getGroup(group.id))).toEqual([]);

    const repeat = await perform(live, 'identity.deprovision', { provider: 'scim', user: 'erin@example.com', delete_user: true });
    expect(repeat).toMatchObject({ alreadyDone: true, output: { found: false, state: 'absent', deleted: true, user_id: null, unknown_fields: ['user_id', 'deactivated', 'groups_removed'] } });
  });

  test('the connector default delete_users applies when the step does not say', async () => {
    const deleting = await liveSetupFor('deleting', scim.token, true);
    const frank = await scim.createUser('frank@example.com');
    await perform(deleting, 'identity.deprovision', { provider: 'scim', user: 'frank@example.com' });
    expect(await scim.getUser(frank.id)).toBeUndefined();
  });

  test('a refused token is a non-retryable QuellAuthFailed and changes nothing', async () => {
    const grace = await scim.createUser('grace@example.com');
    const refused = await liveSetupFor('wrong-token', 'not-the-scim-token');
    await expect(perform(refused, 'identity.deprovision', { provider: 'scim', user: 'grace@example.com' })).rejects.toMatchObject({
      type: ErrorType.AuthFailed,
      nonRetryable: true,
    });
    expect(await scim.getUser(grace.id)).toMatchObject({ active: true });
  });
});

describe('concurrent edits (ETags)', () => {
  /** Another administrator adds a member, synchronously, from a separate process. */
  function addMemberElsewhere(groupId: string, userId: string): void {
    const script = `fetch(process.argv[1], { method: 'PATCH', headers: { Authorization: 'Bearer ' + process.env.T, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: process.argv[2] }] }] }) })
      .then((r) => { if (r.status >= 300) process.exit(1); })`;
    execFileSync(process.execPath, ['-e', script, `${scim.baseUrl}/Groups/${groupId}`, userId], { env: { ...process.env, T: scim.token } });
  }

  test('an edit between our read and our write is kept: If-Match gets 412 and the change is re-decided on fresh data', async () => {
    const judy = await scim.createUser('judy@example.com');
    const karl = await scim.createUser('karl@example.com');
    const group = await scim.createGroup('platform', [judy.id]);
    const client = new ScimClient({ base_url: scim.baseUrl, token: new Secret(scim.token, 'env:TEST'), delete_users: false });
    const removal = removeMember(judy.id);
    let decisions = 0;
    const racingRemoval: ScimChange = {
      ...removal,
      operations(resource) {
        decisions += 1;
        if (decisions === 1) addMemberElsewhere(group.id, karl.id);
        return removal.operations(resource);
      },
    };

    await expect(client.update('Groups', group.id, racingRemoval, 'remove judy')).resolves.toBe(true);
    expect(decisions).toBe(2);
    expect(memberIds(await scim.getGroup(group.id))).toEqual([karl.id]);
  });
});

describe('sessions.revoke with provider scim', () => {
  test('deactivates without touching group memberships', async () => {
    const heidi = await scim.createUser('heidi@example.com');
    const group = await scim.createGroup('support', [heidi.id]);
    const outcome = await perform(live, 'sessions.revoke', { provider: 'scim', principal: 'heidi@example.com' });
    expect(outcome).toMatchObject({ alreadyDone: false, output: { method: 'deactivate', principal: 'heidi@example.com', active: false } });
    expect(await scim.getUser(heidi.id)).toMatchObject({ active: false });
    expect(memberIds(await scim.getGroup(group.id))).toEqual([heidi.id]);
    await expect(perform(live, 'sessions.revoke', { provider: 'scim', principal: 'heidi@example.com' })).resolves.toMatchObject({ alreadyDone: true });
  });
});

describe('a retry that finds the change its first attempt made (through the activity envelope)', () => {
  let envelope: Envelope;
  beforeAll(() => {
    envelope = envelopeOver(live, work);
  });

  /**
   * Attempt 1 as the envelope runs it, cut off after SCIM made the change (its intent note and the
   * effect, no report), then attempt 2 of the same step, with the same idempotency key.
   */
  const retryAfterDeath = (action: 'identity.deprovision' | 'sessions.revoke', params: Record<string, unknown>, stepId: string): Promise<ActionResult> =>
    retryAfterFirstAttemptDied(envelope, liveStepRequest('wf-scim-retry', action, params, stepId));
  const foundOnRetry = { found_on_retry: true, found_on_attempt: 2, effect_by: 'this-run', effect_evidence: expect.stringContaining('attempt 1 started it and never reported back') as string };

  test('deprovision: the retry reports the user deactivated (read back inactive), and the groups they left as unknown', async () => {
    const kate = await scim.createUser('kate@example.com');
    const group = await scim.createGroup('design', [kate.id]);
    const retry = await retryAfterDeath('identity.deprovision', { provider: 'scim', user: 'kate@example.com' }, 'deprovision-kate');
    expect(retry).toEqual({
      provider: 'live:identity.deprovision',
      alreadyDone: true,
      output: {
        ...{ provider: 'scim', user: 'kate@example.com', found: true, user_id: kate.id, state: 'inactive', active: false },
        ...{ deactivated: true, groups_removed: null, deleted: false },
        verified: true,
        verification: 'user reads back inactive; no group lists them',
        unknown_fields: ['groups_removed'],
        unknown_because: expect.stringContaining('no group lists kate@example.com now') as string,
        ...foundOnRetry,
      },
    });
    expect(await scim.getUser(kate.id)).toMatchObject({ active: false });
    expect(memberIds(await scim.getGroup(group.id))).toEqual([]);
  });

  test('deprovision with delete_user: the retry reports the user deleted, and who they were as unknown', async () => {
    const liam = await scim.createUser('liam@example.com');
    const retry = await retryAfterDeath('identity.deprovision', { provider: 'scim', user: 'liam@example.com', delete_user: true }, 'delete-liam');
    expect(retry).toMatchObject({
      alreadyDone: true,
      output: { found: false, user_id: null, state: 'absent', deleted: true, deactivated: null, groups_removed: null, unknown_fields: ['user_id', 'deactivated', 'groups_removed'], ...foundOnRetry },
    });
    expect(await scim.getUser(liam.id)).toBeUndefined();
  });

  test('sessions.revoke: the retry reports the user deactivated, groups untouched and not unknown', async () => {
    const mona = await scim.createUser('mona@example.com');
    const retry = await retryAfterDeath('sessions.revoke', { provider: 'scim', principal: 'mona@example.com' }, 'revoke-mona');
    expect(retry).toMatchObject({ alreadyDone: true, output: { method: 'deactivate', user_id: mona.id, state: 'inactive', deactivated: true, groups_removed: [], ...foundOnRetry } });
    expect(retry.output).not.toHaveProperty('unknown_fields');
  });
});

describe('scim access probe and connector', () => {
  test('present while active, present while inactive but grouped, removed once out of every group', async () => {
    const ivan = await scim.createUser('ivan@example.com');
    await scim.createGroup('sre', [ivan.id]);
    const status = async () => ((await perform(live, 'identity.access_report', { principal: 'ivan@example.com' })).output.systems as Array<{ status: string; detail: string }>)[0];

    expect(await status()).toMatchObject({ status: 'present', detail: expect.stringContaining('is active') });
    await perform(live, 'sessions.revoke', { provider: 'scim', principal: 'ivan@example.com' });
    expect(await status()).toMatchObject({ status: 'present', detail: expect.stringContaining('still in group(s) sre') });
    await perform(live, 'identity.deprovision', { provider: 'scim', user: 'ivan@example.com' });
    expect(await status()).toMatchObject({ status: 'removed', detail: expect.stringContaining('inactive and in no group') });

    const nobody = await perform(live, 'identity.access_report', { principal: 'nobody@example.com' });
    expect(nobody.output).toMatchObject({ systems: [{ status: 'removed', detail: 'no user nobody@example.com' }], zero_remaining_access: true });
  });

  test('probes describe the service and reject a refused token', async () => {
    const probes = await live.connectors.get('scim')!.check();
    expect(probes).toEqual([
      { name: 'service provider config', ok: true, detail: 'changes by PATCH; ETags supported' },
      { name: 'token', ok: true, detail: 'token accepted for /Users' },
    ]);
    const refused = await (await liveSetupFor('probe-wrong-token', 'another-wrong-token')).connectors.get('scim')!.check();
    expect(refused[1]).toMatchObject({ name: 'token', ok: false, detail: expect.stringContaining('HTTP 401') });
  });
});
