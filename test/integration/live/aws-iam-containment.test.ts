/**
 * The reversible IAM containment actions against moto_server: credentials.deactivate parks keys
 * and credentials.reactivate brings back exactly those; access.deny_all attaches QuellDenyAll to a
 * user or role and access.restore removes Quell's deny policies (and only Quell's); sessions.revoke
 * works on a role; mfa.deactivate takes MFA devices off a user. Every effect is read back from
 * moto, every repeat reports already-done, every missing user or role is QuellNotFound, and every
 * output fits the catalogue's output schema. credentials.list reads a user's keys and changes
 * nothing (a repeat is just another read). A live run through Temporal that is cancelled after
 * containing compensates it: exactly the parked keys come back and Quell's denies come off.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetLoginProfileCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { LiveSetup } from '../../../activities/action-performer';
import { buildLiveSetup } from '../../../activities/live-setup';
import { cancelRun, getRunState } from '../../../client/runs';
import type { RunResult, RunState } from '../../../common/run-state';
import { loadApproversText } from '../../../config/approvers-file';
import { ACTION_CATALOGUE, type ActionName } from '../../../common/actions';
import { ErrorType } from '../../../common/errors';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../connectors/aws/clients';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import { actionWithSchema } from '../../../connectors/with-schemas';
import { startTestEngine } from '../../support/engine';
import { envelopeOver, firstAttemptDies, liveStepRequest, runAttempt } from '../../support/first-attempt-dies';
import { waitForState } from '../../support/run-driver';
import { startMoto, type MotoServer } from '../../support/moto';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'live', 'aws-connectors.yaml');
const ASSUME_ROLE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

let moto: MotoServer;
let work: string;
let setup: LiveSetup;
let aws: AwsClients;

async function liveSetupWith(credentials: { key: string; secret: string }, name: string): Promise<{ setup: LiveSetup; clients: AwsClients }> {
  const file = path.join(work, `${name}.yaml`);
  const text = fs.readFileSync(FIXTURE, 'utf8').replaceAll('MOTO_ENDPOINT', moto.endpoint).replace(/^ {2}quarantine_security_group:.*\n/m, '');
  fs.writeFileSync(file, text);
  const loaded = loadConnectorsFile(file, { QUELL_TEST_AWS_ACCESS_KEY_ID: credentials.key, QUELL_TEST_AWS_SECRET_ACCESS_KEY: credentials.secret });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return {
    setup: await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, `${name}-data`) }),
    clients: createAwsClients(loaded.config.aws!),
  };
}

function contextFor(idempotencyKey: string): ActionContext {
  return { workflowId: 'wf-aws-iam-containment', runId: 'run-1', stepId: 'step', mode: 'live', idempotencyKey, heartbeat: () => undefined };
}

/** Performs the live action with `with` validated as the activity validates it, and checks the output against the catalogue's schema. */
async function perform(action: ActionName, params: Record<string, unknown>, key = `key-${action}`, on: LiveSetup = setup): Promise<ActionOutcome> {
  const live = on.actions[action];
  if (!live) throw new Error(`no live action for ${action}`);
  const outcome = await live.perform(action, actionWithSchema(action).parse(params) as Record<string, unknown>, contextFor(key));
  const schema = (ACTION_CATALOGUE[action] as { output?: { parse(value: unknown): unknown } }).output;
  schema?.parse(outcome.output);
  return outcome;
}

async function createUser(name: string, options: { keys?: number; password?: boolean } = {}): Promise<string[]> {
  await aws.iam.send(new CreateUserCommand({ UserName: name }));
  const keys: string[] = [];
  for (let i = 0; i < (options.keys ?? 0); i += 1) keys.push((await aws.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!.AccessKeyId!);
  if (options.password) await aws.iam.send(new CreateLoginProfileCommand({ UserName: name, Password: plantSecret('Correct-Horse-9!', 'iam console password') }));
  return keys;
}

async function createRole(name: string): Promise<void> {
  await aws.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: ASSUME_ROLE_POLICY }));
}

async function keyStatuses(user: string): Promise<Record<string, string>> {
  const listed = await aws.iam.send(new ListAccessKeysCommand({ UserName: user }));
  return Object.fromEntries((listed.AccessKeyMetadata ?? []).map((key) => [key.AccessKeyId!, key.Status!]));
}

async function hasLoginProfile(user: string): Promise<boolean> {
  return aws.iam.send(new GetLoginProfileCommand({ UserName: user })).then(
    () => true,
    (error: Error) => {
      if (error.name === 'NoSuchEntityException') return false;
      throw error;
    },
  );
}

async function userTags(user: string): Promise<Record<string, string>> {
  const listed = await aws.iam.send(new ListUserTagsCommand({ UserName: user }));
  return Object.fromEntries((listed.Tags ?? []).map((tag) => [tag.Key!, tag.Value!]));
}

async function policyNames(kind: 'user' | 'role', name: string): Promise<string[]> {
  const names =
    kind === 'user'
      ? (await aws.iam.send(new ListUserPoliciesCommand({ UserName: name }))).PolicyNames
      : (await aws.iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames;
  return [...(names ?? [])].sort();
}

async function policyDocument(kind: 'user' | 'role', name: string, policy: string): Promise<{ Statement: Array<Record<string, unknown>> }> {
  const found =
    kind === 'user'
      ? await aws.iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policy }))
      : await aws.iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policy }));
  return JSON.parse(decodeURIComponent(found.PolicyDocument!)) as { Statement: Array<Record<string, unknown>> };
}

async function enrolVirtualMfa(user: string, device: string): Promise<string> {
  const created = await aws.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: device }));
  const serial = created.VirtualMFADevice!.SerialNumber!;
  await aws.iam.send(new EnableMFADeviceCommand({ UserName: user, SerialNumber: serial, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
  return serial;
}

async function mfaSerials(user: string): Promise<string[]> {
  return ((await aws.iam.send(new ListMFADevicesCommand({ UserName: user }))).MFADevices ?? []).map((device) => device.SerialNumber!).sort();
}

beforeAll(async () => {
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-aws-iam-containment-'));
  ({ setup, clients: aws } = await liveSetupWith({ key: moto.env.AWS_ACCESS_KEY_ID, secret: moto.env.AWS_SECRET_ACCESS_KEY }, 'connectors'));
});

beforeEach(async () => {
  await moto.reset();
});

afterAll(async () => {
  if (aws) destroyAwsClients(aws);
  await moto?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('credentials.deactivate and credentials.reactivate', () => {
  test('parks every active key, keeps the password, and the reactivation brings back exactly those keys', async () => {
    const [first, second] = await createUser('alice', { keys: 2, password: true });
    // Switched off before the incident by someone else: not this step's to bring back.
    await aws.iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: second, Status: 'Inactive' }));

    const parked = await perform('credentials.deactivate', { provider: 'aws-iam', principal: 'alice' }, 'incident-1/park-keys');
    expect(parked).toEqual({
      alreadyDone: false,
      output: { provider: 'aws-iam', principal: 'alice', key_ids: [first], deactivated: [first], verified: { keys: { [first]: 'Inactive', [second]: 'Inactive' } } },
    });
    expect(await keyStatuses('alice')).toEqual({ [first]: 'Inactive', [second]: 'Inactive' });
    expect(await hasLoginProfile('alice')).toBe(true);

    // The repeat finds every key inactive, yet still knows which one it parked (the user tag).
    const repeat = await perform('credentials.deactivate', { provider: 'aws-iam', principal: 'alice' }, 'incident-1/park-keys');
    expect(repeat).toMatchObject({ alreadyDone: true, output: { key_ids: [first], deactivated: [] } });
    // Another step parks nothing and claims nothing.
    const other = await perform('credentials.deactivate', { provider: 'aws-iam', principal: 'alice' }, 'incident-2/park-keys');
    expect(other).toMatchObject({ alreadyDone: true, output: { key_ids: [], deactivated: [] } });

    const restored = await perform('credentials.reactivate', { provider: 'aws-iam', principal: 'alice', key_ids: parked.output.key_ids }, 'incident-1/park-keys/compensate');
    expect(restored).toEqual({
      alreadyDone: false,
      output: { provider: 'aws-iam', principal: 'alice', key_ids: [first], reactivated: [first], verified: { keys: { [first]: 'Active' } } },
    });
    expect(await keyStatuses('alice')).toEqual({ [first]: 'Active', [second]: 'Inactive' });
    expect(Object.keys(await userTags('alice')).filter((tag) => tag.startsWith('quell:'))).toEqual([]);

    const again = await perform('credentials.reactivate', { provider: 'aws-iam', principal: 'alice', key_ids: [first] }, 'incident-1/park-keys/compensate');
    expect(again).toMatchObject({ alreadyDone: true, output: { reactivated: [], verified: { keys: { [first]: 'Active' } } } });
  });

  test('a named key is the only one parked; a key of another user is refused and an unknown one is not found', async () => {
    const [leaked, spare] = await createUser('bob', { keys: 2 });
    const [carols] = await createUser('carol', { keys: 1 });

    const parked = await perform('credentials.deactivate', { provider: 'aws-iam', principal: 'bob', key_id: leaked });
    expect(parked.output).toMatchObject({ key_ids: [leaked], deactivated: [leaked], verified: { keys: { [leaked]: 'Inactive' } } });
    expect(await keyStatuses('bob')).toEqual({ [leaked]: 'Inactive', [spare]: 'Active' });

    await expect(perform('credentials.deactivate', { provider: 'aws-iam', principal: 'bob', key_id: carols })).rejects.toMatchObject({
      type: ErrorType.InvalidInput,
      nonRetryable: true,
      message: expect.stringContaining('belongs to IAM user carol, not bob'),
    });
    await expect(perform('credentials.reactivate', { provider: 'aws-iam', principal: 'bob', key_ids: [carols] })).rejects.toMatchObject({ type: ErrorType.InvalidInput });
    expect(await keyStatuses('carol')).toEqual({ [carols]: 'Active' });

    await expect(perform('credentials.deactivate', { provider: 'aws-iam', principal: 'bob', key_id: 'AKIAQUELLNOSUCHKEY00' })).rejects.toMatchObject({
      type: ErrorType.NotFound,
      nonRetryable: true,
      message: expect.stringContaining('has no access key AKIAQUELLNOSUCHKEY00'),
    });
  });

  test('a missing user is QuellNotFound for both', async () => {
    for (const [action, params] of [
      ['credentials.deactivate', { provider: 'aws-iam', principal: 'nobody' }],
      ['credentials.reactivate', { provider: 'aws-iam', principal: 'nobody', key_ids: ['AKIAQUELLNOSUCHKEY00'] }],
    ] as const) {
      await expect(perform(action, params)).rejects.toMatchObject({ type: ErrorType.NotFound, nonRetryable: true, message: expect.stringContaining('no IAM user named nobody') });
    }
  });

  test('a retry of a deactivation that died before reporting still reports the keys it parked', async () => {
    const [first, second] = await createUser('dora', { keys: 2 });
    const envelope = envelopeOver(setup, fs.mkdtempSync(path.join(work, 'envelope-')));
    const request = liveStepRequest('wf-park', 'credentials.deactivate', { provider: 'aws-iam', principal: 'dora' }, 'park-keys');
    await firstAttemptDies(envelope, request);
    const retry = await runAttempt(envelope, 2, request);
    expect(retry).toMatchObject({ alreadyDone: true, output: { key_ids: [first, second], deactivated: [], found_on_retry: true, effect_by: 'this-run' } });
  });
});

describe('access.deny_all and access.restore', () => {
  test.each(['user', 'role'] as const)('deny-all on a %s is read back, repeats are already done, and restore takes it off', async (kind) => {
    if (kind === 'user') await createUser('erin');
    else await createRole('erin');
    const params = { provider: 'aws-iam', principal: 'erin', principal_type: kind };

    const denied = await perform('access.deny_all', params, 'incident-1/deny');
    expect(denied).toEqual({
      alreadyDone: false,
      output: {
        provider: 'aws-iam',
        principal: 'erin',
        principal_type: kind,
        policy_name: 'QuellDenyAll',
        set_by_this_step: true,
        verified: { policy_name: 'QuellDenyAll', effect: 'Deny', action: '*', resource: '*' },
      },
    });
    const document = await policyDocument(kind, 'erin', 'QuellDenyAll');
    expect(document.Statement).toEqual([{ Sid: expect.stringMatching(/^QuellDenyAll[0-9a-f]+$/) as string, Effect: 'Deny', Action: '*', Resource: '*' }]);

    expect(await perform('access.deny_all', params, 'incident-1/deny')).toMatchObject({ alreadyDone: true, output: { set_by_this_step: true } });
    expect(await perform('access.deny_all', params, 'incident-2/deny')).toMatchObject({ alreadyDone: true, output: { set_by_this_step: false } });
    expect(await policyDocument(kind, 'erin', 'QuellDenyAll')).toEqual(document);

    const restored = await perform('access.restore', params, 'incident-1/deny/compensate');
    expect(restored).toEqual({
      alreadyDone: false,
      output: { provider: 'aws-iam', principal: 'erin', principal_type: kind, removed: ['QuellDenyAll'], kept_foreign: [], verified: { quell_deny_policies: [] } },
    });
    expect(await policyNames(kind, 'erin')).toEqual([]);
    expect(await perform('access.restore', params, 'incident-1/deny/compensate')).toMatchObject({ alreadyDone: true, output: { removed: [] } });
  });

  test('restore removes the session revocation too, and never a policy Quell did not write', async () => {
    await createUser('frank');
    await perform('sessions.revoke', { provider: 'aws-iam', principal: 'frank' });
    await perform('access.deny_all', { provider: 'aws-iam', principal: 'frank' });
    const admins = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    await aws.iam.send(new PutUserPolicyCommand({ UserName: 'frank', PolicyName: 'team-read', PolicyDocument: admins }));

    const restored = await perform('access.restore', { provider: 'aws-iam', principal: 'frank' });
    expect(restored.output).toMatchObject({ removed: ['QuellDenyAll', 'quell-revoke-older-sessions'], kept_foreign: [] });
    expect(await policyNames('user', 'frank')).toEqual(['team-read']);

    // Under Quell's names but not Quell's content: an administrator's allow, a deny without Quell's
    // statement id, and a revocation someone added a statement to.
    await createRole('deployer');
    const lookalikeDeny = { Sid: 'BreakGlassDeny', Effect: 'Deny', Action: '*', Resource: '*' };
    await aws.iam.send(new PutRolePolicyCommand({ RoleName: 'deployer', PolicyName: 'QuellDenyAll', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [lookalikeDeny] }) }));
    await perform('sessions.revoke', { provider: 'aws-iam', principal: 'deployer', principal_type: 'role' });
    const revocation = await policyDocument('role', 'deployer', 'quell-revoke-older-sessions');
    const edited = { Version: '2012-10-17', Statement: [...revocation.Statement, { Effect: 'Allow', Action: 'logs:*', Resource: '*' }] };
    await aws.iam.send(new PutRolePolicyCommand({ RoleName: 'deployer', PolicyName: 'quell-revoke-older-sessions', PolicyDocument: JSON.stringify(edited) }));

    const kept = await perform('access.restore', { provider: 'aws-iam', principal: 'deployer', principal_type: 'role' });
    expect(kept).toMatchObject({ alreadyDone: true, output: { removed: [], kept_foreign: ['QuellDenyAll', 'quell-revoke-older-sessions'] } });
    expect(await policyNames('role', 'deployer')).toEqual(['QuellDenyAll', 'quell-revoke-older-sessions']);
    expect((await policyDocument('role', 'deployer', 'QuellDenyAll')).Statement).toEqual([lookalikeDeny]);
  });

  test('a missing user or role is QuellNotFound, and the user the connectors sign in as is refused', async () => {
    await expect(perform('access.deny_all', { provider: 'aws-iam', principal: 'ghost' })).rejects.toMatchObject({ type: ErrorType.NotFound, message: expect.stringContaining('no IAM user named ghost') });
    await expect(perform('access.deny_all', { provider: 'aws-iam', principal: 'ghost', principal_type: 'role' })).rejects.toMatchObject({
      type: ErrorType.NotFound,
      nonRetryable: true,
      message: expect.stringContaining('no IAM role named ghost'),
    });
    await expect(perform('access.restore', { provider: 'aws-iam', principal: 'ghost', principal_type: 'role' })).rejects.toMatchObject({ type: ErrorType.NotFound });

    await createUser('quell-bot');
    const created = (await aws.iam.send(new CreateAccessKeyCommand({ UserName: 'quell-bot' }))).AccessKey!;
    const own = await liveSetupWith({ key: created.AccessKeyId!, secret: created.SecretAccessKey! }, 'own');
    try {
      await expect(perform('access.deny_all', { provider: 'aws-iam', principal: 'quell-bot' }, 'k', own.setup)).rejects.toMatchObject({
        type: ErrorType.InvalidInput,
        nonRetryable: true,
        message: expect.stringContaining('the user Quell'),
      });
      expect(await policyNames('user', 'quell-bot')).toEqual([]);
    } finally {
      destroyAwsClients(own.clients);
    }
  });
});

describe('sessions.revoke on a role', () => {
  test('attaches the deny-older-sessions policy with PutRolePolicy; a repeat keeps the cutoff; restore removes it', async () => {
    await createRole('ci-deploy');
    const params = { provider: 'aws-iam', principal: 'ci-deploy', principal_type: 'role' };
    const revoked = await perform('sessions.revoke', params, 'incident-3/revoke-role');
    expect(revoked).toMatchObject({ alreadyDone: false, output: { principal: 'ci-deploy', principal_type: 'role', policy_name: 'quell-revoke-older-sessions', set_by_this_step: true } });
    const cutoff = revoked.output.revoked_before as string;
    expect((await policyDocument('role', 'ci-deploy', 'quell-revoke-older-sessions')).Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } } }),
    ]);
    expect(await perform('sessions.revoke', params, 'incident-3/revoke-role')).toMatchObject({ alreadyDone: true, output: { revoked_before: cutoff } });

    expect((await perform('access.restore', params)).output).toMatchObject({ removed: ['quell-revoke-older-sessions'] });
    expect(await policyNames('role', 'ci-deploy')).toEqual([]);
  });

  test('a missing role is QuellNotFound; a user of the same name is not taken for it', async () => {
    await createUser('ops');
    await expect(perform('sessions.revoke', { provider: 'aws-iam', principal: 'ops', principal_type: 'role' })).rejects.toMatchObject({
      type: ErrorType.NotFound,
      nonRetryable: true,
      message: expect.stringContaining('no IAM role named ops'),
    });
    expect(await policyNames('user', 'ops')).toEqual([]);
  });
});

describe('mfa.deactivate', () => {
  test('takes every MFA device off the user; a repeat is already done', async () => {
    await createUser('gina');
    const serials = [await enrolVirtualMfa('gina', 'gina-phone'), await enrolVirtualMfa('gina', 'gina-tablet')].sort();

    const outcome = await perform('mfa.deactivate', { provider: 'aws-iam', principal: 'gina' });
    expect(outcome.alreadyDone).toBe(false);
    expect([...(outcome.output.deactivated as string[])].sort()).toEqual(serials);
    expect(outcome.output.verified).toEqual({ remaining_mfa_devices: [] });
    expect(await mfaSerials('gina')).toEqual([]);

    expect(await perform('mfa.deactivate', { provider: 'aws-iam', principal: 'gina' })).toMatchObject({
      alreadyDone: true,
      output: { serial_numbers: [], deactivated: [], verified: { remaining_mfa_devices: [] } },
    });
  });

  test('a named device is the only one taken off; a missing user is QuellNotFound', async () => {
    await createUser('hugo');
    const phone = await enrolVirtualMfa('hugo', 'hugo-phone');
    const key = await enrolVirtualMfa('hugo', 'hugo-key');

    const outcome = await perform('mfa.deactivate', { provider: 'aws-iam', principal: 'hugo', serial_number: phone });
    expect(outcome).toMatchObject({ alreadyDone: false, output: { serial_numbers: [phone], deactivated: [phone], verified: { remaining_mfa_devices: [key] } } });
    expect(await mfaSerials('hugo')).toEqual([key]);
    expect(await perform('mfa.deactivate', { provider: 'aws-iam', principal: 'hugo', serial_number: phone })).toMatchObject({ alreadyDone: true, output: { deactivated: [] } });

    await expect(perform('mfa.deactivate', { provider: 'aws-iam', principal: 'nobody' })).rejects.toMatchObject({ type: ErrorType.NotFound, nonRetryable: true });
  });
});

describe('credentials.list', () => {
  test("lists the user's keys in IAM's order, key_ids filtered by status, changing nothing; a missing user is QuellNotFound", async () => {
    const [first, second] = await createUser('ivy', { keys: 2 });
    await aws.iam.send(new UpdateAccessKeyCommand({ UserName: 'ivy', AccessKeyId: first, Status: 'Inactive' }));
    await createUser('jo', { keys: 1 });
    const listed = (await aws.iam.send(new ListAccessKeysCommand({ UserName: 'ivy' }))).AccessKeyMetadata!;
    const inIamOrder = listed.map((key) => key.AccessKeyId!);
    expect([...inIamOrder].sort()).toEqual([first, second].sort());

    const active = await perform('credentials.list', { provider: 'aws-iam', principal: 'ivy' }, 'incident-1/list');
    expect(active).toEqual({
      alreadyDone: false,
      output: {
        provider: 'aws-iam',
        principal: 'ivy',
        key_ids: [second],
        keys: listed.map((key) => ({ id: key.AccessKeyId, status: key.Status, created_at: key.CreateDate!.toISOString() })),
      },
    });
    expect(await perform('credentials.list', { provider: 'aws-iam', principal: 'ivy', status: 'inactive' })).toMatchObject({ output: { key_ids: [first] } });
    expect(await perform('credentials.list', { provider: 'aws-iam', principal: 'ivy', status: 'any' })).toMatchObject({ output: { key_ids: inIamOrder } });
    // A read: the same step again reads the same, and nothing on the user moved.
    expect(await perform('credentials.list', { provider: 'aws-iam', principal: 'ivy' }, 'incident-1/list')).toEqual(active);
    expect(await keyStatuses('ivy')).toEqual({ [first]: 'Inactive', [second]: 'Active' });
    expect(await userTags('ivy')).toEqual({});

    await expect(perform('credentials.list', { provider: 'aws-iam', principal: 'nobody' })).rejects.toMatchObject({ type: ErrorType.NotFound, nonRetryable: true });
  });
});

describe('a live run cancelled after containment', () => {
  const RUNBOOK_LINES = [
    'id: iam-containment',
    'version: 1',
    'title: IAM containment with undo',
    'severity: high',
    'inputs:',
    '  principal: { type: string, required: true, description: IAM user whose key leaked }',
    '  role: { type: string, required: true, description: IAM role the key could assume }',
    'steps:',
    '  - id: park-keys',
    '    action: credentials.deactivate',
    '    with: { provider: aws-iam, principal: "${{ inputs.principal }}" }',
    '    compensate:',
    '      action: credentials.reactivate',
    '      with: { provider: aws-iam, principal: "${{ inputs.principal }}", key_ids: "${{ steps.park-keys.output.key_ids }}" }',
    '  - id: deny-role',
    '    action: access.deny_all',
    '    with: { provider: aws-iam, principal: "${{ inputs.role }}", principal_type: role }',
    '    compensate:',
    '      action: access.restore',
    '      with: { provider: aws-iam, principal: "${{ inputs.role }}", principal_type: role }',
    '  - id: revoke-role-sessions',
    '    action: sessions.revoke',
    '    with: { provider: aws-iam, principal: "${{ inputs.role }}", principal_type: role }',
    '  - id: revoke-user-sessions',
    '    action: sessions.revoke',
    '    with: { provider: aws-iam, principal: "${{ inputs.principal }}" }',
    '    compensate:',
    '      action: access.restore',
    '      with: { provider: aws-iam, principal: "${{ inputs.principal }}" }',
    '  - id: hand-over',
    '    manual:',
    '      task: "Parked ${{ steps.park-keys.output.key_ids }}; rotate what the key could read"',
    '      assignee: security-oncall',
  ];

  test('compensation reactivates exactly the parked keys and removes the denies', async () => {
    const [leaked, spare] = await createUser('ivy', { keys: 2 });
    await aws.iam.send(new UpdateAccessKeyCommand({ UserName: 'ivy', AccessKeyId: spare, Status: 'Inactive' }));
    await createRole('ivy-deploy');
    const runbook = path.join(work, 'iam-containment.yaml');
    fs.writeFileSync(runbook, `${RUNBOOK_LINES.join('\n')}\n`);
    const approvers = loadApproversText(
      ['version: 1', 'people:', '  ivan.ic: { cli: ivan.ic }', 'groups:', '  security-oncall: { people: [ivan.ic] }'].join('\n'),
      path.join(work, 'approvers.yaml'),
    );
    if (!approvers.ok) throw new Error(JSON.stringify(approvers.errors));
    const engine = await startTestEngine('aws-iam-containment', { live: setup, approvers: { config: approvers.config } });
    try {
      const workflowId = await engine.start(runbook, { principal: 'ivy', role: 'ivy-deploy' }, { mode: 'live', requester: 'ivan.ic' });
      const step = (state: RunState, id: string) => state.steps.find((candidate) => candidate.id === id)!;
      const contained = await waitForState(() => getRunState(engine.client, workflowId), (state) => step(state, 'hand-over').status === 'waiting', 60_000);
      expect(step(contained, 'park-keys').output).toMatchObject({ key_ids: [leaked] });
      expect(step(contained, 'hand-over').manual?.task).toBe(`Parked ["${leaked}"]; rotate what the key could read`);
      expect(await keyStatuses('ivy')).toEqual({ [leaked]: 'Inactive', [spare]: 'Inactive' });
      expect(await policyNames('role', 'ivy-deploy')).toEqual(['QuellDenyAll', 'quell-revoke-older-sessions']);
      expect(await policyNames('user', 'ivy')).toEqual(['quell-revoke-older-sessions']);

      await cancelRun(engine.client, workflowId, { actor: 'ivan.ic', via: 'cli', reason: 'false alarm: the key was a canary' });
      const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
      expect(result.status).toBe('cancelled');
      expect(step(result.state, 'park-keys').compensation).toMatchObject({ action: 'credentials.reactivate', status: 'succeeded', output: { key_ids: [leaked], reactivated: [leaked] } });
      // The role's deny-all compensation removes every Quell deny on the role, its session revocation included.
      expect(step(result.state, 'deny-role').compensation).toMatchObject({ action: 'access.restore', status: 'succeeded', output: { removed: ['QuellDenyAll', 'quell-revoke-older-sessions'] } });
      expect(step(result.state, 'revoke-user-sessions').compensation).toMatchObject({ status: 'succeeded', output: { removed: ['quell-revoke-older-sessions'] } });

      // The key switched off before the run stays off.
      expect(await keyStatuses('ivy')).toEqual({ [leaked]: 'Active', [spare]: 'Inactive' });
      expect(await policyNames('role', 'ivy-deploy')).toEqual([]);
      expect(await policyNames('user', 'ivy')).toEqual([]);
    } finally {
      await engine.stop();
    }
  });
});
