/**
 * The live half of the GitHub connector. Building makes the REST client only: GitHub is first
 * asked when the connector is probed, a step acts, or the access report looks someone up.
 */
import type { Resolved } from '../../config/secret';
import type { LiveModule } from '../definition';
import { githubAccessProbe } from './access-probe';
import { GitHubClient } from './client';
import { createGithubDeployKeyRevoke } from './deploy-key';
import { createGithubOrgMembershipRevoke } from './org-membership';
import { githubPermissionProbe } from './permissions';
import { createGithubConnector } from './probes';
import type { GithubConfig } from './settings';

export const build: LiveModule<Resolved<GithubConfig>>['build'] = (settings, shared) => {
  const client = new GitHubClient(settings);
  const logger = shared.logger.child({ connector: client.connector });
  return {
    connector: { ...createGithubConnector(client), permissionProbe: githubPermissionProbe(client) },
    handlers: {
      'credentials.revoke': createGithubDeployKeyRevoke(client, logger),
      'sessions.revoke': createGithubOrgMembershipRevoke(client, logger),
    },
    accessProbe: githubAccessProbe(client),
  };
};
