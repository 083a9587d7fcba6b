/**
 * Isolating an EC2 instance by giving every one of its network interfaces the quarantine security
 * group alone, and giving each interface back the groups it had. Interfaces are changed one by one
 * (ModifyNetworkInterfaceAttribute) because an instance with several interfaces cannot have its
 * groups replaced in one call. The previous groups are recorded first (./removal-record).
 */
import { DescribeInstancesCommand, ModifyNetworkInterfaceAttributeCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { invalidFailure, notFoundFailure, notVerifiedFailure, type FailureSite } from '../failures';
import { awsCall } from '../aws/call';
import { deleteRecord, readRecord, recordKeys, writeRecord } from './removal-record';

/** What the tags hold for an instance: each interface's groups before the quarantine. */
const InstanceRecord = z.object({
  kind: z.literal('instance-groups'),
  quarantine: z.string(),
  interfaces: z.record(z.string(), z.array(z.string())),
});
type InstanceRecord = z.infer<typeof InstanceRecord>;

/** Interface id → security group ids, in the order EC2 lists them. */
export type InterfaceGroups = Record<string, string[]>;

export interface QuarantineResult {
  /** Groups each interface had before this block swapped them (this and earlier attempts of the step). */
  previousGroups: InterfaceGroups;
  /** Interfaces swapped by this call; 0 when the instance was already quarantined. */
  swappedNow: number;
  /** The interfaces' groups read back afterwards. */
  readBack: InterfaceGroups;
}

export interface ReleaseResult {
  restoredGroups: InterfaceGroups;
  restoredNow: number;
  /** Interfaces left alone: detached since, or given other groups by someone after the block. */
  leftAlone: Record<string, string>;
  recordFound: boolean;
}

async function describeInstance(ec2: EC2Client, instanceId: string, site: FailureSite): Promise<Instance> {
  const found = await awsCall(site, () => ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
  const instance = found.Reservations?.flatMap((reservation) => reservation.Instances ?? []).find((candidate) => candidate.InstanceId === instanceId);
  if (!instance) throw notFoundFailure(site, `instance ${instanceId} does not exist`);
  return instance;
}

function interfaceGroups(instance: Instance): InterfaceGroups {
  const groups: InterfaceGroups = {};
  for (const nic of instance.NetworkInterfaces ?? []) {
    if (nic.NetworkInterfaceId) groups[nic.NetworkInterfaceId] = (nic.Groups ?? []).flatMap((group) => (group.GroupId ? [group.GroupId] : []));
  }
  return groups;
}

const onlyQuarantine = (groups: readonly string[] | undefined, quarantine: string) => groups?.length === 1 && groups[0] === quarantine;
const sameGroups = (a: readonly string[] | undefined, b: readonly string[]) => a !== undefined && a.length === b.length && a.every((id) => b.includes(id));

async function setGroups(ec2: EC2Client, interfaceId: string, groups: string[], site: FailureSite): Promise<void> {
  await awsCall({ ...site, operation: `set the security groups of ${interfaceId} to ${groups.join(', ')}` }, () =>
    ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: interfaceId, Groups: groups })),
  );
}

/** Swaps every interface of `instanceId` to the quarantine group alone, recording the old groups under `token` first. */
export async function quarantineInstance(
  ec2: EC2Client,
  instanceId: string,
  quarantine: string,
  token: string,
  site: FailureSite,
  heartbeat: (details?: unknown) => void,
): Promise<QuarantineResult> {
  const instance = await describeInstance(ec2, instanceId, site);
  const current = interfaceGroups(instance);
  if (Object.keys(current).length === 0) throw invalidFailure(site, `instance ${instanceId} has no network interfaces to quarantine`);
  const earlier = readInstanceRecord(instance, token, site);
  const toSwap = Object.entries(current).filter(([, groups]) => !onlyQuarantine(groups, quarantine));
  if (toSwap.length === 0) return { previousGroups: earlier?.interfaces ?? {}, swappedNow: 0, readBack: current };

  // An interface recorded by an earlier attempt keeps its recorded groups: those are the originals.
  const previousGroups: InterfaceGroups = { ...Object.fromEntries(toSwap), ...earlier?.interfaces };
  const record: InstanceRecord = { kind: 'instance-groups', quarantine, interfaces: previousGroups };
  await writeRecord(ec2, instanceId, token, record, instance.Tags, site);
  for (const [interfaceId] of toSwap) {
    await setGroups(ec2, interfaceId, [quarantine], site);
    heartbeat({ instanceId, quarantined: interfaceId });
  }

  const readBack = interfaceGroups(await describeInstance(ec2, instanceId, site));
  const notSwapped = Object.entries(readBack).filter(([, groups]) => !onlyQuarantine(groups, quarantine));
  if (notSwapped.length > 0) {
    throw notVerifiedFailure(site, `${notSwapped.map(([id, groups]) => `${id} has ${groups.join(', ')}`).join('; ')}; expected only ${quarantine}`);
  }
  return { previousGroups, swappedNow: toSwap.length, readBack };
}

/** Gives each interface recorded under `token` its previous groups back, then drops the record. */
export async function releaseInstance(
  ec2: EC2Client,
  instanceId: string,
  token: string,
  site: FailureSite,
  heartbeat: (details?: unknown) => void,
): Promise<ReleaseResult> {
  const instance = await describeInstance(ec2, instanceId, site);
  const record = readInstanceRecord(instance, token, site);
  if (!record) return { restoredGroups: {}, restoredNow: 0, leftAlone: {}, recordFound: false };

  const current = interfaceGroups(instance);
  const leftAlone: Record<string, string> = {};
  const toRestore: InterfaceGroups = {};
  for (const [interfaceId, groups] of Object.entries(record.interfaces)) {
    const now = current[interfaceId];
    if (now === undefined) leftAlone[interfaceId] = 'no longer attached to the instance';
    else if (sameGroups(now, groups)) continue;
    else if (now.includes(record.quarantine)) toRestore[interfaceId] = groups;
    else leftAlone[interfaceId] = `its groups were changed after the block (now ${now.join(', ')})`;
  }
  for (const [interfaceId, groups] of Object.entries(toRestore)) {
    await setGroups(ec2, interfaceId, groups, site);
    heartbeat({ instanceId, restored: interfaceId });
  }

  const after = await describeInstance(ec2, instanceId, site);
  const readBack = interfaceGroups(after);
  const wrong = Object.entries(toRestore).filter(([interfaceId, groups]) => !sameGroups(readBack[interfaceId], groups));
  if (wrong.length > 0) throw notVerifiedFailure(site, `${wrong.map(([id]) => `${id} has ${readBack[id]?.join(', ')}`).join('; ')} after the restore`);
  await deleteRecord(ec2, instanceId, recordKeys(after.Tags, token), site);
  const restoredGroups = Object.fromEntries(Object.keys(record.interfaces).filter((id) => !(id in leftAlone)).map((id) => [id, readBack[id] ?? []]));
  return { restoredGroups, restoredNow: Object.keys(toRestore).length, leftAlone, recordFound: true };
}

function readInstanceRecord(instance: Instance, token: string, site: FailureSite): InstanceRecord | undefined {
  const raw = readRecord(instance.Tags, token, site);
  if (raw === undefined) return undefined;
  const parsed = InstanceRecord.safeParse(raw);
  if (!parsed.success) throw invalidFailure(site, `the removal record on ${instance.InstanceId} is not an instance quarantine record`);
  return parsed.data;
}
