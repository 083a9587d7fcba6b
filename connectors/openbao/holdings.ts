/**
 * What an OpenBao target still holds: the live tokens behind an accessor or bound to an entity,
 * or the lease entries under a prefix. Read before a revocation (nothing left → already done),
 * after it (the post-condition) and by the access report.
 */
import type { OpenBaoClient, OpenBaoTokenInfo } from './client';
import type { OpenBaoTarget } from './target';

export interface OpenBaoHoldings {
  /** Live tokens (accessor and entity targets). */
  tokens: OpenBaoTokenInfo[];
  /** Entries directly under the prefix (lease-prefix targets). */
  leaseEntries: string[];
}

/** Heartbeat every this many lookups while scanning all tokens for an entity. */
const SCAN_HEARTBEAT_EVERY = 50;

/** Reads what `target` still holds. Read-only; classified failures on errors; safe to retry. */
export async function holdingsOf(
  client: OpenBaoClient,
  target: OpenBaoTarget,
  heartbeat: (details?: unknown) => void = () => {},
): Promise<OpenBaoHoldings> {
  switch (target.kind) {
    case 'accessor': {
      const token = await client.lookupAccessor(target.accessor);
      return { tokens: token ? [token] : [], leaseEntries: [] };
    }
    case 'lease-prefix':
      return { tokens: [], leaseEntries: await client.listLeases(target.prefix) };
    case 'entity': {
      // OpenBao has no "tokens of an entity" index: look every accessor up. Linear in the number
      // of tokens, so it heartbeats; a token that expires mid-scan simply drops out.
      const accessors = await client.listAccessors();
      const tokens: OpenBaoTokenInfo[] = [];
      for (const [index, accessor] of accessors.entries()) {
        if (index % SCAN_HEARTBEAT_EVERY === 0) heartbeat({ scanned: index, of: accessors.length });
        const token = await client.lookupAccessor(accessor);
        if (token && token.entity_id === target.entityId) tokens.push(token);
      }
      return { tokens, leaseEntries: [] };
    }
  }
}

/** True when no live token and no lease entry is left. */
export function holdsNothing(holdings: OpenBaoHoldings): boolean {
  return holdings.tokens.length === 0 && holdings.leaseEntries.length === 0;
}
