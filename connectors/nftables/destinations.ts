/**
 * Checks a step's `cidrs` before anything reaches nft, and splits them by address family (an nft
 * rule matches `ip daddr` or `ip6 daddr`, never both). The check matters for safety, not only for
 * clear messages: nft reads a word that is not an address as a host name and resolves it through
 * DNS, and it silently widens `10.0.0.5/8` to `10.0.0.0/8`. Both are refused here instead.
 */
import { parseCidr } from '../cidr';

export interface Destinations {
  ipv4: string[];
  ipv6: string[];
}

export type DestinationCheck = { ok: true; destinations: Destinations } | { ok: false; problems: string[] };

/** Accepts IPv4 and IPv6 addresses and CIDRs whose host bits are zero; reports every bad entry. */
export function checkDestinations(cidrs: readonly string[]): DestinationCheck {
  const destinations: Destinations = { ipv4: [], ipv6: [] };
  const problems: string[] = [];
  for (const raw of cidrs) {
    const text = raw.trim();
    const range = text.includes('%') ? undefined : parseCidr(text);
    if (!range) {
      problems.push(`"${raw}" is not an IPv4 or IPv6 address or CIDR`);
      continue;
    }
    const bits = range.family === 4 ? 32 : 128;
    const hostMask = (1n << BigInt(bits - range.prefix)) - 1n;
    if ((range.address & hostMask) !== 0n) {
      problems.push(`"${raw}" has host bits set: write the network address, or a /${bits} for one host`);
      continue;
    }
    (range.family === 4 ? destinations.ipv4 : destinations.ipv6).push(text);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, destinations };
}
