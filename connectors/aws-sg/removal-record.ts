/**
 * Where `egress.block` with aws-sg keeps what it removed, so `egress.unblock` (which receives only
 * the rule id) can put back exactly that: tags on the changed resource itself, written *before*
 * the change. Kept on the resource because it is durable, travels with it to whichever worker
 * runs the undo, and is visible to an operator in the console; written first because a crash
 * between the change and the step's recorded output must not lose what to restore.
 *
 * EC2 tag values hold at most 256 characters, so the JSON is split over numbered tags
 * `quell:removed:<token>:<i>/<n>`; a record that grows is rewritten with more parts and the
 * old ones dropped. A record whose parts are incomplete is refused (non-retryable): a person has
 * to look at it rather than Quell guess.
 */
import { CreateTagsCommand, DeleteTagsCommand, type EC2Client, type Tag } from '@aws-sdk/client-ec2';
import { invalidFailure, type FailureSite } from '../failures';
import { awsCall } from '../aws/call';

const KEY_PREFIX = 'quell:removed:';
const VALUE_LIMIT = 256;
/** EC2 allows 50 user tags per resource; leave room for the resource's own. */
const MAX_PARTS = 40;

function partKeyPrefix(token: string): string {
  return `${KEY_PREFIX}${token}:`;
}

/** Keys of every part of the record `token` on a resource with `tags`. */
export function recordKeys(tags: readonly Tag[] | undefined, token: string): string[] {
  return (tags ?? []).flatMap((tag) => (tag.Key?.startsWith(partKeyPrefix(token)) ? [tag.Key] : []));
}

/** The tags that hold `payload` as record `token`. */
export function recordTags(token: string, payload: unknown, site: FailureSite): Tag[] {
  const characters = Array.from(JSON.stringify(payload));
  const parts: string[] = [];
  for (let start = 0; start < characters.length; start += VALUE_LIMIT) parts.push(characters.slice(start, start + VALUE_LIMIT).join(''));
  if (parts.length > MAX_PARTS) throw invalidFailure(site, `too much to record in tags (${parts.length} parts of ${VALUE_LIMIT} characters); block fewer rules at once`);
  return parts.map((value, index) => ({ Key: `${partKeyPrefix(token)}${index + 1}/${parts.length}`, Value: value }));
}

/** The record `token` as stored on a resource, undefined when there is none; throws when it is damaged. */
export function readRecord(tags: readonly Tag[] | undefined, token: string, site: FailureSite): unknown {
  const byTotal = new Map<number, Map<number, string>>();
  for (const tag of tags ?? []) {
    const match = tag.Key?.startsWith(partKeyPrefix(token)) ? /^(\d+)\/(\d+)$/.exec(tag.Key.slice(partKeyPrefix(token).length)) : null;
    if (!match) continue;
    const total = Number(match[2]);
    const parts = byTotal.get(total) ?? new Map<number, string>();
    parts.set(Number(match[1]), tag.Value ?? '');
    byTotal.set(total, parts);
  }
  if (byTotal.size === 0) return undefined;
  // Normally one set; two only if a rewrite stopped before dropping the old parts: the larger is the newer.
  const total = Math.max(...byTotal.keys());
  const parts = byTotal.get(total)!;
  const ordered = Array.from({ length: total }, (_, index) => parts.get(index + 1));
  if (ordered.some((part) => part === undefined)) {
    throw invalidFailure(site, `the removal record ${partKeyPrefix(token)}* is incomplete (${parts.size} of ${total} parts); restore by hand from the block step's output`);
  }
  try {
    return JSON.parse(ordered.join('')) as unknown;
  } catch {
    throw invalidFailure(site, `the removal record ${partKeyPrefix(token)}* is not readable JSON; restore by hand from the block step's output`);
  }
}

/** Stores `payload` as record `token` on `resourceId`, replacing an earlier version of it. */
export async function writeRecord(
  ec2: EC2Client,
  resourceId: string,
  token: string,
  payload: unknown,
  currentTags: readonly Tag[] | undefined,
  site: FailureSite,
): Promise<void> {
  const tags = recordTags(token, payload, site);
  await awsCall({ ...site, operation: `record what is removed in tags on ${resourceId}` }, () =>
    ec2.send(new CreateTagsCommand({ Resources: [resourceId], Tags: tags })),
  );
  const written = new Set(tags.map((tag) => tag.Key));
  const stale = recordKeys(currentTags, token).filter((key) => !written.has(key));
  if (stale.length > 0) await deleteRecord(ec2, resourceId, stale, site);
}

/** Removes the record's tags once what it lists has been restored. */
export async function deleteRecord(ec2: EC2Client, resourceId: string, keys: readonly string[], site: FailureSite): Promise<void> {
  if (keys.length === 0) return;
  await awsCall({ ...site, operation: `remove the removal record from ${resourceId}` }, () =>
    ec2.send(new DeleteTagsCommand({ Resources: [resourceId], Tags: keys.map((key) => ({ Key: key })) })),
  );
}
