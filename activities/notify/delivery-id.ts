/**
 * Stable ids for outgoing messages, derived from the step's idempotency key: every attempt of one
 * step computes the same id, so the recipient (and Quell's own look-ups) can tell a resend from a
 * new message.
 */
import { createHash } from 'node:crypto';

/** `<prefix>-<n upper-case hex digits>` of SHA-256 over the parts. */
export function stableId(prefix: string, parts: readonly string[], digits = 10): string {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${prefix}-${hash.slice(0, digits).toUpperCase()}`;
}

/** An RFC 5322 Message-ID for `id`, in the sender's domain. */
export function messageIdFor(id: string, purpose: string, domain: string): string {
  return `<${id.toLowerCase()}.${purpose}@${domain}>`;
}
