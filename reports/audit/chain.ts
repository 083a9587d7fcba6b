/**
 * The tamper-evidence chain of a compliance dossier: every entry records the SHA-256 of the
 * canonical form (RFC 8785) of the entry before it, and a head records the hash of the last entry
 * plus how many entries and history events the dossier covers. Changing, removing, inserting or
 * reordering anything then breaks a link that verifyChain names.
 *
 * The chain alone only shows accidental or naive edits: someone who rewrites every hash can forge a
 * consistent chain. What makes it proof is the signature over the head (signing.ts).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The `prev` of the first entry: there is nothing before it. */
export const GENESIS_PREV = '0'.repeat(64);

/** One thing the dossier records, before it is chained. */
export interface DossierEntryInput {
  kind: string;
  data: unknown;
}

/**
 * An entry as stored: `seq` is its position (so a removed or reordered entry is named where it
 * happened, not only where a hash stops matching), `prev` the hash of the entry before it.
 */
export interface ChainedEntry extends DossierEntryInput {
  seq: number;
  prev: string;
}

/** What the Temporal history behind the dossier amounted to when it was built. */
export interface HistoryFacts {
  historyEventCount: number;
  lastEventId: number;
}

export interface ChainHead extends HistoryFacts {
  headSha256: string;
  entryCount: number;
}

export interface Dossier {
  entries: ChainedEntry[];
  head: ChainHead;
}

/**
 * `entryIndex` is where the first break is; it equals entries.length when entries are missing at
 * the end or the head itself is malformed. The head's history counts are not covered by any hash
 * here: only the signature (signing.ts) protects them.
 */
export type ChainVerdict = { ok: true } | { ok: false; entryIndex: number; reason: string };

export class ChainInputError extends Error {
  override readonly name = 'ChainInputError';
}

/** Lower-case hex SHA-256 of an entry's canonical JSON. */
export function entryHash(entry: ChainedEntry, rootName = '$'): string {
  return createHash('sha256').update(canonicalJson(entry, rootName), 'utf8').digest('hex');
}

export function buildChain(entries: readonly DossierEntryInput[], historyFacts: HistoryFacts): Dossier {
  if (entries.length === 0) throw new ChainInputError('entries: a dossier needs at least one entry');
  checkCount('historyEventCount', historyFacts.historyEventCount);
  checkCount('lastEventId', historyFacts.lastEventId);
  const chained: ChainedEntry[] = [];
  let prev = GENESIS_PREV;
  entries.forEach((entry, seq) => {
    if (typeof entry?.kind !== 'string' || entry.kind.trim() === '') throw new ChainInputError(`entries[${seq}].kind: must be a non-empty string`);
    if (entry.data === undefined) throw new ChainInputError(`entries[${seq}].data: missing (use null for an entry without data)`);
    const link: ChainedEntry = { seq, kind: entry.kind, data: entry.data, prev };
    prev = entryHash(link, `entries[${seq}]`);
    chained.push(link);
  });
  const head: ChainHead = {
    headSha256: prev,
    entryCount: chained.length,
    historyEventCount: historyFacts.historyEventCount,
    lastEventId: historyFacts.lastEventId,
  };
  return { entries: chained, head };
}

function checkCount(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ChainInputError(`historyFacts.${field}: must be a whole number ≥ 0, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

/**
 * Checks a dossier as read back from storage (so any shape is accepted and judged). Order matters:
 * positions first (a removal or swap is named where it happened), then the count in the head, then
 * the hash links from the first entry to the head, so the first entry whose bytes changed is named.
 */
export function verifyChain(dossier: unknown): ChainVerdict {
  const shape = checkShape(dossier);
  if (shape) return shape;
  const { entries, head } = dossier as Dossier;

  for (let index = 0; index < entries.length; index++) {
    const seq = entries[index].seq;
    if (seq !== index) {
      const what = seq > index ? `${seq - index} entr${seq - index === 1 ? 'y is' : 'ies are'} missing before it` : 'entries were inserted or reordered';
      return broken(index, `entry ${index} is numbered seq ${seq}: ${what}`);
    }
  }
  if (head.entryCount !== entries.length) {
    const index = Math.min(head.entryCount, entries.length);
    const what = head.entryCount > entries.length ? `entries from ${index} on are missing` : `entries from ${index} on were added after sealing, or the count was edited`;
    return broken(index, `the head says ${head.entryCount} entries but the dossier has ${entries.length}: ${what}`);
  }
  if (entries[0].prev !== GENESIS_PREV) return broken(0, 'entry 0 has a prev other than 64 zeros: it was edited, or is not the first entry');

  for (let index = 0; index < entries.length; index++) {
    let hash: string;
    try {
      hash = entryHash(entries[index], `entries[${index}]`);
    } catch (error) {
      return broken(index, (error as Error).message);
    }
    const last = index === entries.length - 1;
    const sealed = last ? head.headSha256 : entries[index + 1].prev;
    if (hash !== sealed) {
      return broken(
        index,
        last
          ? `entry ${index} does not hash to the head's headSha256: the entry or the head was changed after sealing`
          : `entry ${index} does not hash to the prev recorded by entry ${index + 1}: entry ${index} was changed after sealing (or entry ${index + 1}'s prev was edited)`,
      );
    }
  }
  return { ok: true };
}

function broken(entryIndex: number, reason: string): ChainVerdict {
  return { ok: false, entryIndex, reason };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first part of the dossier that is not shaped like one, or undefined when all is well. */
function checkShape(dossier: unknown): ChainVerdict | undefined {
  if (!isRecord(dossier) || !Array.isArray(dossier.entries)) return broken(0, 'not a dossier: expected an object with an entries array and a head');
  const { entries, head } = dossier;
  if (entries.length === 0) return broken(0, 'entries: the dossier has no entries');
  for (const [index, entry] of entries.entries()) {
    if (!isRecord(entry)) return broken(index, `entries[${index}]: not an object`);
    if (typeof entry.kind !== 'string') return broken(index, `entries[${index}].kind: missing or not a string`);
    if (!Number.isSafeInteger(entry.seq)) return broken(index, `entries[${index}].seq: missing or not a whole number`);
    if (typeof entry.prev !== 'string' || !SHA256_HEX.test(entry.prev)) return broken(index, `entries[${index}].prev: not 64 lower-case hex digits`);
  }
  const headIndex = entries.length;
  if (!isRecord(head)) return broken(headIndex, 'head: missing or not an object');
  if (typeof head.headSha256 !== 'string' || !SHA256_HEX.test(head.headSha256)) return broken(headIndex, 'head.headSha256: not 64 lower-case hex digits');
  for (const field of ['entryCount', 'historyEventCount', 'lastEventId'] as const) {
    const value = head[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return broken(headIndex, `head.${field}: not a whole number ≥ 0`);
  }
  return undefined;
}
