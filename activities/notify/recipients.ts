/**
 * `notify` recipients written as `group:<name>`: the approver group of that name in the approvers
 * file, resolved the way approval gates resolve it (../approvers/resolve.ts: its people, plus the
 * members of its Slack user groups), then turned into what the channel needs: Slack user ids to
 * mention, or e-mail addresses from the people's `email` field.
 *
 * A message to a group must reach the whole group. A group the file lacks, or a member with no
 * address on the step's channel, fails the step (not retried) and names them: an incident message
 * that silently skips someone is worse than a step that stops and says who cannot be reached.
 */
import { ownValue } from '../../common/own';
import { didYouMean } from '../../common/suggest';
import type { FailureSite } from '../../connectors/failures';
import { invalidFailure, notConfiguredFailure } from '../../connectors/failures';
import { resolveApproverGroups, type ApproversSetup } from '../approvers/resolve';

/** How a `to` entry names an approver group. */
export const GROUP_PREFIX = 'group:';

export type NotifyChannel = 'slack' | 'email';

/** The group a `to` entry names, or undefined when the entry is a channel or an address. */
export function groupNameOf(entry: string): string | undefined {
  return entry.startsWith(GROUP_PREFIX) ? entry.slice(GROUP_PREFIX.length) : undefined;
}

/** One reachable member of a group. */
export interface GroupMember {
  /** The name under `people`, or `slack:<id>` for a Slack user group member no person claims. */
  person: string;
  /** Slack user id or e-mail address, depending on the channel. */
  address: string;
}

export interface GroupRecipients {
  group: string;
  members: GroupMember[];
}

export interface NotifyRecipients {
  /** The `to` entries that name no group, as written. */
  direct: string[];
  groups: GroupRecipients[];
}

/** Every distinct address of the groups, in the order first met. */
export function groupAddresses(recipients: NotifyRecipients): string[] {
  return [...new Set(recipients.groups.flatMap((group) => group.members.map((member) => member.address)))];
}

/** `group:oncall (alice, bob)`, for lines people read (the tabletop's "would do", logs). */
export function describeGroups(recipients: NotifyRecipients): string[] {
  return recipients.groups.map((group) => `${GROUP_PREFIX}${group.group} (${group.members.map((member) => member.person).join(', ')})`);
}

/**
 * Splits `to` into direct entries and resolved groups. Reads Slack user groups when a group lists
 * any (a read; its failures are classified by the reader and retried like any Slack outage).
 * @throws a non-retryable failure naming the group when it is unknown, when no approvers file is
 *   configured, or when a member has no address on `channel`.
 */
export async function resolveNotifyRecipients(
  approvers: ApproversSetup | undefined,
  channel: NotifyChannel,
  to: readonly string[],
  site: FailureSite,
): Promise<NotifyRecipients> {
  const direct = to.filter((entry) => groupNameOf(entry) === undefined);
  const names = [...new Set(to.map(groupNameOf).filter((name): name is string => name !== undefined))];
  if (names.length === 0) return { direct, groups: [] };
  const named = names.map((name) => `${GROUP_PREFIX}${name}`).join(', ');
  if (!approvers) {
    throw notConfiguredFailure(site, `${named}: approver groups are defined in the approvers file, and none is configured (QUELL_APPROVERS_FILE)`);
  }
  const { config } = approvers;
  const unknown = names.filter((name) => ownValue(config.groups, name) === undefined);
  if (unknown.length > 0) {
    const defined = Object.keys(config.groups);
    const each = unknown.map((name) => `${GROUP_PREFIX}${name}${didYouMean(name, defined)}`).join('; ');
    throw invalidFailure(site, `approver group not defined in ${config.file}: ${each}`);
  }

  const resolution = await resolveApproverGroups(approvers, names);
  const slackOf = new Map(resolution.people.map((person) => [person.person, person.slack]));
  const addressOf = (person: string): string | undefined =>
    channel === 'slack' ? slackOf.get(person) : ownValue(config.people, person)?.email;

  const groups: GroupRecipients[] = [];
  const unreachable: string[] = [];
  for (const group of resolution.groups) {
    const members: GroupMember[] = [];
    const lacking: string[] = [];
    for (const person of group.members) {
      const address = addressOf(person);
      if (address) members.push({ person, address });
      else lacking.push(person);
    }
    if (group.members.length === 0) unreachable.push(`${GROUP_PREFIX}${group.group} has no members right now${membersHint(resolution.problems, group.group)}`);
    else if (lacking.length > 0) unreachable.push(`${GROUP_PREFIX}${group.group}: ${lacking.join(', ')} ${lacking.length === 1 ? 'has' : 'have'} no ${fieldOf(channel)}`);
    groups.push({ group: group.group, members });
  }
  if (unreachable.length > 0) {
    throw invalidFailure(site, `cannot reach every member by ${channel}: ${unreachable.join('; ')} (fix ${config.file}${channel === 'email' ? ': add `email:` to each person' : ''})`);
  }
  return { direct, groups };
}

function fieldOf(channel: NotifyChannel): string {
  return channel === 'slack' ? 'Slack user id (`slack:` under people)' : 'e-mail address (`email:` under people)';
}

/** Why a group came out empty, when the resolution knows (a deleted Slack user group). */
function membersHint(problems: readonly string[], group: string): string {
  const about = problems.filter((problem) => problem.includes(`of group ${group} `));
  return about.length > 0 ? ` (${about.join('; ')})` : '';
}
