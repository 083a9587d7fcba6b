/** How the vendor connector and the vendors it builds are named (kept apart so the live half need not import the definition). */

/** The definition's id, and the id of the connector that stands for the `vendors` section as a whole. */
export const VENDOR_HTTP_CONNECTOR = 'vendor-http';

/** How a vendor is named as a connector: `vendor:acme`. */
export function vendorConnectorId(vendorId: string): string {
  return `vendor:${vendorId}`;
}
