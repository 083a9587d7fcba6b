/**
 * The live half of the OpenBao connector. Building makes the HTTP client only: the server is
 * first asked when the connector is probed, a step revokes, or the access report looks someone up.
 */
import type { Resolved } from '../../config/secret';
import type { LiveModule } from '../definition';
import { openBaoAccessProbe } from './access-probe';
import { OpenBaoClient } from './client';
import { openBaoPermissionProbe } from './permissions';
import { createOpenBaoConnector } from './probes';
import { createOpenBaoCredentialsRevoke, createOpenBaoSessionsRevoke } from './revoke';
import type { OpenBaoConfig } from './settings';

export const build: LiveModule<Resolved<OpenBaoConfig>>['build'] = (settings, shared) => {
  const client = new OpenBaoClient(settings);
  const logger = shared.logger.child({ connector: client.connector });
  return {
    connector: { ...createOpenBaoConnector(client), permissionProbe: openBaoPermissionProbe(client) },
    handlers: {
      'credentials.revoke': createOpenBaoCredentialsRevoke(client, logger),
      'sessions.revoke': createOpenBaoSessionsRevoke(client, logger),
    },
    accessProbe: openBaoAccessProbe(client),
  };
};
