/**
 * Probes every connector for `quell doctor`, a few at a time. One by one, a file with a thousand
 * vendors whose endpoints time out would take over an hour; all at once, it would open a thousand
 * sockets. Rows come back in the connectors' order whatever order the probes finish in.
 */
import type { Connector } from '../../connectors/connector';
import { scrubSecrets } from '../../config/secret';
import type { DoctorRow } from './row';

/** Probes in flight at once: enough to hide network latency, few enough to be polite. */
export const PROBE_CONCURRENCY = 16;

export async function probeConnectors(connectors: readonly Connector[]): Promise<DoctorRow[]> {
  const results: DoctorRow[][] = new Array<DoctorRow[]>(connectors.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < connectors.length) {
      const index = next;
      next += 1;
      const connector = connectors[index];
      const probes = await connector.check();
      // Probe details quote what remote systems and client libraries said: no secret and no URL
      // credential may reach the terminal through them.
      results[index] = probes.map((probe) => ({
        connector: connector.id,
        description: scrubSecrets(connector.description),
        ...probe,
        detail: scrubSecrets(probe.detail),
      }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, connectors.length) }, worker));
  return results.flat();
}
