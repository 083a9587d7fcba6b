/**
 * Verifies a run's evidence in every store: walks each custody log from the genesis entry,
 * recomputes every entry hash and link, re-reads every certified copy (the exact S3 version) and
 * re-hashes it. Stops at the first broken link and says precisely where: store, entry index,
 * artifact, expected and actual value. Then lists the copies no entry certifies (./uncertified):
 * they do not break the chain, they are accounted for. Used by `quell evidence verify`; a
 * compliance export can call it the same way.
 *
 * Read-only and safe to repeat. Streams artifacts (memory stays at one chunk per artifact).
 */
import { isClassified } from '../../connectors/failures';
import { ErrorType } from '../../common/errors';
import { GENESIS_HASH, entryHash, type CustodyArtifact } from './custody/entry';
import { runFolder } from './custody/layout';
import { readCustodyLog } from './custody/log';
import { findUncertified, type UncertifiedCopy } from './uncertified';
import { hashStream } from '../../connectors/evidence-io/hashing-meter';
import type { EvidenceStore, StoreKind } from '../../connectors/evidence-roles';

export type BrokenLinkKind =
  | 'entry-missing'
  | 'entry-unreadable'
  | 'entry-overwritten'
  | 'entry-out-of-place'
  | 'chain-broken'
  | 'entry-altered'
  | 'artifact-missing'
  | 'artifact-size'
  | 'artifact-sha256';

/** The first place where the evidence no longer matches its custody record. */
export interface BrokenLink {
  store: StoreKind;
  location: string;
  /** Index of the entry (the position where an entry was expected, for `entry-missing`). */
  entry: number;
  stepId?: string;
  /** Name of the artifact, for artifact problems. */
  artifact?: string;
  kind: BrokenLinkKind;
  expected?: string;
  actual?: string;
  /** One line for people. */
  message: string;
}

export interface StoreVerification {
  store: StoreKind;
  location: string;
  entries: number;
  artifacts: number;
  bytes: number;
  /** Hash of the last verified entry: commits to everything before it. */
  head?: string;
  /** Copies of the run no entry certifies: not part of the chain (listed once the chain is intact). */
  uncertified: UncertifiedCopy[];
  /** Whether the store lets uncertified copies be removed (false under S3 Object Lock). */
  removable: boolean;
}

export interface EvidenceVerification {
  workflowId: string;
  /** `no-evidence`: no store holds a custody entry for the run (uncertified copies may still be listed). */
  status: 'intact' | 'broken' | 'no-evidence';
  stores: StoreVerification[];
  broken?: BrokenLink;
}

/** Checks the run's custody logs and copies in `stores`, in order; never writes. */
export async function verifyRunEvidence(
  stores: readonly EvidenceStore[],
  workflowId: string,
  progress: (what: string) => void = () => undefined,
): Promise<EvidenceVerification> {
  const run = runFolder(workflowId);
  const summaries: StoreVerification[] = [];
  for (const store of stores) {
    const summary: StoreVerification = { store: store.kind, location: store.location, entries: 0, artifacts: 0, bytes: 0, uncertified: [], removable: store.removable };
    const log = await readCustodyLog(store, run);
    if (log.length === 0) {
      // No chain here, but an attempt cut off before the run's first entry may have left copies.
      summary.uncertified = await findUncertified(store, run, []);
      if (summary.uncertified.length > 0) summaries.push(summary);
      continue;
    }
    summaries.push(summary);
    const broken = (entry: number, kind: BrokenLinkKind, message: string, extra: Partial<BrokenLink> = {}): EvidenceVerification => ({
      workflowId,
      status: 'broken',
      stores: summaries,
      broken: { store: store.kind, location: store.location, entry, kind, message: `${store.kind} ${store.location}: entry ${entry}: ${message}`, ...extra },
    });
    let previous = GENESIS_HASH;
    for (const [position, read] of log.entries()) {
      const found = read.object.index;
      if (found !== position) return broken(position, 'entry-missing', `missing (the next entry found is ${found})`, { expected: String(position), actual: String(found) });
      if (read.object.overwritten) return broken(position, 'entry-overwritten', `${read.object.key} was written over or deleted after it was recorded`);
      if (!read.entry || !read.raw) return broken(position, 'entry-unreadable', `${read.object.key} is ${read.problem}`);
      const entry = read.entry;
      const stepId = entry.collector.step_id;
      if (entry.index !== position) {
        return broken(position, 'entry-out-of-place', `${read.object.key} says it is entry ${entry.index}`, { stepId, expected: String(position), actual: String(entry.index) });
      }
      if (entry.previous_hash !== previous) {
        return broken(position, 'chain-broken', `previous_hash does not match the hash of entry ${position - 1}`, { stepId, expected: previous, actual: entry.previous_hash });
      }
      const recomputed = entryHash(read.raw);
      if (recomputed !== entry.hash) {
        return broken(position, 'entry-altered', `the entry was changed after it was sealed (its hash no longer matches)`, { stepId, expected: entry.hash, actual: recomputed });
      }
      for (const artifact of entry.artifacts) {
        progress(`${store.kind}: entry ${position}: ${artifact.name}`);
        const problem = await checkArtifact(store, artifact);
        if (problem) return broken(position, problem.kind, `artifact ${artifact.name}: ${problem.message}`, { stepId, artifact: artifact.name, expected: problem.expected, actual: problem.actual });
        summary.artifacts += 1;
        summary.bytes += artifact.size;
      }
      summary.entries += 1;
      summary.head = entry.hash;
      previous = entry.hash;
    }
    summary.uncertified = await findUncertified(store, run, log.flatMap((read) => (read.entry ? [read.entry] : [])));
  }
  return { workflowId, status: summaries.some((summary) => summary.entries > 0) ? 'intact' : 'no-evidence', stores: summaries };
}

async function checkArtifact(
  store: EvidenceStore,
  artifact: CustodyArtifact,
): Promise<{ kind: BrokenLinkKind; message: string; expected?: string; actual?: string } | undefined> {
  const where = store.describe(artifact);
  let measured: { sha256: string; size: number };
  try {
    measured = await hashStream(await store.openArtifact(artifact));
  } catch (error) {
    if (isClassified(error) && error.type === ErrorType.NotFound) return { kind: 'artifact-missing', message: `${where} is missing`, expected: where, actual: 'missing' };
    throw error;
  }
  if (measured.size !== artifact.size) {
    return { kind: 'artifact-size', message: `${where} is ${measured.size} bytes, not ${artifact.size}`, expected: String(artifact.size), actual: String(measured.size) };
  }
  if (measured.sha256 !== artifact.sha256) {
    return { kind: 'artifact-sha256', message: `the sha256 of ${where} differs from the recorded one`, expected: artifact.sha256, actual: measured.sha256 };
  }
  return undefined;
}

