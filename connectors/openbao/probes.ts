/**
 * The `openbao` connector for `quell doctor` and the live-readiness check: the server answers and
 * is unsealed, the configured token is valid, and it may look up and revoke tokens by accessor
 * (what every OpenBao action needs). Prefix revocation and token listing need `sudo` as well;
 * their capabilities are shown in the detail but do not fail the probe, since a runbook that
 * only revokes accessors does not need them.
 */
import type { Connector } from '../connector';
import { probeStep } from '../probe-step';
import type { OpenBaoClient } from './client';

const ACCESSOR_PATHS = ['auth/token/lookup-accessor', 'auth/token/revoke-accessor'];
const SUDO_PATHS = ['sys/leases/revoke-prefix/', 'auth/token/accessors/'];

/** The connector for one configured OpenBao; `check()` never rejects. */
export function createOpenBaoConnector(client: OpenBaoClient): Connector {
  return {
    id: client.connector,
    description: `OpenBao at ${client.address}${client.namespace ? ` (namespace ${client.namespace})` : ''}`,
    async check() {
      return [
        await probeStep('health', async () => {
          const health = await client.health();
          if (health.status === 200) return { ok: true, detail: `unsealed${health.version ? `, version ${health.version}` : ''}` };
          const why = health.sealed ? 'sealed' : health.initialized === false ? 'not initialised' : 'unhealthy';
          return { ok: false, detail: `${why} (HTTP ${health.status})` };
        }),
        await probeStep('token', async () => {
          const self = await client.lookupSelf();
          return { ok: true, detail: `${self.display_name || 'token'} with policies ${self.policies.join(', ') || '(none)'}${self.expire_time ? `, expires ${self.expire_time}` : ''}` };
        }),
        await probeStep('capabilities', async () => {
          const granted = await client.capabilities([...ACCESSOR_PATHS, ...SUDO_PATHS]);
          const can = (p: string, needed: string[]) => granted[p].includes('root') || needed.every((c) => granted[p].includes(c));
          const missing = ACCESSOR_PATHS.filter((p) => !can(p, ['update']));
          const sudo = SUDO_PATHS.map((p) => `${p}: ${can(p, ['sudo']) ? 'yes' : 'no'}`).join(', ');
          return missing.length === 0
            ? { ok: true, detail: `may look up and revoke tokens by accessor; sudo on ${sudo}` }
            : { ok: false, detail: `token lacks update on ${missing.join(', ')}` };
        }),
      ];
    },
  };
}
