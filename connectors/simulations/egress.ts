/** Tabletop planners for egress blocking and its compensation. */
import type { ActionWith } from '../../common/actions';
import { stableToken, type TabletopPlanner } from '../simulation';

export const simulateEgressBlock: TabletopPlanner = (raw, seed) => {
  const params = raw as ActionWith<'egress.block'>;
  const ports = params.ports?.length ? ` on ports ${params.ports.join(', ')}` : '';
  const target = params.target ? ` from ${params.target}` : '';
  return {
    wouldDo: params.cidrs.length
      ? [`${params.provider}: drop outbound traffic${target} to ${params.cidrs.join(', ')}${ports}`]
      : [`${params.provider}: no CIDRs given, nothing to block`],
    output: {
      provider: params.provider,
      rule_id: `quell-${stableToken(seed, 'egress-rule')}`,
      cidrs: params.cidrs,
      blocked: params.cidrs.length,
      verified: true,
    },
  };
};

export const simulateEgressUnblock: TabletopPlanner = (raw) => {
  const params = raw as ActionWith<'egress.unblock'>;
  return {
    wouldDo: [`remove Quell block ${params.rule_id}`],
    output: { rule_id: params.rule_id, removed: true },
  };
};
