/**
 * What a `vendor.request_deletion` step needs, from the connectors file alone (see
 * ../vendor-request/vendor-needs.ts, which `vendor.request` shares): no client is built and
 * nothing is asked over the network.
 */
import type { ConnectorNeeds } from '../../connectors/connector';
import { vendorNeeds, type VendorSections } from '../vendor-request/vendor-needs';

/** The parsed connectors file, secrets resolved or not: the vendors' channels and whether `smtp` exists. */
export type DeletionSections = VendorSections;

/** How a channel mismatch names what the vendor's channel carries. */
export const DELETION_NOUN = 'deletion requests';

export function deletionNeeds(file: DeletionSections, params: Record<string, unknown>): ConnectorNeeds {
  return vendorNeeds(file, params, DELETION_NOUN);
}
