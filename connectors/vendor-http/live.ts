/**
 * The live half of the vendor connector: a `vendor:<id>` connector for every entry of the
 * `vendors` section, and for each HTTP vendor its signed channel (the role object the
 * `vendor.request_deletion` and `vendor.request` actions send through). Building does no I/O.
 */
import type { Connector } from '../connector';
import type { LiveModule, LiveSystem } from '../definition';
import type { HttpDeletionChannel, HttpDeletionChannels } from '../message-roles';
import { smtp } from '../smtp';
import { postDeletionRequest, postVendorRequest } from './http-channel';
import { VENDOR_HTTP_CONNECTOR, vendorConnectorId } from './connector-id';
import { vendorConnector, type VendorSettings } from './probes';

export const build: LiveModule<Readonly<Record<string, VendorSettings>>>['build'] = (settings, shared): LiveSystem<HttpDeletionChannels> => {
  const entries = Object.entries(settings);
  const smtpConfigured = shared.settingsAt(smtp.settings.path) !== undefined;
  const channels = new Map<string, HttpDeletionChannel>();
  for (const [vendorId, vendor] of entries) {
    if (vendor.channel !== 'http') continue;
    const http = { connector: vendorConnectorId(vendorId), url: vendor.url, hmacSecret: vendor.hmac_secret };
    channels.set(vendorId, {
      connector: http.connector,
      url: http.url,
      send: (request) => postDeletionRequest(http, request),
      sendRequest: (request) => postVendorRequest(http, request),
    });
  }
  return {
    connector: sectionConnector(entries.length),
    extraConnectors: entries.map(([vendorId, vendor]) => vendorConnector(vendorId, vendor, smtpConfigured)),
    roles: channels,
  };
};

/**
 * The section as a whole. It has nothing to probe (each vendor is probed as its own connector,
 * which is what doctor shows and what a run needs), so it reports no probes; it exists because a
 * live system has one main connector, and `vendors: {}` is a valid, empty section.
 */
function sectionConnector(vendors: number): Connector {
  return {
    id: VENDOR_HTTP_CONNECTOR,
    description: `the connectors file's \`vendors\` section (${vendors} vendor${vendors === 1 ? '' : 's'}, each probed as vendor:<id>)`,
    check: () => Promise.resolve([]),
  };
}
