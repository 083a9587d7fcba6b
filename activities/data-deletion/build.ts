/**
 * Builds the live `vendor.request_deletion` action over the systems that play the
 * 'deletion-channel' role: `vendor-http` (present with the `vendors` section, one signed channel
 * per HTTP vendor) and `smtp` (for e-mail vendors). Without a `vendors` section there is nobody
 * to ask, and a live run that asks is refused by the readiness check.
 */
import path from 'node:path';
import type { LiveAction } from '../action-performer';
import type { ConnectorsConfig } from '../../connectors/connectors-file';
import type { SharedLive } from '../../connectors/definition';
import { DeliveryLog } from '../notify/delivery-log';
import { vendorRoutes } from '../vendor-request/vendor-delivery';
import { DeletionAction } from './action';

/** Where sent deletion requests are remembered (see ../notify/delivery-log.ts). */
export function vendorRequestLogPath(dataDir: string): string {
  return path.join(dataDir, 'vendor-deletion-requests.jsonl');
}

/**
 * @param channels the role objects of the built systems that play 'deletion-channel', by system
 *   id (HttpDeletionChannels for vendor-http, a Mailer for smtp).
 */
export function buildDeletionAction(config: ConnectorsConfig, channels: ReadonlyMap<string, unknown>, shared: SharedLive): LiveAction | undefined {
  const routes = vendorRoutes(config, channels);
  if (!routes) return undefined;
  return new DeletionAction({
    ...routes,
    file: config,
    log: new DeliveryLog(vendorRequestLogPath(shared.dataDir)),
    logger: shared.logger.child({ action: 'vendor.request_deletion' }),
  });
}
