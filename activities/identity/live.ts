/**
 * The identity connector family: OpenBao, GitHub and SCIM, each contributed only when its section
 * is in the connectors file. Per system it adds the connector (probes for `quell doctor` and the
 * live-readiness check), the handlers for the actions routed by `with.provider`, and the access
 * probe the remaining-access report asks.
 *
 *   openbao  credentials.revoke, sessions.revoke   (tokens by accessor, leases by prefix, entities)
 *   github   credentials.revoke (deploy keys), sessions.revoke (organisation membership)
 *   scim     identity.deprovision, sessions.revoke (deactivation)
 */
import { githubDeployKeyHandler } from '../credentials/github';
import { openBaoCredentialsHandler, openBaoSessionsHandler } from '../credentials/openbao';
import type { LiveContribution, LiveFamily } from '../live/contribution';
import { githubAccessProbe } from './github/access-probe';
import { GitHubClient } from './github/client';
import { githubConnector } from './github/connector';
import { githubOrgMembershipHandler } from './github/org-membership';
import { openBaoAccessProbe } from './openbao/access-probe';
import { OpenBaoClient } from './openbao/client';
import { openBaoConnector } from './openbao/connector';
import { scimAccessProbe } from './scim/access-probe';
import { ScimClient } from './scim/client';
import { scimConnector } from './scim/connector';
import { scimDeprovisionHandler, scimSessionsHandler } from './scim/deprovision';

/** Contributes per configured section; builds clients only (no network until a probe or an action). */
export const identityFamily: LiveFamily = (config, shared) => {
  const contribution: Required<Pick<LiveContribution, 'connectors' | 'routed' | 'accessProbes'>> = { connectors: [], routed: [], accessProbes: [] };

  if (config.openbao) {
    const client = new OpenBaoClient(config.openbao);
    const logger = shared.logger.child({ connector: client.connector });
    contribution.connectors.push(openBaoConnector(client));
    contribution.routed.push(
      { action: 'credentials.revoke', handler: openBaoCredentialsHandler(client, logger) },
      { action: 'sessions.revoke', handler: openBaoSessionsHandler(client, logger) },
    );
    contribution.accessProbes.push(openBaoAccessProbe(client));
  }

  if (config.github) {
    const client = new GitHubClient(config.github);
    const logger = shared.logger.child({ connector: client.connector });
    contribution.connectors.push(githubConnector(client));
    contribution.routed.push(
      { action: 'credentials.revoke', handler: githubDeployKeyHandler(client, logger) },
      { action: 'sessions.revoke', handler: githubOrgMembershipHandler(client, logger) },
    );
    contribution.accessProbes.push(githubAccessProbe(client));
  }

  if (config.scim) {
    const client = new ScimClient(config.scim);
    const logger = shared.logger.child({ connector: client.connector });
    contribution.connectors.push(scimConnector(client));
    contribution.routed.push(
      { action: 'identity.deprovision', handler: scimDeprovisionHandler(client, logger) },
      { action: 'sessions.revoke', handler: scimSessionsHandler(client, logger) },
    );
    contribution.accessProbes.push(scimAccessProbe(client));
  }

  return contribution;
};
