/**
 * Copies in a store that no custody entry certifies: an attempt of an evidence step was cut off
 * (a worker killed) between storing its copies and writing its entry, or lost a race with a
 * duplicate of the same step. They are not part of the chain of custody, but they are evidence
 * bytes sitting beside it, so verification accounts for each one rather than ignoring it: which
 * step's attempt stored it, and whether another attempt of that step was certified (the copy was
 * superseded) or the step has no entry at all. Under S3 Object Lock they cannot be deleted before
 * their retention ends; the local store's owner may remove them.
 */
import type { EvidenceStore } from '../../connectors/evidence-roles';
import type { CustodyEntry } from './custody/entry';
import { artifactsFolder, collectionTag, copyPlace } from './custody/layout';

export interface UncertifiedCopy {
  /** Store-relative key. */
  object: string;
  versionId?: string;
  size: number;
  /** Where it is, for people. */
  location: string;
  /** The step whose attempt stored it (from its folder). */
  stepId?: string;
  /** The entry that certifies another attempt of the same step, when one does. */
  supersededBy?: number;
}

/** The copies under the run's artifacts folder that none of `entries` certifies. */
export async function findUncertified(store: EvidenceStore, run: string, entries: readonly CustodyEntry[]): Promise<UncertifiedCopy[]> {
  const certified = new Set(entries.flatMap((entry) => entry.artifacts.map((artifact) => copyId(artifact.object, artifact.version_id))));
  const entryOfTag = new Map(entries.map((entry) => [collectionTag(entry.idempotency_key), entry.index]));
  const copies = await store.listCopies(artifactsFolder(run));
  return copies
    .filter((copy) => !certified.has(copyId(copy.key, copy.versionId)))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((copy) => {
      const place = copyPlace(run, copy.key);
      const supersededBy = place?.tag !== undefined ? entryOfTag.get(place.tag) : undefined;
      return {
        object: copy.key,
        ...(copy.versionId !== undefined ? { versionId: copy.versionId } : {}),
        size: copy.size,
        location: store.describe({ object: copy.key, ...(copy.versionId !== undefined ? { version_id: copy.versionId } : {}) }),
        ...(place ? { stepId: place.stepId } : {}),
        ...(supersededBy !== undefined ? { supersededBy } : {}),
      };
    });
}

/** One line for people: where the copy is and whose it is. */
export function describeUncertified(copy: UncertifiedCopy): string {
  const whose = copy.stepId === undefined ? 'not in a step folder' : `step ${copy.stepId}`;
  const why =
    copy.supersededBy !== undefined
      ? `superseded: entry ${copy.supersededBy} certifies another attempt of the step`
      : 'no entry certifies an attempt of this step (cut off before its entry, or still running)';
  return `${copy.location} (${copy.size} bytes), ${whose}: ${why}`;
}

function copyId(key: string, versionId: string | undefined): string {
  return `${key}\u0000${versionId ?? ''}`;
}
