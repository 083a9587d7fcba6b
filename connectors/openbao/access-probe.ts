/**
 * The `openbao` entry of the remaining-access report. The person's OpenBao identity (an accessor,
 * `entity:<id>` or `lease-prefix:<path>`, usually given in the step's `identities.openbao`) is
 * removed when no live token or lease is left, present otherwise. A value that is not an OpenBao
 * target (e.g. an email) is reported unknown rather than guessed at: looking an email up as an
 * accessor would answer "invalid" and falsely read as removed.
 */
import type { AccessProbe } from '../definition';
import { accessLookup } from '../probe-step';
import type { OpenBaoClient } from './client';
import { holdingsOf, holdsNothing } from './holdings';
import { describeTarget, parseOpenBaoTarget } from './target';

/** The `openbao` access probe; never throws (errors are `unknown`). */
export function openBaoAccessProbe(client: OpenBaoClient): AccessProbe {
  return {
    lookup: (identity) =>
      accessLookup(async () => {
        const parsed = parseOpenBaoTarget(identity);
        if ('problem' in parsed) return { status: 'unknown', detail: `${parsed.problem}; name it in identities.openbao` };
        const holdings = await holdingsOf(client, parsed.target);
        if (holdsNothing(holdings)) return { status: 'removed', detail: `${describeTarget(parsed.target)}: nothing live` };
        const tokens = holdings.tokens.map((token) => `${token.accessor} (${token.display_name}, expires ${token.expire_time ?? 'never'})`);
        return {
          status: 'present',
          detail: `${describeTarget(parsed.target)}: ${tokens.length > 0 ? `live token(s) ${tokens.join(', ')}` : `${holdings.leaseEntries.length} lease entr(ies)`}`,
        };
      }),
  };
}
