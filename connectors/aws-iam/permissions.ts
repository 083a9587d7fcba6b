/**
 * The aws-iam connector's read-only permission probe: the IAM API actions each of its actions
 * calls (see ./credentials-revoke.ts, ./sessions-revoke.ts, ./key-parking.ts, ./credentials-list.ts,
 * ./access-deny.ts, ./mfa.ts, ./access-probe.ts), checked for the connectors' credentials on the target user or
 * role through ../aws/permission-probe.ts.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { checkAwsPermissions } from '../aws/permission-probe';
import { AWS_IAM_CONNECTOR } from './connector-id';

/** The IAM user (or role) an action would act on (undefined: known only during the run) and the API actions it calls. */
export interface IamNeeds {
  principal?: string;
  /** Set only for a role: a user is the default. */
  kind?: 'role';
  actions: string[];
}

/** The calls that read, write or remove one of Quell's inline policies on a user or a role. */
function inlinePolicyNeeds(params: Record<string, unknown>, principal: string | undefined, verbs: readonly string[]): IamNeeds {
  const role = params.principal_type === 'role';
  const noun = role ? 'Role' : 'User';
  return { principal, ...(role ? { kind: 'role' as const } : {}), actions: [`iam:Get${noun}`, ...verbs.map((verb) => `iam:${verb}${noun}Policy`)] };
}

/** What `action` with `params` needs of IAM; undefined when aws-iam takes no part in it. */
export function iamNeeds(action: string, params: Record<string, unknown>): IamNeeds | undefined {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  switch (action) {
    case 'credentials.revoke':
      return {
        principal: text(params.principal),
        actions: [
          'iam:GetUser',
          'iam:ListAccessKeys',
          ...(params.key_id !== undefined ? ['iam:GetAccessKeyLastUsed'] : []),
          'iam:UpdateAccessKey',
          'iam:GetLoginProfile',
          'iam:DeleteLoginProfile',
          ...(params.delete_key === true ? ['iam:DeleteAccessKey'] : []),
        ],
      };
    case 'sessions.revoke':
      return inlinePolicyNeeds(params, text(params.principal), ['Get', 'Put']);
    case 'access.deny_all':
      return inlinePolicyNeeds(params, text(params.principal), ['Get', 'Put']);
    case 'access.restore':
      return inlinePolicyNeeds(params, text(params.principal), ['Get', 'Delete']);
    case 'credentials.deactivate':
      return {
        principal: text(params.principal),
        actions: [
          'iam:GetUser',
          'iam:ListAccessKeys',
          ...(params.key_id !== undefined ? ['iam:GetAccessKeyLastUsed'] : []),
          'iam:ListUserTags',
          'iam:TagUser',
          'iam:UpdateAccessKey',
        ],
      };
    case 'credentials.reactivate':
      return {
        principal: text(params.principal),
        actions: ['iam:GetUser', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:UpdateAccessKey', 'iam:ListUserTags', 'iam:UntagUser'],
      };
    case 'credentials.list':
      return { principal: text(params.principal), actions: ['iam:GetUser', 'iam:ListAccessKeys'] };
    case 'mfa.deactivate':
      return { principal: text(params.principal), actions: ['iam:GetUser', 'iam:ListMFADevices', 'iam:DeactivateMFADevice'] };
    case 'identity.access_report': {
      const identities = params.identities !== null && typeof params.identities === 'object' ? (params.identities as Record<string, unknown>) : {};
      // null: the person has no IAM user, and the report does not ask IAM.
      if (identities[AWS_IAM_CONNECTOR] === null) return undefined;
      const named = Object.prototype.hasOwnProperty.call(identities, AWS_IAM_CONNECTOR) ? identities[AWS_IAM_CONNECTOR] : params.principal;
      return { principal: text(named), actions: ['iam:GetUser', 'iam:ListAccessKeys', 'iam:GetLoginProfile', 'iam:ListGroupsForUser'] };
    }
    default:
      return undefined;
  }
}

export function awsIamPermissionProbe(iam: IAMClient): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action, params }) => {
    const needs = iamNeeds(action, params);
    if (!needs) return [];
    const { principal } = needs;
    const kind = needs.kind ?? 'user';
    return checkAwsPermissions(iam, {
      actions: needs.actions,
      resource: (caller) => `arn:${caller.partition}:iam::${caller.account}:${kind}/${principal ?? '*'}`,
      target: principal ? `IAM ${kind} ${principal}` : `any IAM ${kind} (the ${kind} is named during the run)`,
    });
  };
}
