/**
 * One `vendor:<id>` connector per vendor in the connectors file.
 *
 * http: a HEAD request to the API's origin proves the vendor's endpoint answers. Any HTTP status
 *   counts as reachable: the probe sends nothing signed and must not create a request, so it
 *   cannot test the key (a refused key fails the step at once, without retries). An unreachable
 *   origin fails the probe, and the live-readiness check then refuses to start the run: a vendor
 *   outage at start is reported before any step acts, rather than discovered half-way.
 * email: the vendor is only an address; the `smtp` connector (which the action also lists as
 *   needed) does the network check, so this probe only reports whether SMTP is configured.
 */
import type { Resolved } from '../../config/secret';
import type { Connector, ConnectorProbe } from '../connector';
import { vendorConnectorId } from './connector-id';
import type { VendorConfig } from './settings';

const PROBE_TIMEOUT_MS = 5_000;

/** One entry of the `vendors` section as loaded, secrets resolved. */
export type VendorSettings = Resolved<VendorConfig>;

/** The connector for one configured vendor; `check()` never rejects and sends no request. */
export function vendorConnector(vendorId: string, vendor: VendorSettings, smtpConfigured: boolean): Connector {
  const id = vendorConnectorId(vendorId);
  if (vendor.channel === 'http') {
    const origin = new URL(vendor.url).origin;
    return {
      id,
      description: `${vendor.name}: deletion requests by signed HTTP POST to ${vendor.url}`,
      check: async () => [await probeOrigin(origin)],
    };
  }
  const copies = vendor.cc?.length ? ` (cc ${vendor.cc.join(', ')})` : '';
  return {
    id,
    description: `${vendor.name}: deletion requests by e-mail to ${vendor.email}${copies}`,
    async check(): Promise<ConnectorProbe[]> {
      return [
        smtpConfigured
          ? { name: 'mail route', ok: true, detail: `sent through connector smtp to ${vendor.email}` }
          : { name: 'mail route', ok: false, detail: 'e-mail vendors need the `smtp:` section in the connectors file' },
      ];
    },
  };
}

async function probeOrigin(origin: string): Promise<ConnectorProbe> {
  try {
    const response = await fetch(`${origin}/`, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.arrayBuffer();
    return { name: 'reachable', ok: true, detail: `${origin} answered HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const reason = typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.message : String(error);
    return { name: 'reachable', ok: false, detail: `cannot reach ${origin} (${reason})` };
  }
}
