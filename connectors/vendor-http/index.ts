/**
 * Vendors' request APIs: `vendor.request_deletion` and `vendor.request` send a signed JSON POST to
 * vendors whose `channel` is `http`. The `vendors` section lists every vendor a step may name, and
 * each one is a system of its own (`vendor:<id>` in doctor, the readiness check and failure
 * messages), so this connector builds one per entry; e-mail vendors' requests travel through `smtp`.
 */
import { defineConnector } from '../definition';
import { VENDOR_HTTP_CONNECTOR } from './connector-id';
import { VendorsSettings } from './settings';
import { CREDENTIAL_ADVICE } from '../../config/http-url';

export const vendorHttp = defineConnector({
  id: VENDOR_HTTP_CONNECTOR,
  title: 'Vendor deletion API (HTTP)',
  settings: {
    path: ['vendors'],
    schema: VendorsSettings,
    secrets: ['hmac_secret'],
    credentialAdvice: CREDENTIAL_ADVICE.vendor,
    // The vendors themselves, and each one's cc list.
    listLimits: [[], ['*', 'cc']],
  },
  roles: {
    'deletion-channel': 'vendors whose `channel` is `http`, each its own `vendor:<id>`: one POST per request signed with HMAC-SHA256, `Idempotency-Key` = reference; a repeat answered 409 counts as already done',
  },
  live: () => import('./live'),
});
