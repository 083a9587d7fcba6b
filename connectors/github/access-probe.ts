/**
 * The `github` entry of the remaining-access report: removed when the login has no membership of
 * the organisation (neither active nor a pending invitation). The identity must be a login,
 * usually given in `identities.github`; an email is reported unknown, not looked up.
 */
import type { AccessProbe } from '../definition';
import { accessLookup } from '../probe-step';
import type { GitHubClient } from './client';
import { isGithubLogin } from './login';

/** The `github` access probe; never throws (errors are `unknown`). */
export function githubAccessProbe(client: GitHubClient): AccessProbe {
  return {
    lookup: (identity) =>
      accessLookup(async () => {
        if (!isGithubLogin(identity)) return { status: 'unknown', detail: `"${identity}" is not a GitHub login; name it in identities.github` };
        const membership = await client.membership(identity);
        return membership
          ? { status: 'present', detail: `${identity} has a ${membership.state} ${membership.role} membership of ${client.org}` }
          : { status: 'removed', detail: `${identity} is not a member of ${client.org}` };
      }),
  };
}
