/**
 * The SCIM reads and changes deprovisioning is made of: find a user by userName (falling back to
 * email), deactivate them, find and leave the groups that list them.
 */
import { ErrorType } from '../../common/errors';
import { invalidFailure } from '../failures';
import { scimString, type ScimChange, type ScimClient, type ScimResource } from './client';

export interface ScimMember {
  value: string;
  display?: string;
  type?: string;
}

/**
 * The user whose userName is `name`; when none is and `name` looks like an email, the user with
 * that email. Undefined when there is no such user; an ambiguous email is refused (InvalidInput).
 */
export async function findUser(client: ScimClient, name: string): Promise<ScimResource | undefined> {
  const byUserName = await client.list('Users', `userName eq ${scimString(name)}`);
  if (byUserName.length > 0) return byUserName[0];
  if (!name.includes('@')) return undefined;
  const byEmail = await client.list('Users', `emails.value eq ${scimString(name)}`);
  if (byEmail.length > 1) {
    throw invalidFailure(
      { connector: client.connector, operation: `find user ${name}` },
      `${byEmail.length} users have this email (${byEmail.map((u) => u.id).join(', ')}); name one by userName`,
    );
  }
  return byEmail[0];
}

/** Sets `active: false` (nothing to do when the user already is inactive). */
export const deactivate: ScimChange = {
  needed: (user) => user.active !== false,
  operations: () => [{ op: 'replace', path: 'active', value: false }],
  apply: (user) => ({ ...user, active: false }),
};

/** Removes one member from a group by id; nothing to do when the group does not list them. */
export function removeMember(userId: string): ScimChange {
  const listed = (group: ScimResource) => membersOf(group).some((member) => member.value === userId);
  return {
    // A server that leaves `members` out of its answer (large groups) is asked anyway.
    needed: (group) => !Array.isArray(group.members) || listed(group),
    operations: () => [{ op: 'remove', path: `members[value eq ${scimString(userId)}]` }],
    apply: (group) => ({ ...group, members: membersOf(group).filter((member) => member.value !== userId) }),
  };
}

/**
 * Groups that list the user as a direct member: by the `members.value` filter, or, from a server
 * that refuses that filter (400), by reading every group. Groups named in the user's own
 * read-only `groups` attribute are added (nested "indirect" ones cannot be left directly).
 */
export async function groupsContaining(client: ScimClient, user: ScimResource): Promise<ScimResource[]> {
  let groups: ScimResource[];
  try {
    groups = await client.list('Groups', `members.value eq ${scimString(user.id)}`);
  } catch (error) {
    if ((error as { type?: string }).type !== ErrorType.InvalidInput) throw error;
    groups = (await client.list('Groups')).filter((group) => membersOf(group).some((member) => member.value === user.id));
  }
  const known = new Set(groups.map((group) => group.id));
  const fromUser = (Array.isArray(user.groups) ? (user.groups as ScimMember[]) : []).filter(
    (group) => group.type !== 'indirect' && !known.has(group.value),
  );
  for (const reference of fromUser) {
    const group = await client.get('Groups', reference.value);
    // The user's `groups` may lag behind; the group itself decides (when it shows its members).
    if (group && removeMember(user.id).needed(group.resource)) groups.push(group.resource);
  }
  return groups;
}

/** The group's `members`, or none when the server left the attribute out. */
export function membersOf(group: ScimResource): ScimMember[] {
  return Array.isArray(group.members) ? (group.members as ScimMember[]) : [];
}

/** Id and display name of a group, for outputs. */
export function groupLabel(group: ScimResource): { id: string; display_name: string | null } {
  return { id: group.id, display_name: typeof group.displayName === 'string' ? group.displayName : null };
}
