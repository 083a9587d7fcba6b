/**
 * A run's custody log in one store: one object per entry, named by its index, created only if
 * absent. That makes appends safe without a lock:
 *
 * - Two evidence steps of one run appending at once both try to create index n; the store lets
 *   exactly one succeed, the other re-reads the log and tries n + 1, chained to the winner.
 * - An appender has read entries 0..n-1 before it creates n, so an entry with its idempotency key
 *   cannot exist below n; if a duplicate of the same step won a race, the re-read finds it and the
 *   loser reports the winner's entry as already done. A retried step therefore never adds a second
 *   entry for the same key.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { invalidFailure, unavailableFailure } from '../../../connectors/failures';
import type { EvidenceStore, ListedObject } from '../../../connectors/evidence-roles';
import { CustodyEntry, GENESIS_HASH, entryBytes, sealEntry, type CustodyDraft } from './entry';
import { custodyEntryIndex, custodyEntryKey, custodyFolder } from './layout';

/** One custody entry object as found in the store. */
export interface CustodyObject extends Omit<ListedObject, 'name'> {
  /** Index named by the object's name. */
  index: number;
}

/** One entry object as read back: parsed when possible, with the reason when not. */
export interface ReadCustodyEntry {
  object: CustodyObject;
  /** The JSON as stored (hashing uses exactly this, not a re-serialised form). */
  raw?: Record<string, unknown>;
  entry?: CustodyEntry;
  problem?: string;
}

const MAX_APPEND_ATTEMPTS = 25;

/** Reads and parses every entry of the run's log in `store`, in index order. */
export async function readCustodyLog(store: EvidenceStore, run: string): Promise<ReadCustodyEntry[]> {
  const objects = (await store.listFolder(custodyFolder(run))).flatMap(({ name, ...object }): CustodyObject[] => {
    // Anything not named like an entry (a writer's temporary file) is not part of the log.
    const index = custodyEntryIndex(name);
    return index === undefined ? [] : [{ ...object, index }];
  });
  return Promise.all(objects.sort((a, b) => a.index - b.index).map(readEntry));
}

async function readEntry(object: CustodyObject): Promise<ReadCustodyEntry> {
  let raw: unknown;
  try {
    raw = JSON.parse((await object.read()).toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return { object, problem: `not valid JSON: ${error.message}` };
    throw error;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { object, problem: 'not a JSON object' };
  const parsed = CustodyEntry.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { object, raw: raw as Record<string, unknown>, problem: `not a custody entry: ${issue.path.join('.') || 'entry'}: ${issue.message}` };
  }
  return { object, raw: raw as Record<string, unknown>, entry: parsed.data };
}

/** The entry recorded for `idempotencyKey`, if any. */
export async function findCustodyEntry(store: EvidenceStore, run: string, idempotencyKey: string): Promise<CustodyEntry | undefined> {
  return (await readCustodyLog(store, run)).find((read) => read.entry?.idempotency_key === idempotencyKey)?.entry;
}

/**
 * Appends `draft` to the run's log, chained to the current last entry. Idempotent by the draft's
 * idempotency key: when an entry with that key exists (a retry, or a duplicate that won a race),
 * nothing is written and that entry is returned with `alreadyDone: true`.
 *
 * Retries internally while other appenders take the next index (with jitter); throws a retryable
 * failure if it keeps losing, and a permanent one if the last entry is unreadable (the chain is
 * damaged: a person must look, with `quell evidence verify`).
 */
export async function appendCustodyEntry(
  store: EvidenceStore,
  run: string,
  draft: CustodyDraft,
): Promise<{ entry: CustodyEntry; alreadyDone: boolean }> {
  const site = { connector: `evidence-store:${store.kind}`, operation: `append to the custody log of ${run}` };
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt += 1) {
    const log = await readCustodyLog(store, run);
    const existing = log.find((read) => read.entry?.idempotency_key === draft.idempotency_key)?.entry;
    if (existing) return { entry: existing, alreadyDone: true };
    const last = log.at(-1);
    if (last && !last.entry) {
      throw invalidFailure(site, `entry ${last.object.index} (${last.object.key}) is damaged (${last.problem}); run \`quell evidence verify\``);
    }
    const entry = sealEntry(draft, last ? last.object.index + 1 : 0, last?.entry?.hash ?? GENESIS_HASH);
    if (await store.createIfAbsent(custodyEntryKey(run, entry.index), entryBytes(entry))) return { entry, alreadyDone: false };
    await sleep(Math.floor(Math.random() * 20 * attempt));
  }
  throw unavailableFailure(site, `lost the race for the next entry ${MAX_APPEND_ATTEMPTS} times`);
}
