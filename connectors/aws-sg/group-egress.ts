/**
 * Blocking egress on one security group by revoking the rules that allow it, and putting back
 * exactly those rules afterwards. What is revoked is recorded first (./removal-record), so the
 * undo never depends on the block having reported back.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupEgressCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { invalidFailure, notFoundFailure, notVerifiedFailure, type FailureSite } from '../failures';
import { awsCall, awsCallOrAbsent } from '../aws/call';
import { entryKey, flattenEgress, selectEntries, toIpPermissions, unionEntries, type EgressEntry, type EgressSelection } from './egress-entries';
import { deleteRecord, readRecord, recordKeys, writeRecord } from './removal-record';

/** What the tags hold for a security group: the removed permissions, in EC2's own shape. */
const GroupRecord = z.object({
  kind: z.literal('security-group-egress'),
  removed: z.array(
    z.object({
      IpProtocol: z.string(),
      FromPort: z.number().optional(),
      ToPort: z.number().optional(),
      IpRanges: z.array(z.object({ CidrIp: z.string(), Description: z.string().optional() })).optional(),
      Ipv6Ranges: z.array(z.object({ CidrIpv6: z.string(), Description: z.string().optional() })).optional(),
    }),
  ),
});
type GroupRecord = z.infer<typeof GroupRecord>;

export interface GroupBlockResult {
  /** Everything this block has removed so far (this attempt and earlier ones of the same step). */
  removed: IpPermission[];
  /** Rules removed by this call; 0 when the block was already in place. */
  removedNow: number;
  /** Rules still matching the selection after the block, read back (always 0 on success). */
  stillMatching: number;
}

export interface GroupUnblockResult {
  restored: IpPermission[];
  restoredNow: number;
  /** Whether a removal record was found; false when there was nothing (left) to restore. */
  recordFound: boolean;
}

export async function describeGroup(ec2: EC2Client, groupId: string, site: FailureSite): Promise<SecurityGroup> {
  const found = await awsCall(site, () => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })));
  const group = found.SecurityGroups?.find((candidate) => candidate.GroupId === groupId);
  if (!group) throw notFoundFailure(site, `security group ${groupId} does not exist`);
  return group;
}

/** Revokes the group's egress entries that match `selection`, recording them under `token` first. */
export async function blockGroupEgress(
  ec2: EC2Client,
  groupId: string,
  selection: EgressSelection,
  token: string,
  site: FailureSite,
  heartbeat: (details?: unknown) => void,
): Promise<GroupBlockResult> {
  const group = await describeGroup(ec2, groupId, site);
  const earlier = readGroupRecord(group, token, site);
  const matching = selectEntries(flattenEgress(group.IpPermissionsEgress), selection);
  const recorded = flattenEgress(earlier?.removed);
  if (matching.length === 0) return { removed: toIpPermissions(recorded), removedNow: 0, stillMatching: 0 };

  const removed = unionEntries(recorded, matching);
  const record: GroupRecord = { kind: 'security-group-egress', removed: toIpPermissions(removed) as GroupRecord['removed'] };
  await writeRecord(ec2, groupId, token, record, group.Tags, site);
  heartbeat({ groupId, recorded: removed.length });

  for (const entry of matching) {
    // One entry per call: an entry someone removed meanwhile must not make the others fail.
    await awsCallOrAbsent({ ...site, operation: `revoke egress ${describeEntry(entry)} from ${groupId}` }, ['InvalidPermission.NotFound'], () =>
      ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: toIpPermissions([entry]) })),
    );
    heartbeat({ groupId, revoked: entryKey(entry) });
  }

  const after = selectEntries(flattenEgress((await describeGroup(ec2, groupId, site)).IpPermissionsEgress), selection);
  if (after.length > 0) throw notVerifiedFailure(site, `${groupId} still allows ${after.map(describeEntry).join(', ')} after the revoke`);
  return { removed: toIpPermissions(removed), removedNow: matching.length, stillMatching: 0 };
}

/** Re-authorises exactly what the block recorded under `token`, then drops the record. */
export async function unblockGroupEgress(
  ec2: EC2Client,
  groupId: string,
  token: string,
  site: FailureSite,
  heartbeat: (details?: unknown) => void,
): Promise<GroupUnblockResult> {
  const group = await describeGroup(ec2, groupId, site);
  const record = readGroupRecord(group, token, site);
  if (!record) return { restored: [], restoredNow: 0, recordFound: false };

  const wanted = flattenEgress(record.removed);
  const present = new Set(flattenEgress(group.IpPermissionsEgress).map(entryKey));
  const missing = wanted.filter((entry) => !present.has(entryKey(entry)));
  for (const entry of missing) {
    await awsCallOrAbsent({ ...site, operation: `restore egress ${describeEntry(entry)} on ${groupId}` }, ['InvalidPermission.Duplicate'], () =>
      ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: toIpPermissions([entry]) })),
    );
    heartbeat({ groupId, restored: entryKey(entry) });
  }

  const after = await describeGroup(ec2, groupId, site);
  const nowPresent = new Set(flattenEgress(after.IpPermissionsEgress).map(entryKey));
  const stillMissing = wanted.filter((entry) => !nowPresent.has(entryKey(entry)));
  if (stillMissing.length > 0) throw notVerifiedFailure(site, `${groupId} does not yet allow ${stillMissing.map(describeEntry).join(', ')} after the restore`);
  await deleteRecord(ec2, groupId, recordKeys(after.Tags, token), site);
  return { restored: record.removed, restoredNow: missing.length, recordFound: true };
}

function readGroupRecord(group: SecurityGroup, token: string, site: FailureSite): GroupRecord | undefined {
  const raw = readRecord(group.Tags, token, site);
  if (raw === undefined) return undefined;
  const parsed = GroupRecord.safeParse(raw);
  if (!parsed.success) throw invalidFailure(site, `the removal record on ${group.GroupId} is not a security-group egress record`);
  return parsed.data;
}

function describeEntry(entry: EgressEntry): string {
  const protocol = entry.protocol === '-1' ? 'all traffic' : entry.protocol;
  const ports = entry.fromPort === undefined ? '' : entry.fromPort === entry.toPort ? ` port ${entry.fromPort}` : ` ports ${entry.fromPort}-${entry.toPort}`;
  return `${protocol}${ports} to ${entry.cidr}`;
}
