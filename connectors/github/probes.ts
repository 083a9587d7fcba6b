/**
 * The `github` connector: the API answers and accepts the token, the organisation is visible to
 * it, and the token's user is an owner there (only owners may remove members). A GitHub App
 * installation token has no user (GET /user answers 403); its permissions are the app's and are
 * reported, not judged.
 */
import { ErrorType } from '../../common/errors';
import type { Connector } from '../connector';
import { probeStep } from '../probe-step';
import type { GitHubClient } from './client';
import { githubFailure } from './failure';

/** The connector for the configured GitHub organisation; `check()` never rejects. */
export function createGithubConnector(client: GitHubClient): Connector {
  return {
    id: client.connector,
    description: `GitHub organisation ${client.org} via ${client.apiUrl}`,
    async check() {
      return [
        await probeStep('api', async () => {
          const response = await client.call('read the rate limit', 'GET', ['rate_limit'], [200, 404]);
          // GitHub Enterprise Server answers 404 here when rate limiting is switched off.
          if (response.status === 404) return { ok: true, detail: 'API answers; rate limiting is disabled on this server' };
          const core = ((response.body ?? {}) as { resources?: { core?: { remaining?: number; limit?: number } } }).resources?.core;
          return { ok: true, detail: core ? `token accepted; ${core.remaining}/${core.limit} core requests left` : 'token accepted' };
        }),
        await probeStep('organisation', async () => {
          await client.call(`read organisation ${client.org}`, 'GET', ['orgs', client.org], [200]);
          return { ok: true, detail: `${client.org} is visible` };
        }),
        await probeStep('owner', async () => {
          const user = await client.call('read the token user', 'GET', ['user'], [200, 403]);
          // A rate limit also answers 403: that is a failed probe, not a "GitHub App" verdict.
          const refusal = user.status === 403 ? githubFailure({ connector: client.connector, operation: 'read the token user' }, user) : undefined;
          if (refusal && refusal.type === ErrorType.Throttled) throw refusal;
          if (refusal) return { ok: true, detail: 'not a user token (GitHub App?): member removal depends on the app permissions' };
          const login = String(((user.body ?? {}) as { login?: unknown }).login ?? '');
          const membership = await client.membership(login);
          return membership?.role === 'admin' && membership.state === 'active'
            ? { ok: true, detail: `${login} is an owner of ${client.org}` }
            : { ok: false, detail: `${login} is ${membership ? `a ${membership.role}` : 'not a member'} of ${client.org}; removing members needs an owner` };
        }),
      ];
    },
  };
}
