/**
 * The github connector's read-only permission probe. Removing a member (`sessions.revoke`) needs
 * the token's user to be an owner of the organisation: read from its own membership. Deleting a
 * deploy key (`credentials.revoke`) needs admin on the repository: read from the `permissions`
 * GitHub returns with the repository for the token's user. A token with no user (a GitHub App) or
 * an answer without permissions cannot be judged read-only, and says so.
 */
import type { PermissionCheck, PermissionQuestion } from '../connector';
import type { GitHubClient } from './client';

export function githubPermissionProbe(client: GitHubClient): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action, params }) => {
    try {
      if (action === 'sessions.revoke') return [await ownerCheck(client)];
      if (action === 'credentials.revoke') return [await repositoryAdminCheck(client, typeof params.principal === 'string' ? params.principal : undefined)];
      return [];
    } catch (error) {
      const permission = action === 'sessions.revoke' ? `owner of ${client.org}` : 'admin on the repository';
      return [{ permission, verdict: 'not-checkable', detail: error instanceof Error ? error.message : String(error) }];
    }
  };
}

async function ownerCheck(client: GitHubClient): Promise<PermissionCheck> {
  const permission = `owner of ${client.org}`;
  const user = await client.call('read the token user', 'GET', ['user'], [200, 403]);
  if (user.status === 403) return { permission, target: client.org, verdict: 'not-checkable', detail: 'the token has no user (GitHub App?): its app permissions decide' };
  const login = String(((user.body ?? {}) as { login?: unknown }).login ?? '');
  const membership = await client.membership(login);
  const owner = membership?.role === 'admin' && membership.state === 'active';
  return {
    permission,
    target: client.org,
    verdict: owner ? 'granted' : 'missing',
    detail: owner ? `${login} is an owner` : `${login} is ${membership ? `a ${membership.state} ${membership.role}` : 'not a member'}; removing members needs an owner`,
  };
}

async function repositoryAdminCheck(client: GitHubClient, repository: string | undefined): Promise<PermissionCheck> {
  const permission = 'admin on the repository';
  const parts = repository?.split('/') ?? [];
  if (parts.length !== 2) return { permission, verdict: 'not-checkable', detail: 'the repository is named during the run' };
  const answer = await client.call(`read repository ${repository}`, 'GET', ['repos', parts[0], parts[1]], [200, 404]);
  if (answer.status === 404) return { permission, target: repository, verdict: 'missing', detail: `${repository} is not visible to the token` };
  const admin = ((answer.body ?? {}) as { permissions?: { admin?: unknown } }).permissions?.admin;
  if (typeof admin !== 'boolean') return { permission, target: repository, verdict: 'not-checkable', detail: 'GitHub did not say what the token may do there' };
  return { permission, target: repository, verdict: admin ? 'granted' : 'missing', detail: admin ? 'the token user is a repository admin' : 'the token user is not a repository admin' };
}
