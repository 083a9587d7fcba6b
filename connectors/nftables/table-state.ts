/**
 * Reads Quell's table back from the kernel (`nft -j -a list table`: JSON, with rule handles) and
 * answers the questions the handlers ask: is this block there, under which handles, and are the
 * hook chains still jumping to the block list. An absent table is an answer (nothing is
 * blocked), not an error.
 */
import { z } from 'zod';
import { isCommentOf } from './block-id';
import { EGRESS_CHAIN, HOOK_CHAINS, blockChainName } from './layout';
import { NftCommandError, type NftCommand } from './nft-command';

const JumpExpr = z.looseObject({ jump: z.looseObject({ target: z.string() }) });

const ListedObject = z.looseObject({
  chain: z.looseObject({ name: z.string() }).optional(),
  rule: z
    .looseObject({
      chain: z.string(),
      handle: z.number(),
      comment: z.string().optional(),
      expr: z.array(z.unknown()).default([]),
    })
    .optional(),
});
const Listing = z.looseObject({ nftables: z.array(ListedObject) });

export interface ListedRule {
  chain: string;
  handle: number;
  comment?: string;
  /** Chain this rule jumps to, when it is a jump. */
  jumpTarget?: string;
}

export interface TableState {
  chains: ReadonlySet<string>;
  rules: readonly ListedRule[];
}

export interface BlockPresence {
  /** Handles of the jump rules in `egress` carrying the block's comment (normally one). */
  jumpHandles: number[];
  chainPresent: boolean;
  /** Rules in the block's own chain (its matches); 0 means the block blocks nothing. */
  matchRules: number;
}

/** nft's answer to listing a table that does not exist (the namespace and binary were found). */
const NO_SUCH_TABLE = /^Error: No such file or directory/m;

/** Lists `table`; an absent table reads as empty. Other failures reject as {@link NftCommandError}. */
export async function readTable(nft: NftCommand, table: string): Promise<TableState> {
  let stdout: string;
  try {
    stdout = await nft.run(['-j', '-a', 'list', 'table', 'inet', table]);
  } catch (error) {
    if (error instanceof NftCommandError && error.kind === 'exit' && NO_SUCH_TABLE.test(error.detail.stderr ?? '')) {
      return { chains: new Set(), rules: [] };
    }
    throw error;
  }
  const listing = Listing.parse(JSON.parse(stdout));
  const chains = new Set<string>();
  const rules: ListedRule[] = [];
  for (const object of listing.nftables) {
    if (object.chain) chains.add(object.chain.name);
    if (object.rule) {
      const jump = object.rule.expr.map((expr) => JumpExpr.safeParse(expr)).find((parsed) => parsed.success)?.data;
      rules.push({
        chain: object.rule.chain,
        handle: object.rule.handle,
        ...(object.rule.comment !== undefined ? { comment: object.rule.comment } : {}),
        ...(jump ? { jumpTarget: jump.jump.target } : {}),
      });
    }
  }
  return { chains, rules };
}

/** Where the block with `tag` is in `state`. */
export function findBlock(state: TableState, tag: string): BlockPresence {
  const jumpHandles = state.rules
    .filter((rule) => rule.chain === EGRESS_CHAIN && isCommentOf(rule.comment, tag) && rule.jumpTarget === blockChainName(tag))
    .map((rule) => rule.handle);
  const matchRules = state.rules.filter((rule) => rule.chain === blockChainName(tag)).length;
  return { jumpHandles, chainPresent: state.chains.has(blockChainName(tag)), matchRules };
}

/** The hook chains that jump to `egress`: a block only works while this lists both. */
export function activeHooks(state: TableState): string[] {
  return HOOK_CHAINS.filter((hook) => state.rules.some((rule) => rule.chain === hook && rule.jumpTarget === EGRESS_CHAIN));
}
