/**
 * nftables: blocks a host's outbound (and routed) traffic with rules in a table Quell owns.
 * Serves `egress.block` and `egress.unblock` with `provider: nftables`.
 */
import { defineConnector } from '../definition';
import { simulateEgressBlock, simulateEgressUnblock } from '../simulations/egress';
import { NftablesSettings } from './settings';

export const nftables = defineConnector({
  id: 'nftables',
  title: 'nftables',
  settings: { path: ['nftables'], schema: NftablesSettings, secrets: [] },
  routed: {
    'egress.block': {
      summary:
        'a jump rule in Quell\'s own `inet` table (output and forward hooks, optionally in a network namespace), tagged with the run and step, to a chain that rejects traffic to `cidrs` (optionally `ports`): TCP with a reset, everything else with ICMP "administratively prohibited", so blocked programs fail at once. Loopback stays open.',
      guarantee: 'Read back from `nft -j`; a repeat finds its own rule by tag.',
      simulate: simulateEgressBlock,
    },
    'egress.unblock': { summary: 'removes exactly the block a rule id names', simulate: simulateEgressUnblock },
  },
  live: () => import('./live'),
});
