/**
 * `egress.unblock` with provider `nftables`: removes exactly the block a rule id names — its jump
 * rule, by handle, and its chain — and nothing else: other blocks, the hook chains and every other
 * table stay as they are. The empty table and hook chains are left in place; they pass everything
 * and a later block reuses them.
 */
import type { ActionWith } from '../../common/actions';
import { invalidFailure, notVerifiedFailure, type FailureSite } from '../failures';
import type { ActionHandler } from '../definition';
import type { ActionContext, ActionOutcome } from '../action-context';
import { NFTABLES_SYSTEM, parseRuleId } from './block-id';
import type { NftablesHandlerOptions } from './block';
import { NFTABLES_CONNECTOR } from './probes';
import { EGRESS_CHAIN, unblockScript } from './layout';
import { nftFailure } from './nft-failure';
import { findBlock, readTable } from './table-state';

/**
 * The `nftables` handler for `egress.unblock`.
 *
 * Idempotent: a block already gone (or never written: a block with no `cidrs`) reports
 * `alreadyDone: true`, with `verified.rule_present: false` and `removed_handles: null` (named in
 * `unknown_fields`: a removed rule's handles cannot be read back). A rule id of another table
 * than this worker's is `QuellInvalidInput`: the handler only ever changes its own table. A block
 * still present when read back is a retryable `QuellNotVerified`; nft failures are classified as
 * for the block.
 */
export function createNftablesEgressUnblock(options: NftablesHandlerOptions): ActionHandler<'egress.unblock'> {
  const { table, nft, logger } = options;
  return {
    async perform({ rule_id: ruleId }: ActionWith<'egress.unblock'>, context: ActionContext): Promise<ActionOutcome> {
      const site: FailureSite = { connector: NFTABLES_CONNECTOR, operation: `remove block ${ruleId}` };
      const parsed = parseRuleId(ruleId);
      if (!parsed) throw invalidFailure(site, 'not an nftables rule id (expected nftables:<table>:<16 hex characters>)');
      if (parsed.table !== table) {
        throw invalidFailure(site, `the rule id names table ${parsed.table}, but this worker manages table ${table} (nftables.table)`);
      }
      const common = { provider: NFTABLES_SYSTEM, rule_id: ruleId, table, chain: EGRESS_CHAIN };

      try {
        const found = findBlock(await readTable(nft, table), parsed.tag);
        if (found.jumpHandles.length === 0 && !found.chainPresent) {
          // Nothing to remove, but this may be the retry of an attempt that removed the block and
          // died before reporting: not "removed no handles", but handles nft no longer knows.
          return {
            output: {
              ...common,
              removed_handles: null,
              verified: { rule_present: false },
              unknown_fields: ['removed_handles'],
              unknown_because: `no rule or chain of this block is in table inet ${table} (removed, or never written), and nft keeps no record of the handles it had`,
            },
            alreadyDone: true,
          };
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
