/**
 * `access.deny_all` and `access.restore` with provider `aws-iam`.
 *
 * deny_all attaches the QuellDenyAll inline policy (./quell-policies) to an IAM user or role:
 * explicit deny beats every allow, so whatever the principal's other policies grant, and however
 * its credentials were obtained, its requests are refused from the moment IAM has the policy.
 * Nothing is deleted; restore takes the deny off again.
 *
 * restore removes Quell's own deny inline policies (QuellDenyAll, and sessions.revoke's
 * quell-revoke-older-sessions) from the principal, and nothing else: a policy is removed only
 * when its name is one Quell reserves and its content is exactly what Quell writes.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../action-context';
import { idempotencyToken } from '../aws/idempotency-token';
import type { ActionHandler } from '../definition';
import { notVerifiedFailure, type FailureSite } from '../failures';
import { AWS_IAM_CONNECTOR } from './connector-id';
import { deleteInlinePolicy, describePrincipal, readInlinePolicy, refuseOwnUser, requirePrincipal, writeInlinePolicy, type IamPrincipal } from './principals';
import { DENY_ALL_POLICY, QUELL_DENY_POLICIES, denyAllDocument, denyAllToken } from './quell-policies';

/**
 * The `aws-iam` handler for `access.deny_all`.
 *
 * Idempotent: a Quell deny-all already attached (by this step or another) is left as it is and
 * reported `alreadyDone`, with `set_by_this_step` read from the statement id. A policy under the
 * reserved name that is not Quell's deny-all is replaced (the name is Quell's). Read back from IAM
 * after writing; a mismatch is a retryable `QuellNotVerified`. A missing user or role is a
 * non-retryable `QuellNotFound`; the connectors' own IAM user is refused (`QuellInvalidInput`).
 */
export function createAwsIamAccessDenyAll(options: { iam: IAMClient; logger: Logger }): ActionHandler<'access.deny_all'> {
  const { iam, logger } = options;
  return {
    async perform(params: ActionWith<'access.deny_all'>, context: ActionContext): Promise<ActionOutcome> {
      const principal: IamPrincipal = { kind: params.principal_type ?? 'user', name: params.principal };
      const site: FailureSite = { connector: AWS_IAM_CONNECTOR, operation: `deny all access to ${describePrincipal(principal)}` };
      await requirePrincipal(iam, principal, site);
      await refuseOwnUser(iam, principal, site);
      const token = idempotencyToken(context.idempotencyKey);
      const outputFor = (writtenBy: string) => ({
        provider: AWS_IAM_CONNECTOR,
        principal: principal.name,
        principal_type: principal.kind,
        policy_name: DENY_ALL_POLICY,
        set_by_this_step: writtenBy === token,
        verified: { policy_name: DENY_ALL_POLICY, effect: 'Deny' as const, action: '*' as const, resource: '*' as const },
      });

      const existing = await readInlinePolicy(iam, principal, DENY_ALL_POLICY, site);
      const existingToken = existing === undefined ? undefined : denyAllToken(existing);
      if (existingToken !== undefined) return { output: outputFor(existingToken), alreadyDone: true };

      await writeInlinePolicy(iam, principal, DENY_ALL_POLICY, denyAllDocument(token), site);
      context.heartbeat({ principal: principal.name, policy: DENY_ALL_POLICY });
      const readBack = await readInlinePolicy(iam, principal, DENY_ALL_POLICY, site);
      const readToken = readBack === undefined ? undefined : denyAllToken(readBack);
      if (readToken !== token) {
        throw notVerifiedFailure(site, `policy ${DENY_ALL_POLICY} reads back ${readBack === undefined ? 'absent' : 'with other content'} after it was written`);
      }
      logger.info({ principal: principal.name, kind: principal.kind, replacedForeign: existing !== undefined }, 'aws-iam: deny-all policy attached');
      return { output: outputFor(token), alreadyDone: false };
    },
  };
}

/**
 * The `aws-iam` handler for `access.restore`: the undo of `access.deny_all` and `sessions.revoke`.
 *
 * Idempotent: with none of Quell's policies left, it changes nothing and reports `alreadyDone`.
 * A policy under a Quell name whose content Quell did not write is kept and listed in
 * `kept_foreign`. Reads the names back after removing; a Quell policy still there is a retryable
 * `QuellNotVerified`. A missing user or role is a non-retryable `QuellNotFound`.
 */
export function createAwsIamAccessRestore(options: { iam: IAMClient; logger: Logger }): ActionHandler<'access.restore'> {
  const { iam, logger } = options;
  return {
    async perform(params: ActionWith<'access.restore'>, context: ActionContext): Promise<ActionOutcome> {
      const principal: IamPrincipal = { kind: params.principal_type ?? 'user', name: params.principal };
      const site: FailureSite = { connector: AWS_IAM_CONNECTOR, operation: `remove Quell's deny policies from ${describePrincipal(principal)}` };
      await requirePrincipal(iam, principal, site);

      const removed: string[] = [];
      const keptForeign: string[] = [];
      for (const policy of QUELL_DENY_POLICIES) {
        const document = await readInlinePolicy(iam, principal, policy.name, site);
        if (document === undefined) continue;
        if (!policy.isQuells(document)) {
          keptForeign.push(policy.name);
          continue;
        }
        if (await deleteInlinePolicy(iam, principal, policy.name, site)) removed.push(policy.name);
        context.heartbeat({ principal: principal.name, removed: policy.name });
      }

      const stillThere: string[] = [];
      for (const policy of QUELL_DENY_POLICIES) {
        const document = await readInlinePolicy(iam, principal, policy.name, site);
        if (document !== undefined && policy.isQuells(document)) stillThere.push(policy.name);
      }
      if (stillThere.length > 0) throw notVerifiedFailure(site, `${stillThere.join(', ')} still attached after removal`);
      if (removed.length > 0) logger.info({ principal: principal.name, kind: principal.kind, removed, keptForeign }, "aws-iam: Quell's deny policies removed");
      return {
        output: {
          provider: AWS_IAM_CONNECTOR,
          principal: principal.name,
          principal_type: principal.kind,
          removed,
          kept_foreign: keptForeign,
          verified: { quell_deny_policies: stillThere },
        },
        alreadyDone: removed.length === 0,
      };
    },
  };
}
