/**
 * The nftables family: `egress.block` and `egress.unblock` with provider `nftables`, and the
 * `nftables` connector, from the connectors file's `nftables` section.
 */
import type { LiveFamily } from '../../live/contribution';
import { createNftablesEgressBlock } from './block';
import { createNftablesConnector } from './connector';
import { createNftCommand } from './nft-command';
import { createNftablesEgressUnblock } from './unblock';

/**
 * Contributes nothing without an `nftables` section. Building does no I/O: nft runs only when the
 * connector is checked or a step blocks or unblocks.
 */
export const nftablesFamily: LiveFamily = (config, shared) => {
  if (!config.nftables) return { connectors: [] };
  const { table } = config.nftables;
  const nft = createNftCommand(config.nftables);
  const handlers = { table, nft, logger: shared.logger.child({ family: 'nftables', table, ...(nft.netns ? { netns: nft.netns } : {}) }) };
  return {
    connectors: [createNftablesConnector(table, nft)],
    routed: [
      { action: 'egress.block', handler: createNftablesEgressBlock(handlers) },
      { action: 'egress.unblock', handler: createNftablesEgressUnblock(handlers) },
    ],
  };
};
