/**
 * A short, stable token derived from a step's idempotency key. Effects that AWS stores for us
 * (a policy statement id, a tag key) carry it, so a retried or replayed step recognises its own
 * earlier effect and does not apply it twice, while a different step does not mistake it for its own.
 */
import { createHash } from 'node:crypto';

/** 16 lowercase hex characters: letters and digits only, valid in IAM Sids and EC2 tag keys alike. */
export function idempotencyToken(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16);
}
