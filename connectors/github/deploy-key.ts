/**
 * `credentials.revoke` with provider `github`: deletes a repository deploy key.
 *
 * Parameter mapping: `principal` is the repository as `owner/repo`, `key_id` the deploy key's
 * numeric id (GET /repos/{owner}/{repo}/keys lists them). Deploy keys cannot be deactivated, only
 * deleted, so `delete_key` changes nothing. Removing a *person* from the organisation is
 * `sessions.revoke` with provider github (./org-membership.ts).
 *
 * Idempotent: the repository is read first, so a 404 on the key then really means "key already
 * gone" (`alreadyDone: true`, `key_status: 'Deleted'`, the key's details null and named in
 * `unknown_fields`) and not "repository invisible to this token" (NotFound, not retried).
 * Verified by reading the key again (must be 404). Rate limits are retried after GitHub's delay;
 * a refused token is not retried.
 */
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import type { ActionHandler } from '../definition';
import { invalidFailure, notFoundFailure, notVerifiedFailure } from '../failures';
import type { ActionOutcome } from '../action-context';
import type { GitHubClient } from './client';

const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/** The `github` handler for `credentials.revoke` (see the module comment). */
export function createGithubDeployKeyRevoke(client: GitHubClient, logger: Logger): ActionHandler<'credentials.revoke'> {
  return {
    async perform(params: ActionWith<'credentials.revoke'>): Promise<ActionOutcome> {
      const { principal } = params;
      const keyId = params.key_id ?? '';
      const site = { connector: client.connector, operation: `delete deploy key ${keyId || '(none)'} of ${principal}` };
      const repository = REPOSITORY.exec(principal);
      if (!repository || !/^\d+$/.test(keyId)) {
        throw invalidFailure(
          site,
          'credentials.revoke with provider github deletes a deploy key: principal must be owner/repo and key_id the numeric key id ' +
            '(to remove a person from the organisation, use sessions.revoke with provider github)',
        );
      }
      const [, owner, repo] = repository;
      const keyPath = ['repos', owner, repo, 'keys', keyId];

      const repoResponse = await client.call(`read repository ${principal}`, 'GET', ['repos', owner, repo], [200, 404]);
      if (repoResponse.status === 404) throw notFoundFailure(site, `repository ${principal} does not exist or is not visible to this token`);

      const before = await client.call(site.operation, 'GET', keyPath, [200, 404]);
      const summary = { provider: 'github', principal, key_id: keyId, key_status: 'Deleted' };
      if (before.status === 404) {
        // Nothing to change, but this may be the retry of an attempt that deleted the key and died
        // before reporting: the same fields as a deletion, with what went with the key left null.
        return {
          output: {
            ...summary,
            title: null,
            read_only: null,
            created_at: null,
            verified: true,
            verification: 'deploy key answers 404',
            unknown_fields: ['title', 'read_only', 'created_at'],
            unknown_because: `deploy key ${keyId} of ${principal} already answered 404, and GitHub keeps nothing of a deleted key to describe it`,
          },
          alreadyDone: true,
        };
      }
      const key = (before.body ?? {}) as { title?: unknown; read_only?: unknown; created_at?: unknown };
      await client.call(site.operation, 'DELETE', keyPath, [204, 404]);
      logger.info({ repository: principal, key_id: keyId }, 'github deploy key deleted');

      const after = await client.call(`verify ${site.operation}`, 'GET', keyPath, [200, 404]);
      if (after.status !== 404) throw notVerifiedFailure(site, 'the deploy key is still listed');
      return {
        output: {
          ...summary,
          title: typeof key.title === 'string' ? key.title : null,
          read_only: typeof key.read_only === 'boolean' ? key.read_only : null,
          created_at: typeof key.created_at === 'string' ? key.created_at : null,
          verified: true,
          verification: 'deploy key answers 404',
        },
        alreadyDone: false,
      };
    },
  };
}
