/**
 * The `nftables` connector as `quell doctor` and the live-readiness check see it. The probes ask
 * what a block will need, in the namespace it will run in: that nft starts, that it may read the
 * ruleset (CAP_NET_ADMIN), and that the kernel accepts Quell's table with its output and forward
 * hooks. The last one uses nft's check mode (`-c`): the kernel validates the whole transaction and
 * discards it, so a check leaves no trace — not even an empty table.
 */
import type { Connector, ConnectorProbe } from '../connector';
import { skeletonScript } from './layout';
import type { NftCommand } from './nft-command';
import { nftFailure } from './nft-failure';

export const NFTABLES_CONNECTOR = 'nftables';

/** Builds the connector for the configured `table`. Probing changes nothing; it never rejects. */
export function createNftablesConnector(table: string, nft: NftCommand): Connector {
  const place = nft.netns ? `network namespace ${nft.netns}` : "the host's network namespace";
  const probe = async (name: string, call: () => Promise<string>): Promise<ConnectorProbe> => {
    try {
      return { name, ok: true, detail: await call() };
    } catch (error) {
      return { name, ok: false, detail: nftFailure({ connector: NFTABLES_CONNECTOR, operation: name }, nft, error).message };
    }
  };
  return {
    id: NFTABLES_CONNECTOR,
    description: `nftables table inet ${table} in ${place} (nft: ${nft.nftPath})`,
    async check() {
      const runnable = await probe('nft runnable', async () => `${(await nft.run(['--version'])).trim()} in ${place}`);
      // Without a working nft every other probe fails for the same reason: say it once.
      if (!runnable.ok) return [runnable];
      return [
        runnable,
        await probe('list ruleset', async () => {
          const tables = await nft.run(['list', 'tables']);
          const present = tables.split('\n').some((line) => line.trim() === `table inet ${table}`);
          return `ruleset readable; table inet ${table} ${present ? 'exists' : 'not created yet (made by the first block)'}`;
        }),
        await probe('create table', async () => {
          await nft.run(['-c', '-f', '-'], `${skeletonScript(table)}\n`);
          return `table inet ${table} with output and forward hooks accepted by the kernel (checked with nft -c, nothing applied)`;
        }),
      ];
    },
  };
}
