/**
 * What a step that writes to a vendor (`vendor.request_deletion`, `vendor.request`) needs, from
 * the connectors file alone: no client is built and nothing is asked over the network, so the
 * CLI's and Slack's pre-flight can call it before a live run, and the worker's actions answer the
 * same. The messages here are also what the actions fail with when the step gets that far.
 */
import { parseDuration } from '../../common/duration';
import { isConfigured } from '../../connectors/catalogue';
import type { ConnectorNeeds } from '../../connectors/connector';
import { smtp } from '../../connectors/smtp';
import { vendorConnectorId } from '../../connectors/vendor-http/connector-id';

/** The parsed connectors file, secrets resolved or not: the vendors' channels and whether `smtp` exists. */
export interface VendorSections {
  readonly smtp?: unknown;
  readonly vendors?: Readonly<Record<string, { readonly channel: 'email' | 'http' }>>;
}

/** How a channel mismatch names what a `vendor.request` step sends (`deletion requests` for deletion). */
export const VENDOR_REQUEST_NOUN = 'requests';

/** Also what the actions fail with when an e-mail vendor is asked and `smtp` is missing. */
export const SMTP_MISSING = 'e-mail vendors need the `smtp:` section in the connectors file';

/**
 * @param noun what the vendor's channel carries, for the channel-mismatch problem
 *   (`deletion requests`, `requests`).
 */
export function vendorNeeds(file: VendorSections, params: Record<string, unknown>, noun: string): ConnectorNeeds {
  const problems: string[] = [];
  const vendors = new Map(Object.entries(file.vendors ?? {}));
  const smtpNeed = (): string[] => {
    if (isConfigured(smtp, file)) return [smtp.id];
    problems.push(SMTP_MISSING);
    return [];
  };
  const dueIn = typeof params.due_in === 'string' ? dueInProblem(params.due_in) : undefined;
  if (dueIn) problems.push(dueIn);
  if (typeof params.vendor !== 'string') {
    // Chosen by an earlier step: any configured vendor may be asked.
    if (vendors.size === 0) problems.push('no vendors are configured (add a `vendors:` section to the connectors file)');
    const usesEmail = [...vendors.values()].some((vendor) => vendor.channel === 'email');
    return { connectors: [...[...vendors.keys()].map(vendorConnectorId), ...(usesEmail ? smtpNeed() : [])], problems };
  }
  const vendor = vendors.get(params.vendor);
  if (!vendor) {
    problems.push(unknownVendorMessage(params.vendor, vendors.keys()));
    return { connectors: [], problems };
  }
  const mismatch = channelMismatch(params.vendor, vendor.channel, params.channel, noun);
  if (mismatch) problems.push(mismatch);
  return { connectors: [vendorConnectorId(params.vendor), ...(vendor.channel === 'email' ? smtpNeed() : [])], problems };
}

/** "vendor initech is not in the connectors file (vendors: acme, globex)". */
export function unknownVendorMessage(vendorId: string, known: Iterable<string>): string {
  const ids = [...known];
  return `vendor ${vendorId} is not in the connectors file (vendors: ${ids.length ? ids.join(', ') : 'none configured'})`;
}

/** Why the step's channel cannot be used for this vendor, or undefined. */
export function channelMismatch(vendorId: string, configured: string, asked: unknown, noun: string): string | undefined {
  if (asked === undefined || asked === configured) return undefined;
  return `vendor ${vendorId} takes ${noun} by ${configured}, but the step asks for ${String(asked)}`;
}

/** Why `due_in` cannot be used, or undefined. */
export function dueInProblem(dueIn: string | undefined): string | undefined {
  if (dueIn === undefined) return undefined;
  const parsed = parseDuration(dueIn);
  return parsed.ok ? undefined : `due_in: ${parsed.message}`;
}
