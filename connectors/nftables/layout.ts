/**
 * The table Quell owns (family inet, so one rule set covers IPv4 and IPv6) and how a block sits in
 * it:
 *
 * ```
 * table inet quell
 *   chain output  { hook output  priority filter; oifname "lo" accept; jump egress }
 *   chain forward { hook forward priority filter; jump egress }
 *   chain egress  { jump block_<tag> comment "quell:<tag> step=… run=…" … one rule per block }
 *   chain block_<tag> { ip daddr {…} [tcp dport {…}] counter reject with tcp reset
 *                       ip daddr {…} [udp dport {…}] counter reject with icmpx admin-prohibited
 *                       … the same two with ip6 daddr for IPv6 destinations }
 * ```
 *
 * - output catches what the host itself sends; forward catches what it routes for containers, VMs
 *   or pods behind it, which a compromised workload there would use just as well. (Bridged traffic
 *   skips both unless br_netfilter is on.) Loopback is not egress and stays open, so blocking
 *   0.0.0.0/0 and ::/0 does not cut the host off from its own local services.
 * - priority filter: after destination NAT, so the rules see the address a packet really goes to.
 *   A reject here is final whatever other tables accept; this table never accepts anything for them.
 * - reject, not drop: the blocked program fails at once instead of hanging in connect retries for
 *   minutes, and responders see the block work. Rejecting egress tells a remote attacker nothing,
 *   since the answer goes back to the local sender only. TCP gets a reset, which every stack obeys
 *   at once (Linux retries a SYN after an ICMPv6 refusal on routed traffic, Windows after any ICMP
 *   refusal); everything else gets ICMP "administratively prohibited".
 * - one jump rule per block, found by its comment and deleted by handle: an unblock removes that
 *   block and nothing else; other blocks, and other tables, are never touched.
 */
import type { Destinations } from './destinations';

export const EGRESS_CHAIN = 'egress';
export const HOOK_CHAINS = ['output', 'forward'] as const;

export function blockChainName(tag: string): string {
  return `block_${tag}`;
}

/**
 * Creates the table and its hook chains if absent and rewrites the hook chains' two rules, so a
 * hook chain someone flushed is repaired. Safe to repeat; blocks in `egress` are left as they are.
 */
export function skeletonScript(table: string): string {
  return [
    `add table inet ${table}`,
    ...HOOK_CHAINS.map((hook) => `add chain inet ${table} ${hook} { type filter hook ${hook} priority filter; policy accept; }`),
    `add chain inet ${table} ${EGRESS_CHAIN}`,
    ...HOOK_CHAINS.map((hook) => `flush chain inet ${table} ${hook}`),
    `add rule inet ${table} output oifname "lo" accept`,
    ...HOOK_CHAINS.map((hook) => `add rule inet ${table} ${hook} jump ${EGRESS_CHAIN}`),
  ].join('\n');
}

export interface BlockSpec {
  tag: string;
  comment: string;
  destinations: Destinations;
  ports: readonly number[];
  /** False when the jump rule is already there (only the chain's rules were missing). */
  addJump: boolean;
}

/**
 * Fills the block's chain (flushed first, so whatever an earlier attempt or a person left there is
 * replaced) and adds the jump that activates it. Appended to {@link skeletonScript} in one transaction.
 */
export function blockScript(table: string, block: BlockSpec): string {
  const chain = blockChainName(block.tag);
  const ports = block.ports.length > 0 ? `{ ${block.ports.join(', ')} }` : undefined;
  // Without ports: TCP first (reset), then every other protocol. With ports: TCP and UDP only.
  const tcpMatch = ports ? `tcp dport ${ports}` : 'meta l4proto tcp';
  const otherMatch = ports ? ` udp dport ${ports}` : '';
  const refuse = (family: 'ip' | 'ip6', cidrs: readonly string[]) => {
    if (cidrs.length === 0) return [];
    const rule = `add rule inet ${table} ${chain} ${family} daddr { ${cidrs.join(', ')} }`;
    return [`${rule} ${tcpMatch} counter reject with tcp reset`, `${rule}${otherMatch} counter reject with icmpx admin-prohibited`];
  };
  return [
    `add chain inet ${table} ${chain}`,
    `flush chain inet ${table} ${chain}`,
    ...refuse('ip', block.destinations.ipv4),
    ...refuse('ip6', block.destinations.ipv6),
    ...(block.addJump ? [`add rule inet ${table} ${EGRESS_CHAIN} jump ${chain} comment "${block.comment}"`] : []),
  ].join('\n');
}

/** Deletes the block's jump rules by handle, then its chain (nft refuses to delete a chain still jumped to). */
export function unblockScript(table: string, tag: string, jumpHandles: readonly number[], chainPresent: boolean): string {
  const chain = blockChainName(tag);
  return [
    ...jumpHandles.map((handle) => `delete rule inet ${table} ${EGRESS_CHAIN} handle ${handle}`),
    ...(chainPresent ? [`flush chain inet ${table} ${chain}`, `delete chain inet ${table} ${chain}`] : []),
  ].join('\n');
}
