/**
 * `sessions.revoke` with provider `aws-iam`: cuts off the temporary credentials an IAM user has
 * already been issued (GetSessionToken, GetFederationToken, console sessions) by attaching the
 * deny-older-sessions inline policy (./session-policy) with a cutoff of "now". With
 * `principal_type: role` the same policy goes on the role (PutRolePolicy), which is what the AWS
 * console's "revoke active sessions" does: every session of the role assumed before now stops.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import { idempotencyToken } from '../aws/idempotency-token';
import type { ActionHandler } from '../definition';
import { notVerifiedFailure, type FailureSite } from '../failures';
import type { ActionContext, ActionOutcome } from '../action-context';
import { AWS_IAM_CONNECTOR } from './connector-id';
import { SESSION_REVOCATION_POLICY, cutoffFor, parseSessionRevocation, sessionRevocationDocument, type SessionRevocation } from './session-policy';
import { describePrincipal, readInlinePolicy, requirePrincipal, writeInlinePolicy, type IamPrincipal } from './principals';

/**
 * The `aws-iam` handler for `sessions.revoke`.
 *
 * Idempotent per step: the policy's statement id records which step set the cutoff. A repeat of
 * the same step (retry, worker restart, replay) finds its own cutoff, changes nothing and reports
 * `alreadyDone: true`, with `set_by_this_step: true` and the cutoff it finds (the cutoff it
 * replaced is no longer readable then: `previous_revoked_before` is null). A different step or a
 * later incident moves the cutoff forward to its own "now": keeping an older cutoff would leave
 * every session issued since then valid, and a later cutoff revokes strictly more. A cutoff
 * already at or after "now" is left as it is (alreadyDone, `set_by_this_step: false`).
 *
 * Verifies by reading the policy back from IAM (a mismatch is a retryable `QuellNotVerified`).
 * A missing user or role is a non-retryable `QuellNotFound`; other failures are classified by
 * ../aws/errors.
 */
export function createAwsIamSessionsRevoke(options: { iam: IAMClient; logger: Logger; now?: () => Date }): ActionHandler<'sessions.revoke'> {
  const { iam, logger } = options;
  const connector = AWS_IAM_CONNECTOR;
  const now = options.now ?? (() => new Date());
  return {
    async perform(params: ActionWith<'sessions.revoke'>, context: ActionContext): Promise<ActionOutcome> {
      const principal = params.principal;
      const target: IamPrincipal = { kind: params.principal_type ?? 'user', name: principal };
      const site: FailureSite = { connector, operation: `revoke sessions of ${describePrincipal(target)}` };
      const readRevocation = () => readSessionRevocation(iam, target, site);

      await requirePrincipal(iam, target, site);
      const token = idempotencyToken(context.idempotencyKey);
      const existing = await readRevocation();
      const cutoff = cutoffFor(now());
      const covered = existing !== undefined && (existing.token === token || Date.parse(existing.cutoff) >= Date.parse(cutoff));
      const outputFor = (revocation: SessionRevocation, previous: SessionRevocation | undefined) => ({
        provider: 'aws-iam',
        principal,
        // Only a role says so: a user's output stays as it always was.
        ...(target.kind === 'role' ? { principal_type: 'role' } : {}),
        policy_name: SESSION_REVOCATION_POLICY,
        revoked_before: revocation.cutoff,
        previous_revoked_before: previous?.cutoff ?? null,
        // Read from the policy itself: a repeat can tell its own cutoff (a retry of the attempt that
        // wrote it) from one another step or incident set.
        set_by_this_step: revocation.token === token,
        verified: { policy_name: SESSION_REVOCATION_POLICY, effect: 'Deny', token_issued_before: revocation.cutoff },
      });
      if (covered) return { output: outputFor(existing, undefined), alreadyDone: true };

      await writeInlinePolicy(iam, target, SESSION_REVOCATION_POLICY, sessionRevocationDocument({ cutoff, token }), site);
      context.heartbeat({ principal, cutoff });

      const readBack = await readRevocation();
      if (readBack?.cutoff !== cutoff || readBack.token !== token) {
        throw notVerifiedFailure(site, `policy ${SESSION_REVOCATION_POLICY} reads back ${readBack ? `cutoff ${readBack.cutoff}` : 'absent'}, expected cutoff ${cutoff}`);
      }
      logger.info({ principal, kind: target.kind, cutoff, previousCutoff: existing?.cutoff }, 'aws-iam: sessions issued before the cutoff revoked');
      return { output: outputFor(readBack, existing), alreadyDone: false };
    },
  };
}

/** The revocation currently attached to the user or role, or undefined when there is none (or not one Quell can read). */
export async function readSessionRevocation(iam: IAMClient, principal: IamPrincipal, site: FailureSite): Promise<SessionRevocation | undefined> {
  const document = await readInlinePolicy(iam, principal, SESSION_REVOCATION_POLICY, site);
  return document ? parseSessionRevocation(document) : undefined;
}
