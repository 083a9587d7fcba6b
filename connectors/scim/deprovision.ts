/**
 * `identity.deprovision` and `sessions.revoke` with provider `scim`.
 *
 * Deprovisioning finds the user (userName, then email), sets `active: false`, leaves every group
 * that lists them (unless `remove_groups: false`) and, when `delete_user` (or the connector's
 * `delete_users`) says so, deletes the user. `sessions.revoke` only deactivates: SCIM has no
 * sessions, and an inactive user is refused by the identity provider and every app it feeds.
 *
 * Idempotent: a user that is already inactive, in no group and (if asked) deleted — or absent
 * altogether — gives `alreadyDone: true` with nothing written. Such a repeat reports what it reads
 * back rather than "nothing" (it may be the retry of an attempt that did the work and died before
 * reporting): `deactivated: true` for a user that reads back inactive, `deleted: true` for one
 * asked deleted and gone, and null, named in `unknown_fields`, for what SCIM can no longer tell
 * (the groups they left, the id of a user that is gone). `state` is the user's state read back
 * (`inactive` or `absent`) in every output. Concurrent edits are handled by
 * If-Match and re-reading on 412 (see ./client.ts). Verified by reading the user and the groups
 * back; a post-condition that does not hold fails as NotVerified and is retried.
 */
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import type { ActionHandler } from '../definition';
import { refuseRolePrincipal } from '../role-principals';
import { notVerifiedFailure } from '../failures';
import type { ActionOutcome } from '../action-context';
import type { ScimClient } from './client';
import { deactivate, findUser, groupLabel, groupsContaining, removeMember } from './users';

export interface DeprovisionRequest {
  user: string;
  removeGroups: boolean;
  deleteUser: boolean;
}

/**
 * The `scim` handler for `identity.deprovision`. `remove_groups` defaults to true, `delete_user`
 * to the section's `delete_users`.
 */
export function createScimDeprovision(client: ScimClient, logger: Logger): ActionHandler<'identity.deprovision'> {
  return {
    perform: (params: ActionWith<'identity.deprovision'>) =>
      deprovisionScimUser(client, logger, {
        user: params.user,
        removeGroups: params.remove_groups !== false,
        deleteUser: params.delete_user ?? client.deletesUsers,
      }),
  };
}

/** The `scim` handler for `sessions.revoke`: deactivation only (groups and account stay). */
export function createScimSessionsRevoke(client: ScimClient, logger: Logger): ActionHandler<'sessions.revoke'> {
  return {
    async perform(params: ActionWith<'sessions.revoke'>): Promise<ActionOutcome> {
      refuseRolePrincipal(params, { connector: client.connector, operation: `revoke sessions of ${params.principal}` });
      const outcome = await deprovisionScimUser(client, logger, { user: params.principal, removeGroups: false, deleteUser: false });
      return { ...outcome, output: { ...outcome.output, principal: params.principal, method: 'deactivate' } };
    },
  };
}

/** Deprovisions one user as the module comment describes; idempotent and verified. */
export async function deprovisionScimUser(client: ScimClient, logger: Logger, request: DeprovisionRequest): Promise<ActionOutcome> {
  const site = { connector: client.connector, operation: `deprovision ${request.user}` };
  const summary = { provider: 'scim', user: request.user };
  const user = await findUser(client, request.user);
  if (!user) return { output: { ...summary, ...userAbsent(request) }, alreadyDone: true };

  const deactivated = await client.update('Users', user.id, deactivate, `deactivate ${request.user}`);
  const removedFrom: Array<ReturnType<typeof groupLabel>> = [];
  if (request.removeGroups) {
    for (const group of await groupsContaining(client, user)) {
      if (await client.update('Groups', group.id, removeMember(user.id), `remove ${request.user} from group ${group.id}`)) {
        removedFrom.push(groupLabel(group));
      }
    }
  }
  const deleted = request.deleteUser ? await client.delete('Users', user.id) : false;
  logger.info({ user_id: user.id, deactivated, groups: removedFrom.length, deleted }, 'scim deprovisioning done');

  // Read back: the user is gone (when deleted) or inactive, and no group lists them any more.
  const readBack = await client.get('Users', user.id);
  if (request.deleteUser && readBack) throw notVerifiedFailure(site, `user ${user.id} can still be read after DELETE`);
  if (!request.deleteUser && readBack?.resource.active !== false) throw notVerifiedFailure(site, `user ${user.id} is still active`);
  const stillIn = request.removeGroups ? await groupsContaining(client, readBack?.resource ?? user) : [];
  if (stillIn.length > 0) throw notVerifiedFailure(site, `still a member of group(s) ${stillIn.map((g) => g.id).join(', ')}`);

  const changed = deactivated || removedFrom.length > 0 || deleted;
  const verification = request.deleteUser ? 'user answers 404; no group lists them' : `user reads back inactive${request.removeGroups ? '; no group lists them' : ''}`;
  const found = { found: true, user_id: user.id, state: readBack ? 'inactive' : 'absent', active: false };
  if (!changed) {
    // Nothing to change, but this may be the retry of an attempt that did it and died before
    // reporting: say what the read-back shows is in effect, not "deactivated nothing".
    const unknown: Array<[field: string, why: string]> = [];
    // Deleted by someone else between our look-up and our DELETE: its state went with it.
    if (!readBack) unknown.push(['deactivated', `${request.user} was gone before it could be read back`]);
    if (request.removeGroups) unknown.push(['groups_removed', `no group lists ${request.user} now, and SCIM keeps no record of the groups they were in`]);
    const because = unknown.length > 0 ? { unknown_fields: unknown.map(([field]) => field), unknown_because: unknown.map(([, why]) => why).join('; ') } : {};
    return {
      output: { ...summary, ...found, deactivated: readBack ? true : null, groups_removed: request.removeGroups ? null : [], deleted: request.deleteUser, verified: true, verification, ...because },
      alreadyDone: true,
    };
  }
  return {
    output: { ...summary, ...found, deactivated, groups_removed: removedFrom, deleted: request.deleteUser, verified: true, verification },
    alreadyDone: false,
  };
}

/**
 * What is in effect when no user answers to the name: no account that could be active, and
 * (when asked) deletion. Whether they were ever deactivated, which groups they left and their id
 * cannot be read from an account that is gone (or never was): null and named in `unknown_fields`.
 */
function userAbsent(request: DeprovisionRequest): Record<string, unknown> {
  return {
    found: false,
    user_id: null,
    state: 'absent',
    active: false,
    deactivated: null,
    groups_removed: request.removeGroups ? null : [],
    deleted: request.deleteUser,
    verified: true,
    verification: 'no such user (deleted or never provisioned)',
    unknown_fields: ['user_id', 'deactivated', ...(request.removeGroups ? ['groups_removed'] : [])],
    unknown_because: `no user has the userName or email ${request.user} (deleted, or never provisioned: SCIM does not say which), so nothing about them can be read back`,
  };
}
