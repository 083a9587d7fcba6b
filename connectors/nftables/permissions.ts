/**
 * The nftables connector's read-only permission probe: the exact transaction a block would send
 * (Quell's table and hooks, plus the block's chain and rules for the step's destinations), given
 * to nft in check mode (`nft -c`): the kernel validates it with the worker's privileges and
 * discards it, so CAP_NET_ADMIN in the right namespace and rules the kernel accepts are both
 * proven, and nothing is applied.
 */
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { checkDestinations } from './destinations';
import { blockScript, skeletonScript } from './layout';
import type { NftCommand } from './nft-command';
import { nftFailure } from './nft-failure';
import { NFTABLES_CONNECTOR } from './probes';

/** The nft script a block of `params` would apply, as far as it is known before the run. */
export function blockCheckScript(table: string, params: Record<string, unknown>): string {
  const cidrs = Array.isArray(params.cidrs) ? params.cidrs.filter((c): c is string => typeof c === 'string') : [];
  const ports = Array.isArray(params.ports) ? params.ports.filter((p): p is number => typeof p === 'number') : [];
  const checked = checkDestinations(cidrs);
  if (!checked.ok || cidrs.length === 0) return `${skeletonScript(table)}\n`;
  const block = blockScript(table, { tag: 'readinesscheck', comment: 'quell readiness check', destinations: checked.destinations, ports, addJump: true });
  return `${skeletonScript(table)}\n${block}\n`;
}

export function nftablesPermissionProbe(table: string, nft: NftCommand): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action, params }) => {
    if (action !== 'egress.block' && action !== 'egress.unblock') return [];
    const place = nft.netns ? `network namespace ${nft.netns}` : "the host's network namespace";
    const permission = `CAP_NET_ADMIN (nftables) in ${place}`;
    const what = action === 'egress.block' && Array.isArray(params.cidrs) && params.cidrs.length > 0 ? `the block of ${params.cidrs.join(', ')}` : `table inet ${table}`;
    try {
      await nft.run(['-c', '-f', '-'], action === 'egress.block' ? blockCheckScript(table, params) : `${skeletonScript(table)}\n`);
      return [{ permission, target: `table inet ${table}`, verdict: 'granted', detail: `the kernel accepted ${what} in check mode (nft -c); nothing was applied` }];
    } catch (error) {
      const reason = nftFailure({ connector: NFTABLES_CONNECTOR, operation: 'check mode' }, nft, error).message;
      const refused = /not permitted|EPERM|permission denied/i.test(reason);
      return [{ permission, target: `table inet ${table}`, verdict: refused ? 'missing' : 'not-checkable', detail: reason }];
    }
  };
}
