/**
 * Reads of one IAM user that the aws-iam handlers and its access probe share: does the user
 * exist, which access keys does it hold, does it have a console password, which groups is it in.
 * Each read classifies its failures (../aws/call); "absent" answers come back as values, not errors.
 */
import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { FailureSite } from '../failures';
import { notFoundFailure } from '../failures';
import { awsCall, awsCallOrAbsent } from '../aws/call';

/** IAM's "no such user / key / login profile / policy" error, as the SDK names it. */
export const IAM_ABSENT = ['NoSuchEntityException', 'NoSuchEntity'] as const;

export interface AccessKeyState {
  id: string;
  status: 'Active' | 'Inactive';
}

/** True when the IAM user exists. */
export async function userExists(iam: IAMClient, userName: string, site: FailureSite): Promise<boolean> {
  const found = await awsCallOrAbsent(site, IAM_ABSENT, () => iam.send(new GetUserCommand({ UserName: userName })));
  return found !== undefined;
}

/** Fails with a non-retryable "not found" when the user does not exist: a typo must not pass as done. */
export async function requireUser(iam: IAMClient, userName: string, site: FailureSite): Promise<void> {
  if (!(await userExists(iam, userName, site))) throw notFoundFailure(site, `there is no IAM user named ${userName}`);
}

/** The user's access keys (IAM allows two, so one page is all of them). */
export async function listAccessKeys(iam: IAMClient, userName: string, site: FailureSite): Promise<AccessKeyState[]> {
  const page = await awsCall(site, () => iam.send(new ListAccessKeysCommand({ UserName: userName })));
  return (page.AccessKeyMetadata ?? []).flatMap((key) =>
    key.AccessKeyId ? [{ id: key.AccessKeyId, status: key.Status === 'Active' ? ('Active' as const) : ('Inactive' as const) }] : [],
  );
}

/** The user that owns an access key, or undefined when no user in the account has it. */
export async function accessKeyOwner(iam: IAMClient, accessKeyId: string, site: FailureSite): Promise<string | undefined> {
  const used = await awsCallOrAbsent(site, IAM_ABSENT, () => iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId })));
  return used?.UserName;
}

/** True when the user has a console password (a login profile). */
export async function hasLoginProfile(iam: IAMClient, userName: string, site: FailureSite): Promise<boolean> {
  const profile = await awsCallOrAbsent(site, IAM_ABSENT, () => iam.send(new GetLoginProfileCommand({ UserName: userName })));
  return profile !== undefined;
}

/** Names of the groups the user belongs to (first 100: enough to say "still in groups"). */
export async function groupNames(iam: IAMClient, userName: string, site: FailureSite): Promise<string[]> {
  const page = await awsCall(site, () => iam.send(new ListGroupsForUserCommand({ UserName: userName, MaxItems: 100 })));
  return (page.Groups ?? []).flatMap((group) => (group.GroupName ? [group.GroupName] : []));
}
