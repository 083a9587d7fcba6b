/**
 * The live half of the SCIM connector. Building makes the HTTP client only: the service is first
 * asked when the connector is probed, a step acts, or the access report looks someone up.
 */
import type { Resolved } from '../../config/secret';
import type { LiveModule } from '../definition';
import { scimAccessProbe } from './access-probe';
import { ScimClient } from './client';
import { createScimDeprovision, createScimSessionsRevoke } from './deprovision';
import { createScimConnector } from './probes';
import type { ScimConfig } from './settings';

export const build: LiveModule<Resolved<ScimConfig>>['build'] = (settings, shared) => {
  const client = new ScimClient(settings);
  const logger = shared.logger.child({ connector: client.connector });
  return {
    connector: createScimConnector(client),
    handlers: {
      'identity.deprovision': createScimDeprovision(client, logger),
      'sessions.revoke': createScimSessionsRevoke(client, logger),
    },
    accessProbe: scimAccessProbe(client),
  };
};
