/**
 * The aws-iam connector's read-only permission probe: the IAM API actions each of its actions
 * calls (see ./credentials-revoke.ts, ./sessions-revoke.ts, ./access-probe.ts), checked for the
 * connectors' credentials on the target user through ../aws/permission-probe.ts.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { checkAwsPermissions } from '../aws/permission-probe';
import { AWS_IAM_CONNECTOR } from './connector-id';

/** The IAM user an action would act on (undefined: known only during the run) and the API actions it calls. */
export interface IamNeeds {
  principal?: string;
  actions: string[];
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
      return { principal: text(params.principal), actions: ['iam:GetUser', 'iam:GetUserPolicy', 'iam:PutUserPolicy'] };
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
    return checkAwsPermissions(iam, {
      actions: needs.actions,
      resource: (caller) => `arn:${caller.partition}:iam::${caller.account}:user/${principal ?? '*'}`,
      target: principal ? `IAM user ${principal}` : 'any IAM user (the user is named during the run)',
    });
  };
}
