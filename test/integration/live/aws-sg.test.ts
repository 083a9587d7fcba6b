/**
 * The aws-sg connector against moto_server: egress.block revokes exactly the security-group egress
 * rules that allow the given destinations (and ports), records them in tags before revoking, and
 * egress.unblock, given only the rule id, puts back exactly those rules, descriptions included.
 * Instance targets are quarantined interface by interface and released to their previous groups.
 * Every effect is read back from moto; repeats report already-done; refused credentials fail as
 * non-retryable QuellAuthFailed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AttachNetworkInterfaceCommand,
  AuthorizeSecurityGroupEgressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  RevokeSecurityGroupEgressCommand,
  RunInstancesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../connectors/aws/clients';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import type { ActionName } from '../../../common/actions';
import { ErrorType } from '../../../common/errors';
import { startMoto, type MotoServer } from '../../support/moto';
import { runLogger } from '../../support/temporal';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'live', 'aws-connectors.yaml');

let moto: MotoServer;
let work: string;
let aws: AwsClients;
let setup: LiveSetup;
let vpcId: string;
let subnetId: string;
let quarantineGroup: string;
let groupCounter = 0;

async function liveSetupWith(options: { key: string; secret: string; quarantine?: string }, name: string): Promise<{ setup: LiveSetup; clients: AwsClients }> {
  const file = path.join(work, `${name}.yaml`);
  let text = fs.readFileSync(FIXTURE, 'utf8').replaceAll('MOTO_ENDPOINT', moto.endpoint);
  text = options.quarantine ? text.replaceAll('QUARANTINE_GROUP', options.quarantine) : text.replace(/^ {2}quarantine_security_group:.*\n/m, '');
  fs.writeFileSync(file, text);
  const loaded = loadConnectorsFile(file, { QUELL_TEST_AWS_ACCESS_KEY_ID: options.key, QUELL_TEST_AWS_SECRET_ACCESS_KEY: options.secret });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return {
    setup: await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, `${name}-data`) }),
    clients: createAwsClients(loaded.config.aws!),
  };
}

function perform(action: ActionName, params: Record<string, unknown>, idempotencyKey: string, on: LiveSetup = setup): Promise<ActionOutcome> {
  const context: ActionContext = { workflowId: 'wf-aws-sg', runId: 'run-1', stepId: 'block', mode: 'live', idempotencyKey, heartbeat: () => undefined };
  return on.actions[action]!.perform(action, params, context);
}

/** A group with exactly `rules` as egress (moto's default allow-all removed unless `keepDefault`). */
async function createGroup(rules: IpPermission[], keepDefault = false): Promise<string> {
  groupCounter += 1;
  const { GroupId } = await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: `workload-${groupCounter}`, Description: 'test workload', VpcId: vpcId }));
  if (!keepDefault) {
    await aws.ec2.send(
      new RevokeSecurityGroupEgressCommand({ GroupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }),
    );
  }
  if (rules.length > 0) await aws.ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: rules }));
  return GroupId!;
}

/** Egress rules as sorted one-line strings (protocol, ports, range, description), independent of the connector's own parsing. */
function lines(permissions: readonly IpPermission[] | undefined): string[] {
  return (permissions ?? [])
    .flatMap((p) => {
      const head = `${p.IpProtocol} ${p.IpProtocol === '-1' ? '' : `${p.FromPort}-${p.ToPort}`}`;
      return [
        ...(p.IpRanges ?? []).map((r) => `${head} ${r.CidrIp} ${r.Description ?? ''}`.trim()),
        ...(p.Ipv6Ranges ?? []).map((r) => `${head} ${r.CidrIpv6} ${r.Description ?? ''}`.trim()),
      ];
    })
    .sort();
}

async function egressOf(groupId: string): Promise<string[]> {
  const found = await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return lines(found.SecurityGroups![0].IpPermissionsEgress);
}

async function recordTagKeys(resourceId: string): Promise<string[]> {
  const tags = await aws.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [resourceId] }] }));
  return (tags.Tags ?? []).map((tag) => tag.Key!).filter((key) => key.startsWith('quell:removed:')).sort();
}

async function interfaceGroups(instanceId: string): Promise<Record<string, string[]>> {
  const found = await aws.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
  return Object.fromEntries((found.NetworkInterfaces ?? []).map((nic) => [nic.NetworkInterfaceId!, (nic.Groups ?? []).map((g) => g.GroupId!).sort()]));
}

beforeAll(async () => {
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-aws-sg-'));
  const bootstrap = await liveSetupWith({ key: moto.env.AWS_ACCESS_KEY_ID, secret: moto.env.AWS_SECRET_ACCESS_KEY }, 'bootstrap');
  aws = bootstrap.clients;
  const vpc = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
  vpcId = vpc.Vpc!.VpcId!;
  subnetId = (await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24' }))).Subnet!.SubnetId!;
  quarantineGroup = await createGroup([]);
  ({ setup } = await liveSetupWith({ key: moto.env.AWS_ACCESS_KEY_ID, secret: moto.env.AWS_SECRET_ACCESS_KEY, quarantine: quarantineGroup }, 'connectors'));
});

afterAll(async () => {
  if (aws) destroyAwsClients(aws);
  await moto?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('egress.block and egress.unblock on a security group', () => {
  test('revokes exactly the rules allowing the CIDRs and ports, and the unblock, given only the rule id, puts exactly those back', async () => {
    const groupId = await createGroup(
      [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'payments API' }, { CidrIp: '10.0.0.0/8' }] },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'partner v6' }] },
        { IpProtocol: 'tcp', FromPort: 1000, ToPort: 2000, IpRanges: [{ CidrIp: '198.51.100.7/32' }] },
        { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '192.0.2.53/32', Description: 'resolver' }] },
      ],
      true,
    );
    const original = await egressOf(groupId);
    expect(original).toEqual([
      '-1  0.0.0.0/0',
      '-1  ::/0',
      'tcp 1000-2000 198.51.100.7/32',
      'tcp 443-443 10.0.0.0/8',
      'tcp 443-443 2001:db8::/32 partner v6',
      'tcp 443-443 203.0.113.0/24 payments API',
      'udp 53-53 192.0.2.53/32 resolver',
    ]);
    const params = { provider: 'aws-sg', target: groupId, cidrs: ['203.0.113.9', '2001:db8:1::/48'], ports: [443] };

    const blocked = await perform('egress.block', params, 'incident-7/block-egress');
    expect(blocked.alreadyDone).toBe(false);
    const ruleId = blocked.output.rule_id as string;
    expect(ruleId).toMatch(new RegExp(`^aws-sg:${groupId}:[0-9a-f]{16}$`));
    // The broad allow-all rules let port 443 to those ranges through, so they go too; 10.0.0.0/8 and other ports stay.
    const expectedRemoved = ['-1  0.0.0.0/0', '-1  ::/0', 'tcp 443-443 2001:db8::/32 partner v6', 'tcp 443-443 203.0.113.0/24 payments API'];
    expect(lines(blocked.output.removed as IpPermission[])).toEqual(expectedRemoved);
    expect(blocked.output).toMatchObject({ blocked: 4, scope: 'security-group', verified: { group_id: groupId, rules_still_allowing: 0 } });
    expect(await egressOf(groupId)).toEqual(original.filter((line) => !expectedRemoved.includes(line)));
    expect((await recordTagKeys(groupId)).length).toBeGreaterThan(0);

    const repeat = await perform('egress.block', params, 'incident-7/block-egress');
    expect(repeat.alreadyDone).toBe(true);
    expect(repeat.output.rule_id).toBe(ruleId);
    expect(lines(repeat.output.removed as IpPermission[])).toEqual(expectedRemoved);

    // The compensation carries no provider: the rule id routes it.
    const unblocked = await perform('egress.unblock', { rule_id: ruleId }, 'incident-7/block-egress/compensate');
    expect(unblocked.alreadyDone).toBe(false);
    expect(lines(unblocked.output.restored as IpPermission[])).toEqual(expectedRemoved);
    expect(unblocked.output).toMatchObject({ restored_rules: 4, verified: { restored_rules_present: 4, record_found: true } });
    expect(await egressOf(groupId)).toEqual(original);
    expect(await recordTagKeys(groupId)).toEqual([]);

    const unblockAgain = await perform('egress.unblock', { rule_id: ruleId }, 'incident-7/block-egress/compensate');
    expect(unblockAgain.alreadyDone).toBe(true);
    expect(await egressOf(groupId)).toEqual(original);
  });

  test('ports narrow the match; nothing matching is already done and leaves no record', async () => {
    const groupId = await createGroup([
      { IpProtocol: 'tcp', FromPort: 1000, ToPort: 2000, IpRanges: [{ CidrIp: '198.51.100.7/32' }] },
      { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '192.0.2.53/32' }] },
    ]);
    const none = await perform('egress.block', { provider: 'aws-sg', target: groupId, cidrs: ['198.51.100.0/24'], ports: [22] }, 'ports/none');
    expect(none).toMatchObject({ alreadyDone: true, output: { removed: [], blocked: 0 } });
    expect(await recordTagKeys(groupId)).toEqual([]);
    expect(await perform('egress.unblock', { rule_id: none.output.rule_id }, 'ports/none/undo')).toMatchObject({ alreadyDone: true });

    const port = await perform('egress.block', { provider: 'aws-sg', target: groupId, cidrs: ['198.51.100.0/24'], ports: [1500] }, 'ports/1500');
    expect(lines(port.output.removed as IpPermission[])).toEqual(['tcp 1000-2000 198.51.100.7/32']);
    const anyPort = await perform('egress.block', { provider: 'aws-sg', target: groupId, cidrs: ['192.0.2.0/24'] }, 'ports/any');
    expect(lines(anyPort.output.removed as IpPermission[])).toEqual(['udp 53-53 192.0.2.53/32']);
    expect(await egressOf(groupId)).toEqual([]);

    const noCidrs = await perform('egress.block', { provider: 'aws-sg', target: groupId, cidrs: [] }, 'ports/no-cidrs');
    expect(noCidrs).toMatchObject({ alreadyDone: true, output: { blocked: 0 } });
  });

  test('a step repeated after the rules were re-opened removes them again, and its undo restores everything it ever removed', async () => {
    const groupId = await createGroup([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'bastion' }] }]);
    const params = { provider: 'aws-sg', target: groupId, cidrs: ['203.0.113.0/24'] };
    const first = await perform('egress.block', params, 'reopened/block');
    expect(await egressOf(groupId)).toEqual([]);
    await aws.ec2.send(
      new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '203.0.113.5/32' }] }] }),
    );

    const second = await perform('egress.block', params, 'reopened/block');
    expect(second.alreadyDone).toBe(false);
    expect(second.output.rule_id).toBe(first.output.rule_id);
    expect(lines(second.output.removed as IpPermission[])).toEqual(['tcp 22-22 203.0.113.0/24 bastion', 'tcp 8443-8443 203.0.113.5/32']);
    expect(await egressOf(groupId)).toEqual([]);

    await perform('egress.unblock', { provider: 'aws-sg', rule_id: second.output.rule_id }, 'reopened/undo');
    expect(await egressOf(groupId)).toEqual(['tcp 22-22 203.0.113.0/24 bastion', 'tcp 8443-8443 203.0.113.5/32']);
  });

  test('a record too long for one tag is split over several and restored whole', async () => {
    const rules: IpPermission[] = Array.from({ length: 12 }, (_, index) => ({
      IpProtocol: 'tcp',
      FromPort: 9000 + index,
      ToPort: 9000 + index,
      IpRanges: [{ CidrIp: `203.0.113.${index + 1}/32`, Description: `upstream service number ${index + 1} — keep this description exactly` }],
    }));
    const groupId = await createGroup(rules);
    const original = await egressOf(groupId);

    const blocked = await perform('egress.block', { provider: 'aws-sg', target: groupId, cidrs: ['203.0.113.0/24'] }, 'long/block');
    expect(blocked.output.blocked).toBe(12);
    expect(await egressOf(groupId)).toEqual([]);
    const keys = await recordTagKeys(groupId);
    expect(keys.length).toBeGreaterThan(1);
    expect(keys.every((key) => new RegExp(`/${keys.length}$`).test(key))).toBe(true);

    await perform('egress.unblock', { rule_id: blocked.output.rule_id }, 'long/undo');
    expect(await egressOf(groupId)).toEqual(original);
    expect(await recordTagKeys(groupId)).toEqual([]);
  });

  test('a missing target, an unknown group and a foreign rule id are refused without retries', async () => {
    await expect(perform('egress.block', { provider: 'aws-sg', cidrs: ['192.0.2.1'] }, 'bad/1')).rejects.toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true });
    await expect(perform('egress.block', { provider: 'aws-sg', target: 'sg-0123456789abcdef0', cidrs: ['192.0.2.1'] }, 'bad/2')).rejects.toMatchObject({
      type: ErrorType.NotFound,
      nonRetryable: true,
    });
    await expect(perform('egress.unblock', { provider: 'aws-sg', rule_id: 'aws-sg:not-a-rule' }, 'bad/3')).rejects.toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true });
    await expect(perform('egress.block', { provider: 'aws-sg', target: 'i-0123456789abcdef0', cidrs: ['192.0.2.1'] }, 'bad/4')).rejects.toMatchObject({
      type: ErrorType.NotFound,
      nonRetryable: true,
    });
  });
});

describe('egress.block and egress.unblock on an instance', () => {
  test('every interface gets the quarantine group alone, and each gets its own groups back', async () => {
    const web = await createGroup([], true);
    const admin = await createGroup([], true);
    const run = await aws.ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, Groups: [web, admin] }] }),
    );
    const instanceId = run.Instances![0].InstanceId!;
    const second = await aws.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [admin] }));
    await aws.ec2.send(new AttachNetworkInterfaceCommand({ InstanceId: instanceId, NetworkInterfaceId: second.NetworkInterface!.NetworkInterfaceId!, DeviceIndex: 1 }));
    const before = await interfaceGroups(instanceId);
    expect(Object.keys(before)).toHaveLength(2);

    const params = { provider: 'aws-sg', target: instanceId, cidrs: ['0.0.0.0/0'] };
    const blocked = await perform('egress.block', params, 'instance/block');
    expect(blocked.alreadyDone).toBe(false);
    expect(blocked.output).toMatchObject({ scope: 'instance', quarantine_group: quarantineGroup, blocked: 2 });
    expect(Object.fromEntries(Object.entries(blocked.output.previous_groups as Record<string, string[]>).map(([id, groups]) => [id, [...groups].sort()]))).toEqual(before);
    const quarantined = await interfaceGroups(instanceId);
    expect(Object.values(quarantined)).toEqual([[quarantineGroup], [quarantineGroup]]);
    expect((await recordTagKeys(instanceId)).length).toBeGreaterThan(0);

    expect(await perform('egress.block', params, 'instance/block')).toMatchObject({ alreadyDone: true, output: { rule_id: blocked.output.rule_id } });

    const released = await perform('egress.unblock', { rule_id: blocked.output.rule_id }, 'instance/undo');
    expect(released).toMatchObject({ alreadyDone: false, output: { left_alone: {} } });
    expect(await interfaceGroups(instanceId)).toEqual(before);
    expect(await recordTagKeys(instanceId)).toEqual([]);
    expect(await perform('egress.unblock', { rule_id: blocked.output.rule_id }, 'instance/undo')).toMatchObject({ alreadyDone: true });
  });

  test('without a configured quarantine group an instance target is refused as not configured', async () => {
    const plain = await liveSetupWith({ key: moto.env.AWS_ACCESS_KEY_ID, secret: moto.env.AWS_SECRET_ACCESS_KEY }, 'no-quarantine');
    await expect(perform('egress.block', { provider: 'aws-sg', target: 'i-0123456789abcdef0', cidrs: ['192.0.2.1'] }, 'nq', plain.setup)).rejects.toMatchObject({
      type: ErrorType.NotConfigured,
      nonRetryable: true,
      message: expect.stringContaining('quarantine_security_group'),
    });
    destroyAwsClients(plain.clients);
  });
});

describe('the aws-sg connector', () => {
  test('probes security groups and the quarantine group', async () => {
    const probes = await setup.connectors.get('aws-sg')!.check();
    expect(probes.map((probe) => [probe.name, probe.ok])).toEqual([
      ['ec2:DescribeSecurityGroups', true],
      ['quarantine security group', true],
    ]);
    const missing = await liveSetupWith({ key: moto.env.AWS_ACCESS_KEY_ID, secret: moto.env.AWS_SECRET_ACCESS_KEY, quarantine: 'sg-0000000000000dead' }, 'missing-quarantine');
    const [, quarantine] = await missing.setup.connectors.get('aws-sg')!.check();
    expect(quarantine).toMatchObject({ ok: false, detail: expect.stringContaining('InvalidGroup.NotFound') });
    destroyAwsClients(missing.clients);
  });
});

describe('refused credentials (moto with IAM authentication on)', () => {
  test('unknown keys and a user without EC2 permissions fail as non-retryable QuellAuthFailed, and the group is untouched', async () => {
    const groupId = await createGroup([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '203.0.113.0/24' }] }]);
    await aws.iam.send(new CreateUserCommand({ UserName: 'sg-reader-less' }));
    const key = (await aws.iam.send(new CreateAccessKeyCommand({ UserName: 'sg-reader-less' }))).AccessKey!;
    await aws.iam.send(
      new PutUserPolicyCommand({
        UserName: 'sg-reader-less',
        PolicyName: 'iam-only',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] }),
      }),
    );
    const wrong = await liveSetupWith({ key: 'AKIAQUELLWRONGKEY001', secret: 'wrong-ec2-secret-value', quarantine: quarantineGroup }, 'wrong');
    const limited = await liveSetupWith({ key: key.AccessKeyId!, secret: key.SecretAccessKey!, quarantine: quarantineGroup }, 'limited');
    const params = { provider: 'aws-sg', target: groupId, cidrs: ['203.0.113.0/24'] };

    const setAuth = (count: string) => fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: count });
    await setAuth('0');
    try {
      await expect(perform('egress.block', params, 'auth/1', wrong.setup)).rejects.toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true, message: expect.stringContaining('AuthFailure') });
      await expect(perform('egress.block', params, 'auth/2', limited.setup)).rejects.toMatchObject({
        type: ErrorType.AuthFailed,
        nonRetryable: true,
        message: expect.stringContaining('ec2:DescribeSecurityGroups'),
      });
      const [probe] = await wrong.setup.connectors.get('aws-sg')!.check();
      expect(probe).toMatchObject({ ok: false, detail: expect.stringContaining('AuthFailure') });
    } finally {
      await setAuth('inf');
    }
    expect(await egressOf(groupId)).toEqual(['tcp 443-443 203.0.113.0/24']);
    destroyAwsClients(wrong.clients);
    destroyAwsClients(limited.clients);
  });
});
