/**
 * `credentials.revoke` and `sessions.revoke` with provider `openbao`.
 *
 * Parameter mapping (OpenBao has tokens and leases, not users or keys; see
 * ./target.ts for the accepted forms):
 *
 * - `sessions.revoke`: `principal` is the target: a token accessor (`accessor:` optional),
 *   `lease-prefix:<path>` or `entity:<entity id>`.
 * - `credentials.revoke`: the same; or, when `key_id` is given, `key_id` is the accessor of the
 *   token to revoke and `principal` only names its holder (as with aws-iam, where `principal` is
 *   the user and `key_id` the key). `delete_key` changes nothing: a revoked token is destroyed.
 *
 * Both read what the target holds first (nothing live → `alreadyDone: true`, no request that
 * changes anything), revoke, then read again and fail with NotVerified (retried) if anything is
 * left. The connector's own token is never revoked: a target that covers it is refused.
 *
 * A repeat reports what is in effect rather than "revoked nothing": it may be the retry of an
 * attempt that did the revoking and died before reporting (the activity envelope adds whose
 * effect it is). The accessor it names is listed as revoked; what cannot be read back any more is
 * null and named in `unknown_fields`, with the reason in `unknown_because`.
 */
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import type { ActionHandler } from '../definition';
import { refuseRolePrincipal } from '../role-principals';
import { invalidFailure, notVerifiedFailure, type FailureSite } from '../failures';
import type { ActionContext, ActionOutcome } from '../action-context';
import type { OpenBaoClient, OpenBaoTokenInfo } from './client';
import { holdingsOf, holdsNothing } from './holdings';
import { describeTarget, parseOpenBaoTarget, type OpenBaoTarget } from './target';

/** The `openbao` handler for `credentials.revoke`. */
export function createOpenBaoCredentialsRevoke(client: OpenBaoClient, logger: Logger): ActionHandler<'credentials.revoke'> {
  return {
    perform(params: ActionWith<'credentials.revoke'>, context: ActionContext): Promise<ActionOutcome> {
      const { principal, key_id: keyId } = params;
      const site = { connector: client.connector, operation: `revoke credentials of ${principal}` };
      // With key_id the principal is only a label, so it may be anything (an email, a name).
      const target = targetOf(site, keyId ?? principal);
      if (keyId !== undefined && target.kind !== 'accessor') throw invalidFailure(site, `key_id must be a token accessor, not ${describeTarget(target)}`);
      return revokeTarget(client, logger, site, principal, target, context);
    },
  };
}

/** The `openbao` handler for `sessions.revoke`. */
export function createOpenBaoSessionsRevoke(client: OpenBaoClient, logger: Logger): ActionHandler<'sessions.revoke'> {
  return {
    perform(params: ActionWith<'sessions.revoke'>, context: ActionContext): Promise<ActionOutcome> {
      const { principal } = params;
      const site = { connector: client.connector, operation: `revoke sessions of ${principal}` };
      refuseRolePrincipal(params, site);
      return revokeTarget(client, logger, site, principal, targetOf(site, principal), context);
    },
  };
}

function targetOf(site: FailureSite, value: string): OpenBaoTarget {
  const parsed = parseOpenBaoTarget(value);
  if ('problem' in parsed) throw invalidFailure(site, parsed.problem);
  return parsed.target;
}

async function revokeTarget(
  client: OpenBaoClient,
  logger: Logger,
  site: FailureSite,
  principal: string,
  target: OpenBaoTarget,
  context: ActionContext,
): Promise<ActionOutcome> {
  const self = await client.lookupSelf();
  refuseSelfRevocation(site, target, self);

  const before = await holdingsOf(client, target, context.heartbeat);
  const summary = {
    provider: 'openbao',
    principal,
    target: describeTarget(target),
    target_kind: target.kind,
  };
  if (holdsNothing(before)) {
    // Nothing to change, but this may be the retry of an attempt that revoked and died before
    // reporting: the step's record says what is in effect, and which details went with the tokens.
    return { output: { ...summary, ...revokedAlready(target), verified: true, verification: nothingLeft(target) }, alreadyDone: true };
  }

  if (target.kind === 'lease-prefix') {
    await client.revokePrefix(target.prefix);
  } else {
    for (const token of before.tokens) {
      context.heartbeat({ revoking: token.accessor });
      await client.revokeAccessor(token.accessor);
    }
  }
  logger.info({ target: describeTarget(target), tokens: before.tokens.length }, 'openbao revocation done');

  const after = await holdingsOf(client, target, context.heartbeat);
  if (!holdsNothing(after)) {
    throw notVerifiedFailure(site, `${describeTarget(target)} still holds ${after.tokens.length} token(s) and ${after.leaseEntries.length} lease entr(ies)`);
  }
  return {
    output: {
      ...summary,
      revoked_tokens: before.tokens.map(publicTokenFields),
      lease_entries_revoked: before.leaseEntries.length,
      verified: true,
      verification: nothingLeft(target),
    },
    alreadyDone: false,
  };
}

/** Revoking the connector's own token would lock Quell out halfway through a run. */
function refuseSelfRevocation(site: FailureSite, target: OpenBaoTarget, self: OpenBaoTokenInfo): void {
  const covers =
    (target.kind === 'accessor' && target.accessor === self.accessor) ||
    (target.kind === 'entity' && self.entity_id !== '' && target.entityId === self.entity_id) ||
    (target.kind === 'lease-prefix' && `${self.path}/`.startsWith(`${target.prefix}/`));
  if (covers) throw invalidFailure(site, `${describeTarget(target)} covers the connector's own token; refusing to revoke it`);
}

/**
 * What a repeat reports once the target holds nothing: the accessor it names counts as revoked,
 * since no live token answers to it; what OpenBao no longer holds (a revoked token's details, how
 * many leases a prefix had, which tokens an entity had) is null and named in `unknown_fields`.
 */
function revokedAlready(target: OpenBaoTarget): Record<string, unknown> {
  switch (target.kind) {
    case 'accessor':
      return {
        revoked_tokens: [{ accessor: target.accessor, display_name: null, policies: null, entity_id: null, expire_time: null }],
        lease_entries_revoked: 0,
        unknown_fields: ['revoked_tokens[].display_name', 'revoked_tokens[].policies', 'revoked_tokens[].entity_id', 'revoked_tokens[].expire_time'],
        unknown_because: `no live token answers to accessor ${target.accessor} any more (revoked, expired or never issued: OpenBao does not say which), and nothing of it is left to look up`,
      };
    case 'lease-prefix':
      return {
        revoked_tokens: [],
        lease_entries_revoked: null,
        unknown_fields: ['lease_entries_revoked'],
        unknown_because: `no lease is listed under ${target.prefix}/ any more, and OpenBao keeps no count of the leases it revoked`,
      };
    case 'entity':
      return {
        revoked_tokens: null,
        lease_entries_revoked: 0,
        unknown_fields: ['revoked_tokens'],
        unknown_because: `no live token is bound to entity ${target.entityId} any more, and revoked tokens cannot be looked up, so which ones it had is not known`,
      };
  }
}

function nothingLeft(target: OpenBaoTarget): string {
  return target.kind === 'lease-prefix'
    ? `no lease is listed under ${target.prefix}/`
    : target.kind === 'accessor'
      ? `lookup-accessor answers "invalid accessor" for ${target.accessor}`
      : `no token in the token store is bound to entity ${target.entityId}`;
}

/** Everything a lookup returns except what could help use the token. */
function publicTokenFields(token: OpenBaoTokenInfo): Record<string, unknown> {
  return {
    accessor: token.accessor,
    display_name: token.display_name,
    policies: token.policies,
    entity_id: token.entity_id || null,
    expire_time: token.expire_time,
  };
}
