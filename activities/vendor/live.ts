/**
 * The vendor family: one `vendor:<id>` connector per entry of the connectors file's `vendors`
 * section and the live `vendor.request_deletion` provider over them. E-mail vendors are reached
 * through the `smtp` connector, which the notify family contributes.
 *
 * Building does no I/O.
 */
import path from 'node:path';
import type { LiveFamily } from '../live/contribution';
import { DeliveryLog } from '../notify/delivery-log';
import { SmtpMailer } from '../notify/smtp/mailer';
import { vendorConnector, type VendorSettings } from './connector';
import { VendorDeletionProvider } from './provider';

/** Where sent deletion requests are remembered (see ../notify/delivery-log.ts). */
export function vendorRequestLogPath(dataDir: string): string {
  return path.join(dataDir, 'vendor-deletion-requests.jsonl');
}

export const vendorFamily: LiveFamily = (config, shared) => {
  if (!config.vendors) return { connectors: [] };
  const vendors = new Map<string, VendorSettings>(Object.entries(config.vendors));
  const provider = new VendorDeletionProvider({
    vendors,
    ...(config.smtp ? { mailer: new SmtpMailer(config.smtp) } : {}),
    log: new DeliveryLog(vendorRequestLogPath(shared.dataDir)),
    logger: shared.logger.child({ family: 'vendor' }),
  });
  return {
    connectors: [...vendors].map(([id, vendor]) => vendorConnector(id, vendor, config.smtp !== undefined)),
    providers: { 'vendor.request_deletion': provider },
  };
};
