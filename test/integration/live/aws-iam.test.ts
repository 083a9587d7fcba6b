/**
 * The aws-iam connector against moto_server: credentials.revoke deactivates (or deletes) keys and
 * removes the console password, sessions.revoke attaches the deny-older-sessions policy, the
 * access-report probe tells present from removed; every effect is read back from moto, every
 * repeat reports already-done with what it reads back, a retry through the activity envelope says
 * whose effect it found, and refused credentials (moto with IAM authentication switched on) fail
 * as non-retryable QuellAuthFailed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { ActionRequest } from '../../../activities/action-request';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../connectors/aws/clients';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import type { ActionName } from '../../../common/actions';
import { ErrorType } from '../../../common/errors';
import { envelopeOver, firstAttemptDies, liveStepRequest, runAttempt as runAttemptIn, type Envelope } from '../../support/first-attempt-dies';
import { startMoto, type MotoServer } from '../../support/moto';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'live', 'aws-connectors.yaml');

let moto: MotoServer;
let work: string;
let setup: LiveSetup;
let aws: AwsClients;

/** Writes the fixture connectors file for this moto, with the given credentials, and builds the live setup from it. */
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
  return { workflowId: 'wf-aws-iam', runId: 'run-1', stepId: 'step', mode: 'live', idempotencyKey, heartbeat: () => undefined };
}

function perform(action: ActionName, params: Record<string, unknown>, key = `key-${action}`, on: LiveSetup = setup): Promise<ActionOutcome> {
  const live = on.actions[action];
  if (!live) throw new Error(`no live action for ${action}`);
  return live.perform(action, params, contextFor(key));
}

async function createUser(name: string, options: { keys?: number; password?: boolean } = {}): Promise<string[]> {
  await aws.iam.send(new CreateUserCommand({ UserName: name }));
  const keys: string[] = [];
  for (let i = 0; i < (options.keys ?? 0); i += 1) {
    keys.push((await aws.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!.AccessKeyId!);
  }
  if (options.password) await aws.iam.send(new CreateLoginProfileCommand({ UserName: name, Password: plantSecret('Correct-Horse-9!', 'iam console password') }));
  return keys;
}

async function keyStatuses(user: string): Promise<Record<string, string>> {
  const listed = await aws.iam.send(new ListAccessKeysCommand({ UserName: user }));
  return Object.fromEntries((listed.AccessKeyMetadata ?? []).map((key) => [key.AccessKeyId!, key.Status!]));
}

async function hasLoginProfile(user: string): Promise<boolean> {
  try {
    await aws.iam.send(new GetLoginProfileCommand({ UserName: user }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return false;
    throw error;
  }
}

async function revocationPolicy(user: string): Promise<{ Effect: string; Action: string[]; Resource: string[]; Condition: Record<string, Record<string, string>> }> {
  const policy = await aws.iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName: 'quell-revoke-older-sessions' }));
  const document = JSON.parse(decodeURIComponent(policy.PolicyDocument!)) as { Statement: [never] };
  expect(document.Statement).toHaveLength(1);
  return document.Statement[0];
}

/** Switches moto's IAM authentication on (every request must be signed by a known key with permission) for `body`. */
async function withMotoAuthentication(body: () => Promise<void>): Promise<void> {
  const set = async (count: string) => {
    const response = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: count });
    if (!response.ok) throw new Error(`moto reset-auth failed: HTTP ${response.status}`);
  };
  await set('0');
  try {
    await body();
  } finally {
    await set('inf');
  }
}

beforeAll(async () => {
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-aws-iam-'));
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

describe('credentials.revoke with aws-iam', () => {
  test('deactivates the named key and removes the console password; a repeat changes nothing', async () => {
    const [leaked, other] = await createUser('alice', { keys: 2, password: true });

    const first = await perform('credentials.revoke', { provider: 'aws-iam', principal: 'alice', key_id: leaked });
    expect(first.alreadyDone).toBe(false);
    expect(first.output).toEqual({
      provider: 'aws-iam',
      principal: 'alice',
      key_ids: [leaked],
      deactivated: [leaked],
      deleted: [],
      key_status: 'Inactive',
      login_profile_removed: true,
      verified: { key_status: 'Inactive', keys: { [leaked]: 'Inactive' }, login_profile: 'Absent' },
    });
    expect(await keyStatuses('alice')).toEqual({ [leaked]: 'Inactive', [other]: 'Active' });
    expect(await hasLoginProfile('alice')).toBe(false);

    // The repeat changes nothing but still says what is in effect, as read back.
    const second = await perform('credentials.revoke', { provider: 'aws-iam', principal: 'alice', key_id: leaked });
    expect(second.alreadyDone).toBe(true);
    expect(second.output).toMatchObject({ deactivated: [leaked], deleted: [], login_profile_removed: true, key_status: 'Inactive' });
    expect(await keyStatuses('alice')).toEqual({ [leaked]: 'Inactive', [other]: 'Active' });
  });

  test('without key_id and with delete_key, deactivates and deletes every key of the user', async () => {
    const keys = await createUser('bob', { keys: 2 });

    const first = await perform('credentials.revoke', { provider: 'aws-iam', principal: 'bob', delete_key: true });
    expect(first.alreadyDone).toBe(false);
    expect(first.output).toMatchObject({ key_ids: keys, deactivated: keys, deleted: keys, key_status: 'Deleted', login_profile_removed: false });
    expect(await keyStatuses('bob')).toEqual({});

    const second = await perform('credentials.revoke', { provider: 'aws-iam', principal: 'bob', delete_key: true });
    expect(second.alreadyDone).toBe(true);
    expect(second.output).toMatchObject({ key_ids: [], deleted: [], key_status: 'NoKeys' });
  });

  test('a key of another user is refused rather than reported as revoked, and stays active', async () => {
    await createUser('carol', { keys: 1 });
    const [daves] = await createUser('dave', { keys: 1 });

    await expect(perform('credentials.revoke', { provider: 'aws-iam', principal: 'carol', key_id: daves })).rejects.toMatchObject({
      type: ErrorType.InvalidInput,
      nonRetryable: true,
      message: expect.stringContaining(`belongs to IAM user dave, not carol`),
    });
    expect(await keyStatuses('dave')).toEqual({ [daves]: 'Active' });
  });

  test('an unknown user is a non-retryable QuellNotFound', async () => {
    await expect(perform('credentials.revoke', { provider: 'aws-iam', principal: 'nobody' })).rejects.toMatchObject({
      type: ErrorType.NotFound,
      nonRetryable: true,
      message: expect.stringContaining('no IAM user named nobody'),
    });
  });
});

describe('sessions.revoke with aws-iam', () => {
  test('attaches a deny-all policy for sessions issued before now; the same step keeps its cutoff, a later one moves it', async () => {
    await createUser('erin', { keys: 1 });
    const before = Date.now();

    const first = await perform('sessions.revoke', { provider: 'aws-iam', principal: 'erin' }, 'incident-1/revoke-sessions');
    expect(first.alreadyDone).toBe(false);
    const cutoff = first.output.revoked_before as string;
    // Rounded up to a whole second, never before the call started.
    expect(cutoff).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(cutoff)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(cutoff)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(first.output).toMatchObject({
      policy_name: 'quell-revoke-older-sessions',
      previous_revoked_before: null,
      verified: { policy_name: 'quell-revoke-older-sessions', effect: 'Deny', token_issued_before: cutoff },
    });
    expect(await revocationPolicy('erin')).toMatchObject({
      Effect: 'Deny',
      Action: ['*'],
      Resource: ['*'],
      Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } },
    });

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const repeat = await perform('sessions.revoke', { provider: 'aws-iam', principal: 'erin' }, 'incident-1/revoke-sessions');
    expect(repeat.alreadyDone).toBe(true);
    expect(repeat.output).toMatchObject({ revoked_before: cutoff, set_by_this_step: true });
    expect((await revocationPolicy('erin')).Condition.DateLessThan['aws:TokenIssueTime']).toBe(cutoff);

    const later = await perform('sessions.revoke', { provider: 'aws-iam', principal: 'erin' }, 'incident-2/revoke-sessions');
    expect(later.alreadyDone).toBe(false);
    expect(later.output).toMatchObject({ previous_revoked_before: cutoff, set_by_this_step: true });
    const moved = later.output.revoked_before as string;
    expect(Date.parse(moved)).toBeGreaterThan(Date.parse(cutoff));
    expect((await revocationPolicy('erin')).Condition.DateLessThan['aws:TokenIssueTime']).toBe(moved);
  });

  test('a policy with the reserved name that is not a revocation is replaced by one', async () => {
    await createUser('frank');
    await aws.iam.send(
      new PutUserPolicyCommand({
        UserName: 'frank',
        PolicyName: 'quell-revoke-older-sessions',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
      }),
    );
    const outcome = await perform('sessions.revoke', { provider: 'aws-iam', principal: 'frank' });
    expect(outcome.alreadyDone).toBe(false);
    expect(await revocationPolicy('frank')).toMatchObject({ Effect: 'Deny', Condition: { DateLessThan: { 'aws:TokenIssueTime': outcome.output.revoked_before } } });
  });

  test('an unknown user is a non-retryable QuellNotFound', async () => {
    await expect(perform('sessions.revoke', { provider: 'aws-iam', principal: 'ghost' })).rejects.toMatchObject({ type: ErrorType.NotFound, nonRetryable: true });
  });
});

describe('a retry that finds its effect (through the activity envelope)', () => {
  let envelope: Envelope;
  beforeAll(() => {
    envelope = envelopeOver(setup, work);
  });

  const requestFor = (action: 'credentials.revoke' | 'sessions.revoke', params: Record<string, unknown>, stepId: string): ActionRequest =>
    liveStepRequest('wf-aws-iam-retry', action, params, stepId);
  const runAttempt = (attempt: number, request: ActionRequest) => runAttemptIn(envelope, attempt, request);
  /** Attempt 1 as the envelope runs it, cut off after the handler's effect: its intent note, the effect, no report. */
  const diedAfterTheEffect = (request: ActionRequest) => firstAttemptDies(envelope, request);

  test('first attempt made the change but died before reporting; the retry reports what was done, with found_on_retry', async () => {
    const [leaked, other] = await createUser('ivy', { keys: 2, password: true });
    const request = requestFor('credentials.revoke', { provider: 'aws-iam', principal: 'ivy', key_id: leaked }, 'revoke-key');
    await diedAfterTheEffect(request);
    const retry = await runAttempt(2, request);
    expect(retry).toEqual({
      provider: 'live:credentials.revoke',
      alreadyDone: true,
      output: {
        ...{ provider: 'aws-iam', principal: 'ivy', key_ids: [leaked], deactivated: [leaked], deleted: [], key_status: 'Inactive', login_profile_removed: true },
        verified: { key_status: 'Inactive', keys: { [leaked]: 'Inactive' }, login_profile: 'Absent' },
        found_on_retry: true,
        found_on_attempt: 2,
        effect_by: 'this-run',
        effect_evidence: expect.stringContaining('attempt 1 started it and never reported back') as string,
      },
    });
    expect(await keyStatuses('ivy')).toEqual({ [leaked]: 'Inactive', [other]: 'Active' });
  });

  test('an attempt that finished but whose report was lost: the retry hands back that report, deleted keys included', async () => {
    const keys = await createUser('jack', { keys: 2 });
    const request = requestFor('credentials.revoke', { provider: 'aws-iam', principal: 'jack', delete_key: true }, 'delete-keys');
    const first = await runAttempt(1, request);
    expect(first).toMatchObject({ alreadyDone: false, output: { deactivated: keys, deleted: keys, key_status: 'Deleted' } });
    expect(first.output).not.toHaveProperty('found_on_retry');
    // The keys are gone, so IAM alone could no longer say which ones the run deleted.
    const retry = await runAttempt(2, request);
    expect(retry).toEqual({
      ...first,
      alreadyDone: true,
      output: { ...first.output, found_on_retry: true, found_on_attempt: 2, effect_by: 'this-run', effect_evidence: expect.stringContaining('attempt 1 made the change') as string },
    });
  });

  test('sessions.revoke: the retry finds the cutoff its first attempt wrote', async () => {
    await createUser('kim');
    const request = requestFor('sessions.revoke', { provider: 'aws-iam', principal: 'kim' }, 'revoke-sessions');
    await diedAfterTheEffect(request);
    const cutoff = (await revocationPolicy('kim')).Condition.DateLessThan['aws:TokenIssueTime'];
    const retry = await runAttempt(2, request);
    expect(retry).toMatchObject({ alreadyDone: true, output: { revoked_before: cutoff, set_by_this_step: true, found_on_retry: true, effect_by: 'this-run' } });
  });

  test('an effect someone made before the run: the retry says it was not this run', async () => {
    const [key] = await createUser('lena', { keys: 1 });
    await aws.iam.send(new UpdateAccessKeyCommand({ UserName: 'lena', AccessKeyId: key, Status: 'Inactive' }));
    // Attempt 1 never reached IAM (no note): the key was inactive before the run.
    const retry = await runAttempt(2, requestFor('credentials.revoke', { provider: 'aws-iam', principal: 'lena', key_id: key }, 'revoke-early'));
    expect(retry).toMatchObject({ alreadyDone: true, output: { deactivated: [key], found_on_retry: true, found_on_attempt: 2, effect_by: 'before-this-run' } });
  });
});

describe('the aws-iam access report probe', () => {
  const report = async (principal: string) => {
    const outcome = await perform('identity.access_report', { principal, systems: ['aws-iam'] });
    return (outcome.output.systems as Array<{ system: string; status: string; detail: string }>)[0];
  };

  test('present while a key, a console password or a group remains; removed once none does or the user is gone', async () => {
    await createUser('gina', { keys: 1, password: true });
    await createUser('hugo');
    await aws.iam.send(new CreateGroupCommand({ GroupName: 'engineers' }));
    await aws.iam.send(new AddUserToGroupCommand({ GroupName: 'engineers', UserName: 'hugo' }));

    const gina = await report('gina');
    expect(gina).toMatchObject({ system: 'aws-iam', status: 'present' });
    expect(gina.detail).toContain('active access keys');
    expect(gina.detail).toContain('console password');
    expect(await report('hugo')).toMatchObject({ status: 'present', detail: expect.stringContaining('groups engineers') });
    expect(await report('nobody')).toMatchObject({ status: 'removed', detail: 'no IAM user named nobody' });

    await perform('credentials.revoke', { provider: 'aws-iam', principal: 'gina' });
    expect(await report('gina')).toMatchObject({ status: 'removed', detail: expect.stringContaining('exists but has no active access key') });
  });
});

describe('the aws-iam connector', () => {
  test('probes IAM with the configured credentials and describes itself without the secret', async () => {
    const connector = setup.connectors.get('aws-iam')!;
    expect(await connector.check()).toEqual([{ name: 'iam:ListUsers', ok: true, detail: 'credentials accepted; users can be listed' }]);
    expect(connector.description).toContain('env:QUELL_TEST_AWS_ACCESS_KEY_ID');
    expect(connector.description).toContain(moto.endpoint);
    expect(connector.description).not.toContain(moto.env.AWS_SECRET_ACCESS_KEY);
  });
});

describe('refused credentials (moto with IAM authentication on)', () => {
  test('unknown keys and missing permissions fail as non-retryable QuellAuthFailed, and nothing changes', async () => {
    const [victimKey] = await createUser('victim', { keys: 1, password: true });
    await createUser('limited');
    const created = (await aws.iam.send(new CreateAccessKeyCommand({ UserName: 'limited' }))).AccessKey!;
    await aws.iam.send(
      new PutUserPolicyCommand({
        UserName: 'limited',
        PolicyName: 'read-only',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListAccessKeys', 'iam:ListUsers'], Resource: '*' }] }),
      }),
    );
    const wrong = await liveSetupWith({ key: 'AKIAQUELLWRONGKEY000', secret: 'wrong-secret-value-do-not-log' }, 'wrong');
    const limited = await liveSetupWith({ key: created.AccessKeyId!, secret: created.SecretAccessKey! }, 'limited');

    await withMotoAuthentication(async () => {
      const refused = perform('credentials.revoke', { provider: 'aws-iam', principal: 'victim', key_id: victimKey }, 'k', wrong.setup);
      await expect(refused).rejects.toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true, message: expect.stringContaining('InvalidClientTokenId') });
      await expect(refused).rejects.not.toMatchObject({ message: expect.stringContaining('wrong-secret-value-do-not-log') });

      const [probe] = await wrong.setup.connectors.get('aws-iam')!.check();
      expect(probe).toMatchObject({ name: 'iam:ListUsers', ok: false, detail: expect.stringContaining('InvalidClientTokenId') });
      const unknown = await perform('identity.access_report', { principal: 'victim', systems: ['aws-iam'] }, 'k', wrong.setup);
      expect(unknown.output.systems).toMatchObject([{ system: 'aws-iam', status: 'unknown', detail: expect.stringContaining('InvalidClientTokenId') }]);

      // Reads are allowed, the deactivation is not.
      await expect(
        perform('credentials.revoke', { provider: 'aws-iam', principal: 'victim', key_id: victimKey }, 'k', limited.setup),
      ).rejects.toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true, message: expect.stringContaining('iam:UpdateAccessKey') });
      await expect(perform('sessions.revoke', { provider: 'aws-iam', principal: 'victim' }, 'k', limited.setup)).rejects.toMatchObject({
        type: ErrorType.AuthFailed,
        nonRetryable: true,
      });
    });

    expect(await keyStatuses('victim')).toEqual({ [victimKey]: 'Active' });
    expect(await hasLoginProfile('victim')).toBe(true);
    destroyAwsClients(wrong.clients);
    destroyAwsClients(limited.clients);
  });
});
