/**
 * Security-group egress rules as single entries (one protocol, one port range, one CIDR), which is
 * the unit AWS lets us revoke and re-authorise exactly. Rules that point at another security group
 * or a prefix list are not CIDR ranges and are never matched here.
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import { cidrsOverlap, parseCidr, type CidrRange } from '../cidr';

export interface EgressEntry {
  /** `-1` (all traffic), `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number, as EC2 reports it. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidr: string;
  description?: string;
}

/** What a block asks for: destinations, and optionally the ports (any protocol's traffic when absent). */
export interface EgressSelection {
  cidrs: string[];
  ports?: number[];
}

const ALL_TRAFFIC = '-1';
const PORTED_PROTOCOLS = new Set(['tcp', 'udp', '6', '17']);

/** One entry per CIDR range of every permission. */
export function flattenEgress(permissions: readonly IpPermission[] | undefined): EgressEntry[] {
  return (permissions ?? []).flatMap((permission) => {
    const protocol = permission.IpProtocol ?? ALL_TRAFFIC;
    const ports =
      protocol === ALL_TRAFFIC ? {} : { ...(permission.FromPort !== undefined ? { fromPort: permission.FromPort } : {}), ...(permission.ToPort !== undefined ? { toPort: permission.ToPort } : {}) };
    const withDescription = (cidr: string, description: string | undefined): EgressEntry => ({
      protocol,
      ...ports,
      cidr,
      ...(description ? { description } : {}),
    });
    return [
      ...(permission.IpRanges ?? []).flatMap((range) => (range.CidrIp ? [withDescription(range.CidrIp, range.Description)] : [])),
      ...(permission.Ipv6Ranges ?? []).flatMap((range) => (range.CidrIpv6 ? [withDescription(range.CidrIpv6, range.Description)] : [])),
    ];
  });
}

/** Identity of an entry as AWS sees it (the description is not part of it). */
export function entryKey(entry: EgressEntry): string {
  return [entry.protocol, entry.fromPort ?? '', entry.toPort ?? '', entry.cidr.toLowerCase()].join('|');
}

/**
 * The entries that allow traffic the selection wants stopped: the destination range overlaps one
 * of the CIDRs and, when ports are given, the rule lets at least one of them through. A broader
 * rule (0.0.0.0/0, all traffic) is matched too: security groups only allow, so the only way to stop
 * that traffic is to remove the rule that allows it.
 */
export function selectEntries(entries: readonly EgressEntry[], selection: EgressSelection): EgressEntry[] {
  const wanted = selection.cidrs.map((cidr) => parseCidr(cidr)).filter((range): range is CidrRange => range !== undefined);
  return entries.filter((entry) => {
    const range = parseCidr(entry.cidr);
    if (!range || !wanted.some((cidr) => cidrsOverlap(cidr, range))) return false;
    return selection.ports === undefined || selection.ports.length === 0 || selection.ports.some((port) => allowsPort(entry, port));
  });
}

function allowsPort(entry: EgressEntry, port: number): boolean {
  if (entry.protocol === ALL_TRAFFIC) return true;
  if (!PORTED_PROTOCOLS.has(entry.protocol.toLowerCase())) return false;
  return (entry.fromPort ?? 0) <= port && port <= (entry.toPort ?? 65535);
}

/** Entries of `a` and `b` without duplicates (first description wins). */
export function unionEntries(a: readonly EgressEntry[], b: readonly EgressEntry[]): EgressEntry[] {
  const byKey = new Map<string, EgressEntry>();
  for (const entry of [...a, ...b]) if (!byKey.has(entryKey(entry))) byKey.set(entryKey(entry), entry);
  return [...byKey.values()];
}

/** Entries back in the EC2 `IpPermissions` shape, one permission per protocol and port range. */
export function toIpPermissions(entries: readonly EgressEntry[]): IpPermission[] {
  const byRule = new Map<string, IpPermission>();
  for (const entry of entries) {
    const ruleKey = [entry.protocol, entry.fromPort ?? '', entry.toPort ?? ''].join('|');
    const permission = byRule.get(ruleKey) ?? {
      IpProtocol: entry.protocol,
      ...(entry.fromPort !== undefined ? { FromPort: entry.fromPort } : {}),
      ...(entry.toPort !== undefined ? { ToPort: entry.toPort } : {}),
    };
    const description = entry.description ? { Description: entry.description } : {};
    if (parseCidr(entry.cidr)?.family === 6) permission.Ipv6Ranges = [...(permission.Ipv6Ranges ?? []), { CidrIpv6: entry.cidr, ...description }];
    else permission.IpRanges = [...(permission.IpRanges ?? []), { CidrIp: entry.cidr, ...description }];
    byRule.set(ruleKey, permission);
  }
  return [...byRule.values()];
}
