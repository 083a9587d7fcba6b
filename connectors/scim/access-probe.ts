/**
 * The `scim` entry of the remaining-access report: removed when the user does not exist, or is
 * inactive and listed in no group; present when active, or inactive but still in a group (a
 * reactivation would restore that access at once).
 */
import type { AccessProbe } from '../definition';
import { accessLookup } from '../probe-step';
import type { ScimClient } from './client';
import { findUser, groupsContaining } from './users';

/** The `scim` access probe; never throws (errors are `unknown`). */
export function scimAccessProbe(client: ScimClient): AccessProbe {
  return {
    lookup: (identity) =>
      accessLookup(async () => {
        const user = await findUser(client, identity);
        if (!user) return { status: 'removed', detail: `no user ${identity}` };
        const groups = await groupsContaining(client, user);
        const groupNames = groups.map((g) => (typeof g.displayName === 'string' ? g.displayName : g.id)).join(', ');
        if (user.active !== false) {
          return { status: 'present', detail: `user ${user.id} is active${groups.length > 0 ? `, in group(s) ${groupNames}` : ''}` };
        }
        return groups.length > 0
          ? { status: 'present', detail: `user ${user.id} is inactive but still in group(s) ${groupNames}` }
          : { status: 'removed', detail: `user ${user.id} is inactive and in no group` };
      }),
  };
}
