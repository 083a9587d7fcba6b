/**
 * The connector an evidence store or source shows `quell doctor` and the live-readiness check:
 * its probes, where an unexpected error becomes a failing probe instead of a rejection (the
 * Connector contract says `check` never rejects).
 */
import type { Connector, ConnectorProbe } from '../connector';

export function probingConnector(id: string, description: string, check: () => Promise<ConnectorProbe[]>): Connector {
  return {
    id,
    description,
    async check() {
      try {
        return await check();
      } catch (error) {
        return [{ name: 'check', ok: false, detail: error instanceof Error ? error.message : String(error) }];
      }
    },
  };
}
