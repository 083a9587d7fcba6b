/**
 * `sessions.revoke` with provider `github`: removes `principal` (a GitHub login) from the
 * configured organisation. GitHub ends their access to every org repository and team at once;
 * their tokens stay valid for their own account but no longer reach the organisation. A pending
 * invitation is cancelled too, since accepting it later would restore access.
 *
 * Idempotent: no membership (GitHub answers 404) → `alreadyDone: true`, nothing sent. Verified by
 * reading the membership again (must be 404). Throttling (403/429 rate limits) is retried after
 * GitHub's own delay; a refused token (401, or 403 that is not a rate limit) is not retried.
 */
import type { Logger } from 'pino';
import { invalidFailure, notVerifiedFailure } from '../../live/failures';
import type { ProviderHandler } from '../../live/router';
import type { GitHubClient } from './client';
import { isGithubLogin } from './login';

/** Routed handler for `sessions.revoke` with provider github. */
export function githubOrgMembershipHandler(client: GitHubClient, logger: Logger): ProviderHandler {
  return {
    provider: 'github',
    connector: client.connector,
    async perform(params) {
      const login = String(params.principal);
      const site = { connector: client.connector, operation: `remove ${login} from organisation ${client.org}` };
      if (!isGithubLogin(login)) throw invalidFailure(site, `"${login}" is not a GitHub login (the principal must be the person's login)`);

      const before = await client.membership(login);
      const summary = { provider: 'github', principal: login, org: client.org };
      if (!before) {
        return { output: { ...summary, previous_state: null, removed: false, verified: true, verification: 'no membership (HTTP 404)' }, alreadyDone: true };
      }
      // A pending invitation is not yet a member: only the membership endpoint cancels it.
      const segments = before.state === 'pending' ? ['orgs', client.org, 'memberships', login] : ['orgs', client.org, 'members', login];
      await client.call(site.operation, 'DELETE', segments, [204, 404]);
      logger.info({ org: client.org, login, previous_state: before.state }, 'github membership removed');

      const after = await client.membership(login);
      if (after) throw notVerifiedFailure(site, `GitHub still reports a ${after.state} membership`);
      return {
        output: { ...summary, previous_state: before.state, previous_role: before.role, removed: true, verified: true, verification: 'no membership (HTTP 404)' },
        alreadyDone: false,
      };
    },
  };
}
