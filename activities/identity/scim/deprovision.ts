/**
 * `identity.deprovision` and `sessions.revoke` with provider `scim`.
 *
 * Deprovisioning finds the user (userName, then email), sets `active: false`, leaves every group
 * that lists them (unless `remove_groups: false`) and, when `delete_user` (or the connector's
 * `delete_users`) says so, deletes the user. `sessions.revoke` only deactivates: SCIM has no
 * sessions, and an inactive user is refused by the identity provider and every app it feeds.
 *
 * Idempotent: a user that is already inactive, in no group and (if asked) deleted — or absent
 * altogether — gives `alreadyDone: true` with nothing written. Concurrent edits are handled by
 * If-Match and re-reading on 412 (see ./client.ts). Verified by reading the user and the groups
 * back; a post-condition that does not hold fails as NotVerified and is retried.
 */
import type { Logger } from 'pino';
import type { ActionOutcome } from '../../ports';
import { notVerifiedFailure } from '../../live/failures';
import type { ProviderHandler } from '../../live/router';
import type { ScimClient } from './client';
import { deactivate, findUser, groupLabel, groupsContaining, removeMember } from './users';

export interface DeprovisionRequest {
  user: string;
  removeGroups: boolean;
  deleteUser: boolean;
}

/**
 * Routed handler for `identity.deprovision` with provider scim. `remove_groups` defaults to true,
 * `delete_user` to the connector's `delete_users`.
 */
export function scimDeprovisionHandler(client: ScimClient, logger: Logger): ProviderHandler {
  return {
    provider: 'scim',
    connector: client.connector,
    perform: (params) =>
      deprovisionScimUser(client, logger, {
        user: String(params.user),
        removeGroups: params.remove_groups !== false,
        deleteUser: typeof params.delete_user === 'boolean' ? params.delete_user : client.deletesUsers,
      }),
  };
}

/** Routed handler for `sessions.revoke` with provider scim: deactivation only (groups and account stay). */
export function scimSessionsHandler(client: ScimClient, logger: Logger): ProviderHandler {
  return {
    provider: 'scim',
    connector: client.connector,
    async perform(params) {
      const outcome = await deprovisionScimUser(client, logger, { user: String(params.principal), removeGroups: false, deleteUser: false });
      return { ...outcome, output: { ...outcome.output, principal: params.principal, method: 'deactivate' } };
    },
  };
}

/** Deprovisions one user as the module comment describes; idempotent and verified. */
export async function deprovisionScimUser(client: ScimClient, logger: Logger, request: DeprovisionRequest): Promise<ActionOutcome> {
  const site = { connector: client.connector, operation: `deprovision ${request.user}` };
  const summary = { provider: 'scim', user: request.user };
  const user = await findUser(client, request.user);
  if (!user) {
    return {
      output: { ...summary, found: false, user_id: null, active: false, groups_removed: [], deleted: false, verified: true, verification: 'no such user (deleted or never provisioned)' },
      alreadyDone: true,
    };
  }

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

  return {
    output: {
      ...summary,
      found: true,
      user_id: user.id,
      active: false,
      deactivated,
      groups_removed: removedFrom,
      deleted: request.deleteUser,
      verified: true,
      verification: request.deleteUser ? 'user answers 404; no group lists them' : `user reads back inactive${request.removeGroups ? '; no group lists them' : ''}`,
    },
    alreadyDone: !deactivated && removedFrom.length === 0 && !deleted,
  };
}
