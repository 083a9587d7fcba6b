/**
 * The `aws-iam` answer to the offboarding access report: can this IAM user still get in? An
 * active access key, a console password or a group membership (groups carry permissions) counts
 * as access; a user that does not exist, or exists with none of those, has none left.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { classifyAwsError } from '../aws/errors';
import type { AccessProbe } from '../definition';
import type { FailureSite } from '../failures';
import { AWS_IAM_CONNECTOR } from './connector-id';
import { groupNames, hasLoginProfile, listAccessKeys, userExists } from './users';

/** Never throws: a failed lookup is `unknown` with the classified reason (auth, throttling…). */
export function createAwsIamAccessProbe(iam: IAMClient): AccessProbe {
  return {
    async lookup(principal) {
      const site: FailureSite = { connector: AWS_IAM_CONNECTOR, operation: `check remaining access of IAM user ${principal}` };
      try {
        if (!(await userExists(iam, principal, site))) return { status: 'removed', detail: `no IAM user named ${principal}` };
        const activeKeys = (await listAccessKeys(iam, principal, site)).filter((key) => key.status === 'Active').map((key) => key.id);
        const consolePassword = await hasLoginProfile(iam, principal, site);
        const groups = await groupNames(iam, principal, site);
        const remaining = [
          ...(activeKeys.length > 0 ? [`active access keys ${activeKeys.join(', ')}`] : []),
          ...(consolePassword ? ['a console password'] : []),
          ...(groups.length > 0 ? [`membership of groups ${groups.join(', ')}`] : []),
        ];
        if (remaining.length > 0) return { status: 'present', detail: `IAM user ${principal} still has ${remaining.join('; ')}` };
        return { status: 'removed', detail: `IAM user ${principal} exists but has no active access key, console password or group membership` };
      } catch (error) {
        return { status: 'unknown', detail: classifyAwsError(site, error).message };
      }
    },
  };
}
