/**
 * How Quell signs requests to a vendor's HTTP deletion API, so the vendor can tell a genuine
 * request from a forged or replayed one. The scheme (for the vendor's implementers):
 *
 *   X-Quell-Timestamp: <unix time in seconds when the request was signed>
 *   X-Quell-Signature: sha256=<lower-case hex HMAC-SHA256(key, "<timestamp>.<body>")>
 *
 * where `key` is the shared secret (`hmac_secret` in the connectors file, UTF-8) and `<body>` is
 * the exact bytes of the request body. To verify: recompute the HMAC over the raw body as
 * received (before any JSON parsing), compare in constant time, and refuse timestamps more than
 * five minutes away from your clock. Signing the timestamp with the body means a captured request
 * cannot be replayed later with a fresh timestamp. Every attempt is signed anew; legitimate
 * retries of one request share its `Idempotency-Key` header instead. That header is not signed,
 * but it always equals the signed body's `reference`: receivers should refuse a mismatch.
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Quell-Signature';
export const TIMESTAMP_HEADER = 'X-Quell-Timestamp';

/** The two signature headers for `body` signed at `unixSeconds`. */
export function signatureHeaders(key: string, body: string, unixSeconds: number): Record<string, string> {
  const timestamp = String(unixSeconds);
  const mac = createHmac('sha256', key).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `sha256=${mac}` };
}
