/**
 * An IAM user or an IAM role, as the containment actions that work on both (deny-all, session
 * revocation, restore) address them: whether it exists, and its inline policies by name. Users
 * and roles have parallel but separate IAM calls; this keeps the handlers to one code path.
 */
import {
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { awsCall, awsCallOrAbsent } from '../aws/call';
import { invalidFailure, notFoundFailure, type FailureSite } from '../failures';
import { IAM_ABSENT, requireUser } from './users';

export type PrincipalKind = 'user' | 'role';

export interface IamPrincipal {
  kind: PrincipalKind;
  name: string;
}

/** "IAM user alice", "IAM role deploy": how messages name the principal. */
export function describePrincipal(principal: IamPrincipal): string {
  return `IAM ${principal.kind} ${principal.name}`;
}

/** Fails with a non-retryable "not found" when the user or role does not exist. */
export async function requirePrincipal(iam: IAMClient, principal: IamPrincipal, site: FailureSite): Promise<void> {
  if (principal.kind === 'user') return requireUser(iam, principal.name, site);
  const role = await awsCallOrAbsent(site, IAM_ABSENT, () => iam.send(new GetRoleCommand({ RoleName: principal.name })));
  if (role === undefined) throw notFoundFailure(site, `there is no IAM role named ${principal.name}`);
}

/** The inline policy's document (as IAM returns it: URL-encoded JSON), or undefined when there is none by that name. */
export async function readInlinePolicy(iam: IAMClient, principal: IamPrincipal, policyName: string, site: FailureSite): Promise<string | undefined> {
  const operation = { ...site, operation: `read inline policy ${policyName} of ${describePrincipal(principal)}` };
  const found =
    principal.kind === 'user'
      ? await awsCallOrAbsent(operation, IAM_ABSENT, () => iam.send(new GetUserPolicyCommand({ UserName: principal.name, PolicyName: policyName })))
      : await awsCallOrAbsent(operation, IAM_ABSENT, () => iam.send(new GetRolePolicyCommand({ RoleName: principal.name, PolicyName: policyName })));
  return found?.PolicyDocument;
}

/** Creates or replaces the inline policy. */
export async function writeInlinePolicy(iam: IAMClient, principal: IamPrincipal, policyName: string, document: string, site: FailureSite): Promise<void> {
  const operation = { ...site, operation: `attach inline policy ${policyName} to ${describePrincipal(principal)}` };
  if (principal.kind === 'user') {
    await awsCall(operation, () => iam.send(new PutUserPolicyCommand({ UserName: principal.name, PolicyName: policyName, PolicyDocument: document })));
  } else {
    await awsCall(operation, () => iam.send(new PutRolePolicyCommand({ RoleName: principal.name, PolicyName: policyName, PolicyDocument: document })));
  }
}

/** Deletes the inline policy; false when it was already gone. */
export async function deleteInlinePolicy(iam: IAMClient, principal: IamPrincipal, policyName: string, site: FailureSite): Promise<boolean> {
  const operation = { ...site, operation: `remove inline policy ${policyName} from ${describePrincipal(principal)}` };
  const removed =
    principal.kind === 'user'
      ? await awsCallOrAbsent(operation, IAM_ABSENT, () => iam.send(new DeleteUserPolicyCommand({ UserName: principal.name, PolicyName: policyName })))
      : await awsCallOrAbsent(operation, IAM_ABSENT, () => iam.send(new DeleteRolePolicyCommand({ RoleName: principal.name, PolicyName: policyName })));
  return removed !== undefined;
}

/**
 * Refuses to act on the IAM user whose keys the connectors sign with: denying it everything would
 * also lock Quell out of undoing the deny. Role credentials have no calling user (GetUser without
 * a name fails for them), and an answer that cannot be had is no reason to hold containment back.
 */
export async function refuseOwnUser(iam: IAMClient, principal: IamPrincipal, site: FailureSite): Promise<void> {
  if (principal.kind !== 'user') return;
  const caller = await iam.send(new GetUserCommand({})).then(
    (answer) => answer.User?.UserName,
    () => undefined,
  );
  if (caller === principal.name) {
    throw invalidFailure(site, `${describePrincipal(principal)} is the user Quell's AWS connectors sign in as; denying it would lock Quell out of access.restore too`);
  }
}
