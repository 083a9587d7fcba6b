/**
 * `sessions.revoke` with provider `github`: removes `principal` (a GitHub login) from the
 * configured organisation. GitHub ends their access to every org repository and team at once;
 * their tokens stay valid for their own account but no longer reach the organisation. A pending
 * invitation is cancelled too, since accepting it later would restore access.
 *
 * Idempotent: no membership (GitHub answers 404) → `alreadyDone: true`, nothing sent, and the
 * output says what is in effect (`removed: true`) with the previous state and role null and named
 * in `unknown_fields`, since GitHub no longer knows them. Verified by reading the membership
 * again (must be 404). Throttling (403/429 rate limits) is retried after GitHub's own delay; a
 * refused token (401, or 403 that is not a rate limit) is not retried.
 */
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import type { ActionHandler } from '../definition';
import { refuseRolePrincipal } from '../role-principals';
import { invalidFailure, notVerifiedFailure } from '../failures';
import type { ActionOutcome } from '../action-context';
import type { GitHubClient } from './client';
import { isGithubLogin } from './login';

/** The `github` handler for `sessions.revoke`. */
export function createGithubOrgMembershipRevoke(client: GitHubClient, logger: Logger): ActionHandler<'sessions.revoke'> {
  return {
    async perform(params: ActionWith<'sessions.revoke'>): Promise<ActionOutcome> {
      const login = params.principal;
      const site = { connector: client.connector, operation: `remove ${login} from organisation ${client.org}` };
      refuseRolePrincipal(params, site);
      if (!isGithubLogin(login)) throw invalidFailure(site, `"${login}" is not a GitHub login (the principal must be the person's login)`);

      const before = await client.membership(login);
      const summary = { provider: 'github', principal: login, org: client.org };
      if (!before) {
        // Nothing to change, but this may be the retry of an attempt that removed them and died
        // before reporting: say what is in effect (no membership), and that what it was is gone.
        return {
          output: {
            ...summary,
            previous_state: null,
            previous_role: null,
            removed: true,
            verified: true,
            verification: 'no membership (HTTP 404)',
            unknown_fields: ['previous_state', 'previous_role'],
            unknown_because: `${login} has no membership or invitation in ${client.org} now, and GitHub keeps no record of what it was (or whether there ever was one)`,
          },
          alreadyDone: true,
        };
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
