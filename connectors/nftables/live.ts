/**
 * The live half of the nftables connector. Building does no I/O: nft runs only when the
 * connector is probed or a step blocks or unblocks.
 */
import type { LiveModule } from '../definition';
import { createNftablesEgressBlock } from './block';
import { createNftCommand } from './nft-command';
import { nftablesPermissionProbe } from './permissions';
import { createNftablesConnector } from './probes';
import type { NftablesConfig } from './settings';
import { createNftablesEgressUnblock } from './unblock';

export const build: LiveModule<NftablesConfig>['build'] = (settings, shared) => {
  const { table } = settings;
  const nft = createNftCommand(settings);
  const handlers = { table, nft, logger: shared.logger.child({ connector: 'nftables', table, ...(nft.netns ? { netns: nft.netns } : {}) }) };
  return {
    connector: { ...createNftablesConnector(table, nft), permissionProbe: nftablesPermissionProbe(table, nft) },
    handlers: {
      'egress.block': createNftablesEgressBlock(handlers),
      'egress.unblock': createNftablesEgressUnblock(handlers),
    },
  };
};
