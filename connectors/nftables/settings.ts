/** The connectors file's `nftables` section. */
import { z } from 'zod';
import { configText } from '../../config/config-text';

export const NftablesSettings = z.strictObject({
  /** The table Quell owns (created on demand, family inet); other tables are never touched. */
  table: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'must be a lowercase nftables identifier' }).default('quell'),
  /** Run nft inside this network namespace (`ip netns exec`); omit for the host's namespace. */
  netns: configText().optional(),
  /** Path to the nft binary (default: `nft` on PATH). */
  nft_path: configText().optional(),
});

export type NftablesConfig = z.output<typeof NftablesSettings>;
