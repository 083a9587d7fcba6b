/**
 * How one block is named. Every block belongs to one step (its idempotency key), and the key's
 * hash — the *tag* — names everything the block puts in the table: the chain holding its match
 * rules, and the comment on the jump rule that activates it. The rule id handed back to the
 * runbook (`nftables:<table>:<tag>`) is therefore all an unblock needs to find exactly that block.
 */
import { createHash } from 'node:crypto';

/** The system's id: what runbooks write in `provider:` and what starts every rule id. */
export const NFTABLES_SYSTEM = 'nftables';

/** nft refuses longer rule comments. */
const COMMENT_LIMIT = 128;
const RULE_ID = /^nftables:([a-z][a-z0-9_]*):([0-9a-f]{16})$/;

/** 16 hex characters from the step's idempotency key: the same step always gets the same tag. */
export function blockTag(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16);
}

export function formatRuleId(table: string, tag: string): string {
  return `${NFTABLES_SYSTEM}:${table}:${tag}`;
}

/** Table and tag of an `nftables` rule id, or undefined when `ruleId` is not one. */
export function parseRuleId(ruleId: string): { table: string; tag: string } | undefined {
  const match = RULE_ID.exec(ruleId);
  return match?.[1] && match[2] ? { table: match[1], tag: match[2] } : undefined;
}

/** The first word of a block's comment; the rest only helps people reading `nft list ruleset`. */
export function commentMarker(tag: string): string {
  return `quell:${tag}`;
}

/**
 * The jump rule's comment: the marker, then the run and the step for whoever lists the ruleset.
 * Characters nft would need escaped are replaced, and the run id is shortened (never the marker)
 * to stay within nft's limit.
 */
export function blockComment(tag: string, workflowId: string, stepId: string): string {
  const plain = (text: string) => text.replace(/[^A-Za-z0-9._:/=-]/g, '_');
  const head = `${commentMarker(tag)} step=${plain(stepId)}`.slice(0, COMMENT_LIMIT);
  const room = COMMENT_LIMIT - head.length - ' run='.length;
  return room > 0 ? `${head} run=${plain(workflowId).slice(0, room)}` : head;
}

/** True when `comment` was written by {@link blockComment} for `tag`. */
export function isCommentOf(comment: string | undefined, tag: string): boolean {
  return comment !== undefined && comment.split(' ')[0] === commentMarker(tag);
}
