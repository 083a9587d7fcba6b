/**
 * `egress.block` with provider `nftables`: rejects the host's outbound (and routed) traffic to the
 * step's `cidrs`, optionally only to `ports` (TCP and UDP), with rules in Quell's own table (see
 * ./layout.ts). The block is written in one nft transaction and read back before it is reported.
 */
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import { invalidFailure, notVerifiedFailure, type FailureSite } from '../failures';
import type { ActionHandler } from '../definition';
import type { ActionContext, ActionOutcome } from '../action-context';
import { NFTABLES_SYSTEM, blockComment, blockTag, formatRuleId } from './block-id';
import { NFTABLES_CONNECTOR } from './probes';
import { checkDestinations } from './destinations';
import { EGRESS_CHAIN, HOOK_CHAINS, blockScript, skeletonScript } from './layout';
import type { NftCommand } from './nft-command';
import { nftFailure } from './nft-failure';
import { activeHooks, findBlock, readTable } from './table-state';

export interface NftablesHandlerOptions {
  /** `nftables.table` of the connectors file. */
  table: string;
  nft: NftCommand;
  logger: Logger;
}

/**
 * The `nftables` handler for `egress.block`.
 *
 * Idempotent: the block is named after the step's idempotency key, so a retry or a replay finds
 * its own block and reports `alreadyDone: true` with the same `rule_id` and handle. (A hook chain
 * someone flushed meanwhile is restored; the step then reports that it did something.) No `cidrs`
 * means nothing to block: `alreadyDone: true`, nothing written. Bad CIDRs are `QuellInvalidInput`; nft missing, a missing namespace or no
 * CAP_NET_ADMIN are non-retryable; a block not found when read back is a retryable
 * `QuellNotVerified`, other nft errors a retryable `QuellUnavailable`.
 */
export function createNftablesEgressBlock(options: NftablesHandlerOptions): ActionHandler<'egress.block'> {
  const { table, nft, logger } = options;
  return {
    async perform(params: ActionWith<'egress.block'>, context: ActionContext): Promise<ActionOutcome> {
      const ports = [...new Set(params.ports ?? [])].sort((a, b) => a - b);
      const site: FailureSite = {
        connector: NFTABLES_CONNECTOR,
        operation: `block egress to ${params.cidrs.join(', ') || 'nothing'}${ports.length > 0 ? ` ports ${ports.join(', ')}` : ''} in table inet ${table}`,
      };
      const tag = blockTag(context.idempotencyKey);
      const common = { provider: NFTABLES_SYSTEM, rule_id: formatRuleId(table, tag), table, chain: EGRESS_CHAIN, cidrs: params.cidrs, ports };
      const checked = checkDestinations(params.cidrs);
      if (!checked.ok) throw invalidFailure(site, checked.problems.join('; '));
      if (params.cidrs.length === 0) return { output: { ...common, verified: { rule_present: false, nothing_to_block: true } }, alreadyDone: true };

      try {
        const before = await readTable(nft, table);
        const written = findBlock(before, tag);
        const blockPresent = written.jumpHandles.length > 0 && written.matchRules > 0;
        const hooked = activeHooks(before).length === HOOK_CHAINS.length;
        const alreadyDone = blockPresent && hooked;
        if (!alreadyDone) {
          const spec = { tag, comment: blockComment(tag, context.workflowId, context.stepId), destinations: checked.destinations, ports, addJump: written.jumpHandles.length === 0 };
          const block = blockPresent ? '' : `\n${blockScript(table, spec)}`;
          await nft.run(['-f', '-'], `${skeletonScript(table)}${block}\n`);
        }
        const after = alreadyDone ? before : await readTable(nft, table);
        const readBack = findBlock(after, tag);
        const handle = readBack.jumpHandles[0];
        const hooks = activeHooks(after);
        if (handle === undefined || readBack.matchRules === 0 || hooks.length !== HOOK_CHAINS.length) {
          throw notVerifiedFailure(site, `block ${common.rule_id} incomplete in table inet ${table} when read back (jump, match rules or hooks missing)`);
        }
        if (written.jumpHandles.length === 0) logger.info({ ruleId: common.rule_id, handle, stepId: context.stepId }, 'nftables: egress blocked');
        else if (!alreadyDone) logger.warn({ ruleId: common.rule_id, blockPresent, hooked }, 'nftables: the block had been disabled by hand; restored');
        return { output: { ...common, verified: { rule_present: true, handle, hooks } }, alreadyDone };
      } catch (error) {
        throw nftFailure(site, nft, error);
      }
    },
  };
}
