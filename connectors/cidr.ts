/**
 * CIDR arithmetic for matching security-group rules against the ranges a step asks to block:
 * two ranges overlap when they agree on the bits of the shorter prefix. IPv4 and IPv6; a bare
 * address is a single-host range.
 */
import { isIP } from 'node:net';

export interface CidrRange {
  family: 4 | 6;
  /** The address as a number (host bits included; comparisons mask them off). */
  address: bigint;
  prefix: number;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address; undefined when it is neither. */
export function parseCidr(text: string): CidrRange | undefined {
  const [host, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || host === undefined) return undefined;
  const family = isIP(host);
  if (family !== 4 && family !== 6) return undefined;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  return { family, address: family === 4 ? ipv4ToBigInt(host) : ipv6ToBigInt(host), prefix };
}

/** True when some address lies in both ranges. */
export function cidrsOverlap(a: CidrRange, b: CidrRange): boolean {
  if (a.family !== b.family) return false;
  const bits = a.family === 4 ? 32 : 128;
  const shift = BigInt(bits - Math.min(a.prefix, b.prefix));
  return a.address >> shift === b.address >> shift;
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

/** Expands `::` and a trailing dotted IPv4 part (`::ffff:192.0.2.1`) into eight 16-bit groups. */
function ipv6ToBigInt(address: string): bigint {
  const toGroups = (part: string): string[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const last = groups[groups.length - 1];
    if (last?.includes('.')) {
      const v4 = ipv4ToBigInt(last);
      groups.splice(groups.length - 1, 1, (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
    }
    return groups;
  };
  const [head = '', tail] = address.split('::');
  const headGroups = toGroups(head);
  const tailGroups = tail === undefined ? [] : toGroups(tail);
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}
