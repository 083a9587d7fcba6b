/**
 * The credential-compromise containment, LIVE, through Temporal and the client module, on
 * moto_server: after the approval gate the run deactivates the leaked key, removes the console
 * password, attaches the session-revocation policy and revokes the security-group egress; the
 * test reads all of it back from moto. Each action, re-run with the exact request the workflow
 * sent (same idempotency key, through the real activity code), reports already-done. Cancelling a
 * run compensates the block: exactly the removed egress rules come back. Credentials that stop
 * working mid-run fail the step once, as a non-retryable QuellAuthFailed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AuthorizeSecurityGroupEgressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActionRequest, ActionResult } from '../../../activities/action-request';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../connectors/aws/clients';
import { FileEffectJournal } from '../../../activities/effects/file-journal';
import { createActivities } from '../../../activities';
import { loadApproversText } from '../../../config/approvers-file';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import { cancelRun, getRunState } from '../../../client/runs';
import type { RunResult, RunState } from '../../../common/run-state';
import { ErrorType } from '../../../common/errors';
import { clientResponder } from '../../support/client-responder';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { startMoto, type MotoServer } from '../../support/moto';
import { driveToEnd, waitForState } from '../../support/run-driver';
import { plantSecret } from '../../support/planted-secrets';
import { runLogger } from '../../support/temporal';

const RUNBOOK = 'test/fixtures/live/aws-credential-compromise.yaml';
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'live', 'aws-connectors.yaml');
const ATTACKER = '198.51.100.0/24';
const CONTAINMENT_ACTIONS = ['credentials.revoke', 'sessions.revoke', 'egress.block'];

let moto: MotoServer;
let work: string;
let aws: AwsClients;
let setup: LiveSetup;
let engine: TestEngine;
let caseCounter = 0;

interface Case {
  principal: string;
  leakedKey: string;
  otherKey: string;
  groupId: string;
  egressBefore: string[];
}

/** A user with two keys and a console password, and a workload group allowing all egress plus HTTPS to 10/8. */
async function seedCase(): Promise<Case> {
  caseCounter += 1;
  const principal = `deploy-bot-${caseCounter}`;
  await aws.iam.send(new CreateUserCommand({ UserName: principal }));
  const leakedKey = (await aws.iam.send(new CreateAccessKeyCommand({ UserName: principal }))).AccessKey!.AccessKeyId!;
  const otherKey = (await aws.iam.send(new CreateAccessKeyCommand({ UserName: principal }))).AccessKey!.AccessKeyId!;
  await aws.iam.send(new CreateLoginProfileCommand({ UserName: principal, Password: plantSecret('Correct-Horse-9!', 'iam console password') }));
  const { GroupId } = await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: `workload-${caseCounter}`, Description: 'workload the key could reach' }));
  await aws.ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'internal APIs' }] }],
    }),
  );
  return { principal, leakedKey, otherKey, groupId: GroupId!, egressBefore: await egressOf(GroupId!) };
}

function lines(permissions: readonly IpPermission[] | undefined): string[] {
  return (permissions ?? [])
    .flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} ${r.CidrIp} ${r.Description ?? ''}`.trim()))
    .sort();
}

async function egressOf(groupId: string): Promise<string[]> {
  return lines((await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0].IpPermissionsEgress);
}

async function keyStatuses(user: string): Promise<Record<string, string>> {
  const listed = await aws.iam.send(new ListAccessKeysCommand({ UserName: user }));
  return Object.fromEntries((listed.AccessKeyMetadata ?? []).map((key) => [key.AccessKeyId!, key.Status!]));
}

async function loginProfileError(user: string): Promise<string | undefined> {
  try {
    await aws.iam.send(new GetLoginProfileCommand({ UserName: user }));
    return undefined;
  } catch (error) {
    return (error as Error).name;
  }
}

async function sessionCutoff(user: string): Promise<string> {
  const policy = await aws.iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName: 'quell-revoke-older-sessions' }));
  const document = JSON.parse(decodeURIComponent(policy.PolicyDocument!)) as { Statement: Array<{ Effect: string; Action: string[]; Condition: { DateLessThan: Record<string, string> } }> };
  expect(document.Statement).toEqual([expect.objectContaining({ Effect: 'Deny', Action: ['*'] })]);
  return document.Statement[0].Condition.DateLessThan['aws:TokenIssueTime'];
}

function start(seeded: Case): Promise<string> {
  return engine.start(RUNBOOK, { principal: seeded.principal, access_key_id: seeded.leakedKey, cidrs: [ATTACKER], security_group: seeded.groupId }, { mode: 'live', requester: 'rita.requester' });
}

const step = (state: RunState, id: string) => state.steps.find((candidate) => candidate.id === id)!;

/** The requests the workflow scheduled for `actions`, decoded from its history exactly as the activities received them. */
async function scheduledRequests(workflowId: string, actions: string[]): Promise<ActionRequest[]> {
  const history = await engine.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (!scheduled?.activityType?.name || !actions.includes(scheduled.activityType.name)) return [];
    return (scheduled.input?.payloads ?? []).map((payload) => JSON.parse(Buffer.from(payload.data!).toString('utf8')) as ActionRequest);
  });
}

beforeAll(async () => {
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-aws-compromise-'));
  const file = path.join(work, 'connectors.yaml');
  fs.writeFileSync(file, fs.readFileSync(FIXTURE, 'utf8').replaceAll('MOTO_ENDPOINT', moto.endpoint).replace(/^ {2}quarantine_security_group:.*\n/m, ''));
  const loaded = loadConnectorsFile(file, { QUELL_TEST_AWS_ACCESS_KEY_ID: moto.env.AWS_ACCESS_KEY_ID, QUELL_TEST_AWS_SECRET_ACCESS_KEY: moto.env.AWS_SECRET_ACCESS_KEY });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  aws = createAwsClients(loaded.config.aws!);
  setup = await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, 'worker-data') });
  // A live run with an approval gate needs an approvers file: sam approves (through the client
  // module, identity api:sam.security), ivan is on call too and cancels from the CLI.
  const approvers = loadApproversText(
    [
      'version: 1',
      'people:',
      '  rita.requester: { api: rita.requester }',
      '  sam.security: { api: sam.security }',
      '  ivan.ic: { cli: ivan.ic }',
      'groups:',
      '  security-oncall: { people: [sam.security, ivan.ic] }',
    ].join('\n'),
    path.join(work, 'approvers.yaml'),
  );
  if (!approvers.ok) throw new Error(JSON.stringify(approvers.errors));
  engine = await startTestEngine('aws-compromise', { live: setup, approvers: { config: approvers.config } });
});

afterAll(async () => {
  await engine?.stop();
  if (aws) destroyAwsClients(aws);
  await moto?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a live run contains the leaked key, its sessions and the egress, and every action repeated is already done', async () => {
  const seeded = await seedCase();
  const workflowId = await start(seeded);
  const state = await driveToEnd(clientResponder(engine.client), workflowId, { approvers: ['sam.security'], operator: 'olga.oncall', timeoutMs: 90_000 });

  expect(state.status).toBe('completed');
  for (const id of ['revoke-key', 'revoke-sessions', 'block-egress']) {
    expect(step(state, id)).toMatchObject({ status: 'succeeded', alreadyDone: false, actor: expect.stringMatching(/^provider:live:/) });
  }
  const revokeKey = step(state, 'revoke-key').output!;
  expect(revokeKey).toMatchObject({ principal: seeded.principal, key_ids: [seeded.leakedKey], key_status: 'Inactive', login_profile_removed: true });
  const ruleId = step(state, 'block-egress').output!.rule_id as string;
  expect(ruleId).toMatch(new RegExp(`^aws-sg:${seeded.groupId}:`));
  // Later templates read the outputs.
  expect(step(state, 'rotate-dependents').manual?.task).toBe(
    `Key of ${seeded.principal} is Inactive; egress block ${ruleId}. Rotate every secret the key could read`,
  );

  // What moto holds now.
  expect(await keyStatuses(seeded.principal)).toEqual({ [seeded.leakedKey]: 'Inactive', [seeded.otherKey]: 'Active' });
  expect(await loginProfileError(seeded.principal)).toBe('NoSuchEntityException');
  const cutoff = await sessionCutoff(seeded.principal);
  expect(cutoff).toBe(step(state, 'revoke-sessions').output!.revoked_before);
  expect(Date.parse(cutoff)).toBeGreaterThanOrEqual(Date.parse(state.startedAt));
  expect(seeded.egressBefore).toEqual(['-1 - 0.0.0.0/0', 'tcp 443-443 10.0.0.0/8 internal APIs']);
  expect(await egressOf(seeded.groupId)).toEqual(['tcp 443-443 10.0.0.0/8 internal APIs']);
  expect(lines(step(state, 'block-egress').output!.removed as IpPermission[])).toEqual(['-1 - 0.0.0.0/0']);

  // The same requests again (what a retry after a lost result would send), through the real activities.
  const requests = await scheduledRequests(workflowId, CONTAINMENT_ACTIONS);
  expect(requests.map((request) => request.stepId).sort()).toEqual(['block-egress', 'revoke-key', 'revoke-sessions']);
  const activities = createActivities({ logger: runLogger('logger'), effectJournal: new FileEffectJournal(path.join(work, 'replay.jsonl')), live: setup });
  for (const request of requests) {
    const repeated = (await new MockActivityEnvironment().run(activities[request.action], request)) as ActionResult;
    expect({ step: request.stepId, alreadyDone: repeated.alreadyDone }).toEqual({ step: request.stepId, alreadyDone: true });
    // A repeat reads its effect back, so it reports what the step did.
    expect(repeated.output).toEqual(step(state, request.stepId).output);
  }
  expect(await keyStatuses(seeded.principal)).toEqual({ [seeded.leakedKey]: 'Inactive', [seeded.otherKey]: 'Active' });
  expect(await sessionCutoff(seeded.principal)).toBe(cutoff);
  expect(await egressOf(seeded.groupId)).toEqual(['tcp 443-443 10.0.0.0/8 internal APIs']);
});

test('cancelling the run compensates the egress block: exactly the removed rules come back', async () => {
  const seeded = await seedCase();
  const workflowId = await start(seeded);
  const responder = clientResponder(engine.client);
  const gate = await waitForState(() => getRunState(engine.client, workflowId), (s) => step(s, 'approve-containment').approval?.policy !== undefined);
  await responder.approve(workflowId, 'approve-containment', 'sam.security', step(gate, 'approve-containment').approval!.summarySha256);
  const contained = await waitForState(() => getRunState(engine.client, workflowId), (s) => step(s, 'rotate-dependents').status === 'waiting', 60_000);
  expect(await egressOf(seeded.groupId)).toEqual(['tcp 443-443 10.0.0.0/8 internal APIs']);

  await cancelRun(engine.client, workflowId, { actor: 'ivan.ic', via: 'cli', reason: 'the key was a honeytoken' });
  const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;

  expect(result.status).toBe('cancelled');
  const block = step(result.state, 'block-egress');
  expect(block.status).toBe('compensated');
  expect(block.compensation).toMatchObject({ action: 'egress.unblock', status: 'succeeded', output: { rule_id: step(contained, 'block-egress').output!.rule_id } });
  expect(lines(block.compensation!.output!.restored as IpPermission[])).toEqual(['-1 - 0.0.0.0/0']);
  expect(await egressOf(seeded.groupId)).toEqual(seeded.egressBefore);
  // Revocations have no undo: the key stays inactive.
  expect(await keyStatuses(seeded.principal)).toEqual({ [seeded.leakedKey]: 'Inactive', [seeded.otherKey]: 'Active' });
});

test('credentials refused mid-run fail the containment once, as a non-retryable QuellAuthFailed', async () => {
  const seeded = await seedCase();
  const workflowId = await start(seeded);
  const responder = clientResponder(engine.client);
  // The readiness check passes with working credentials; then AWS stops accepting them (moto IAM authentication on).
  const gate = await waitForState(() => getRunState(engine.client, workflowId), (s) => step(s, 'approve-containment').approval?.policy !== undefined);
  const setAuth = (count: string) => fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: count });
  await setAuth('0');
  let result: RunResult;
  try {
    await responder.approve(workflowId, 'approve-containment', 'sam.security', step(gate, 'approve-containment').approval!.summarySha256);
    result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  } finally {
    await setAuth('inf');
  }

  expect(result.status).toBe('failed');
  for (const id of ['revoke-key', 'revoke-sessions', 'block-egress']) expect(step(result.state, id).status).toBe('failed');
  expect(step(result.state, 'rotate-dependents').status).toBe('pending');
  const history = await engine.client.workflow.getHandle(workflowId).fetchHistory();
  const failures = (history.events ?? []).flatMap((event) => (event.activityTaskFailedEventAttributes?.failure ? [event.activityTaskFailedEventAttributes.failure] : []));
  expect(failures.length).toBeGreaterThan(0);
  for (const failure of failures) {
    expect(failure.applicationFailureInfo).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true });
    // IAM says InvalidClientTokenId, EC2 says AuthFailure; the message names the connector and the operation.
    expect(failure.message).toMatch(/^aws-(iam|sg): .+: (InvalidClientTokenId|AuthFailure): /);
  }
  // Non-retryable: each containment activity was attempted exactly once.
  const attempts = (history.events ?? []).flatMap((event) => (event.activityTaskStartedEventAttributes ? [event.activityTaskStartedEventAttributes.attempt] : []));
  expect(attempts.every((attempt) => attempt === 1)).toBe(true);
  expect(await keyStatuses(seeded.principal)).toEqual({ [seeded.leakedKey]: 'Active', [seeded.otherKey]: 'Active' });
  expect(await egressOf(seeded.groupId)).toEqual(seeded.egressBefore);
});
