/**
 * The `scim` connector: the service provider describes itself (/ServiceProviderConfig, which
 * RFC 7644 lets servers serve without authentication) and accepts the token for a one-user read
 * of /Users. The detail says whether changes go by PATCH or PUT and whether ETags are in use.
 */
import type { Connector } from '../connector';
import { probeStep } from '../probe-step';
import type { ScimClient } from './client';

/** The connector for the configured SCIM service; `check()` never rejects. */
export function createScimConnector(client: ScimClient): Connector {
  return {
    id: client.connector,
    description: `SCIM 2.0 service at ${client.baseUrl}${client.deletesUsers ? ' (deletes users after deactivating)' : ''}`,
    async check() {
      return [
        await probeStep('service provider config', async () => {
          const { patch, etag } = await client.capabilities();
          return { ok: true, detail: `changes by ${patch ? 'PATCH' : 'PUT'}; ETags ${etag ? 'supported' : 'not announced'}` };
        }),
        await probeStep('token', async () => {
          const response = await client.request('read one user', 'GET', 'Users?startIndex=1&count=1');
          if (response.status !== 200) throw client.failure('read one user', response);
          return { ok: true, detail: 'token accepted for /Users' };
        }),
      ];
    },
  };
}
