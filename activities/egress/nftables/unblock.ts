/**
 * `egress.unblock` with provider `nftables`: removes exactly the block a rule id names — its jump
 * rule, by handle, and its chain — and nothing else: other blocks, the hook chains and every other
 * table stay as they are. The empty table and hook chains are left in place; they pass everything
 * and a later block reuses them.
 */
import type { ActionWith } from '../../../common/actions';
import { invalidFailure, notVerifiedFailure, type FailureSite } from '../../live/failures';
import type { ProviderHandler } from '../../live/router';
import type { ActionContext, ActionOutcome } from '../../ports';
import { NFTABLES_PROVIDER, parseRuleId } from './block-id';
import type { NftablesHandlerOptions } from './block';
import { NFTABLES_CONNECTOR } from './connector';
import { EGRESS_CHAIN, unblockScript } from './layout';
import { nftFailure } from './nft-failure';
import { findBlock, readTable } from './table-state';

/**
 * The `nftables` handler for `egress.unblock`.
 *
 * Idempotent: a block already gone (or never written: a block with no `cidrs`) reports
 * `alreadyDone: true`. A rule id of another table than this worker's is `QuellInvalidInput`: the
 * handler only ever changes its own table. A block still present when read back is a retryable
 * `QuellNotVerified`; nft failures are classified as for the block.
 */
export function createNftablesEgressUnblock(options: NftablesHandlerOptions): ProviderHandler {
  const { table, nft, logger } = options;
  return {
    provider: NFTABLES_PROVIDER,
    connector: NFTABLES_CONNECTOR,
    async perform(raw: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
      const { rule_id: ruleId } = raw as ActionWith<'egress.unblock'>;
      const site: FailureSite = { connector: NFTABLES_CONNECTOR, operation: `remove block ${ruleId}` };
      const parsed = parseRuleId(ruleId);
      if (!parsed) throw invalidFailure(site, 'not an nftables rule id (expected nftables:<table>:<16 hex characters>)');
      if (parsed.table !== table) {
        throw invalidFailure(site, `the rule id names table ${parsed.table}, but this worker manages table ${table} (nftables.table)`);
      }
      const common = { provider: NFTABLES_PROVIDER, rule_id: ruleId, table, chain: EGRESS_CHAIN };

      try {
        const found = findBlock(await readTable(nft, table), parsed.tag);
        if (found.jumpHandles.length === 0 && !found.chainPresent) {
          return { output: { ...common, removed_handles: [], verified: { rule_present: false } }, alreadyDone: true };
        }
        await nft.run(['-f', '-'], `${unblockScript(table, parsed.tag, found.jumpHandles, found.chainPresent)}\n`);
        const left = findBlock(await readTable(nft, table), parsed.tag);
        if (left.jumpHandles.length > 0 || left.chainPresent) {
          throw notVerifiedFailure(site, `block ${ruleId} is still in table inet ${table} after removing it`);
        }
        logger.info({ ruleId, handles: found.jumpHandles, stepId: context.stepId }, 'nftables: egress block removed');
        return { output: { ...common, removed_handles: found.jumpHandles, verified: { rule_present: false } }, alreadyDone: false };
      } catch (error) {
        throw nftFailure(site, nft, error);
      }
    },
  };
}
