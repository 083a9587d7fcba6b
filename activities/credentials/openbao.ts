/**
 * `credentials.revoke` and `sessions.revoke` with provider `openbao`.
 *
 * Parameter mapping (OpenBao has tokens and leases, not users or keys; see
 * ../identity/openbao/target.ts for the accepted forms):
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
 */
import type { Logger } from 'pino';
import type { ActionContext, ActionOutcome } from '../ports';
import { invalidFailure, notVerifiedFailure, type FailureSite } from '../live/failures';
import type { ProviderHandler } from '../live/router';
import type { OpenBaoClient, OpenBaoTokenInfo } from '../identity/openbao/client';
import { holdingsOf, holdsNothing } from '../identity/openbao/holdings';
import { describeTarget, parseOpenBaoTarget, type OpenBaoTarget } from '../identity/openbao/target';

/** Routed handler for `credentials.revoke` with provider openbao. */
export function openBaoCredentialsHandler(client: OpenBaoClient, logger: Logger): ProviderHandler {
  return {
    provider: 'openbao',
    connector: client.connector,
    perform(params, context) {
      const principal = String(params.principal);
      const keyId = typeof params.key_id === 'string' ? params.key_id : undefined;
      const site = { connector: client.connector, operation: `revoke credentials of ${principal}` };
      // With key_id the principal is only a label, so it may be anything (an email, a name).
      const target = targetOf(site, keyId ?? principal);
      if (keyId !== undefined && target.kind !== 'accessor') throw invalidFailure(site, `key_id must be a token accessor, not ${describeTarget(target)}`);
      return revokeTarget(client, logger, site, principal, target, context);
    },
  };
}

/** Routed handler for `sessions.revoke` with provider openbao. */
export function openBaoSessionsHandler(client: OpenBaoClient, logger: Logger): ProviderHandler {
  return {
    provider: 'openbao',
    connector: client.connector,
    perform(params, context) {
      const principal = String(params.principal);
      const site = { connector: client.connector, operation: `revoke sessions of ${principal}` };
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
    return {
      output: { ...summary, revoked_tokens: [], lease_entries_revoked: 0, verified: true, verification: nothingLeft(target) },
      alreadyDone: true,
    };
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
