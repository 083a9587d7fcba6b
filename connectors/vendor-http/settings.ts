/**
 * The connectors file's `vendors` section: the vendors a `vendor.request_deletion` or `vendor.request`
 * step may name, by id, each with the channel it takes requests by. HTTP vendors are this connector's
 * own systems; e-mail vendors are listed here too and reached through the `smtp` connector.
 */
import { z } from 'zod';
import { configText } from '../../config/config-text';
import { CREDENTIAL_ADVICE, httpUrl } from '../../config/http-url';
import { SecretRefSchema } from '../../config/secret';

const Name = configText();

export const VendorEntry = z.discriminatedUnion('channel', [
  z.strictObject({
    channel: z.literal('email'),
    name: Name,
    email: z.email({ message: 'must be an email address' }),
    cc: z.array(z.email()).optional(),
  }),
  z.strictObject({
    channel: z.literal('http'),
    name: Name,
    url: httpUrl(CREDENTIAL_ADVICE.vendor),
    /** Key for the HMAC-SHA256 signature of the body (header X-Quell-Signature). */
    hmac_secret: SecretRefSchema,
  }),
]);

export const VendorsSettings = z.record(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, { message: 'vendor ids are lowercase kebab-case, at most 64 characters' }), VendorEntry);

export type VendorConfig = z.output<typeof VendorEntry>;
export type VendorsConfig = z.output<typeof VendorsSettings>;
