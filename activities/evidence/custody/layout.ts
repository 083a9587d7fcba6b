/**
 * Where a run's evidence lives inside a store (the same layout in every store):
 *
 * ```
 * <run>/custody/00000000.json                    one custody entry per file, named by its index
 * <run>/artifacts/<step>/<tag>-<attempt>/<name>  the stored copies, one folder per collection attempt
 * ```
 *
 * `<run>` is the workflow id made safe as a single path segment. `<tag>` stands for the step's
 * idempotency key ({@link collectionTag}): every attempt of one step shares it, so a retry finds
 * what an attempt cut off before its custody entry left behind, and `quell evidence verify` can
 * say which step an uncertified copy belongs to. `<attempt>` is fresh for each attempt, so a
 * retried or duplicated step never overwrites a copy another entry certifies.
 */
import { createHash } from 'node:crypto';

const INDEX_DIGITS = 8;
const ENTRY_NAME = /^(\d{8})\.json$/;
const TAG_HEX = 16;
const COLLECTION_NAME = /^([0-9a-f]{16})-[0-9a-f]+$/;

/** The workflow id as one path segment: percent-encoded, and never `.` or `..`. */
export function runFolder(workflowId: string): string {
  if (!workflowId) throw new Error('a run folder needs a workflow id');
  return encodeURIComponent(workflowId).replace(/^\./, '%2E');
}

export function custodyFolder(run: string): string {
  return `${run}/custody/`;
}

export function custodyEntryKey(run: string, index: number): string {
  return `${custodyFolder(run)}${String(index).padStart(INDEX_DIGITS, '0')}.json`;
}

/** The index named by an entry's file name (`00000003.json` → 3), or undefined for anything else. */
export function custodyEntryIndex(fileName: string): number | undefined {
  const match = ENTRY_NAME.exec(fileName);
  return match ? Number(match[1]) : undefined;
}

/** Every stored copy of the run is under this folder. */
export function artifactsFolder(run: string): string {
  return `${run}/artifacts/`;
}

/**
 * A short digest of a step's idempotency key, safe in any file or object name (the key itself may
 * hold any character). The same for every attempt of the step.
 */
export function collectionTag(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, TAG_HEX);
}

/** The folder of one collection attempt of a step (ends with `/`). */
export function collectionFolder(run: string, stepId: string, tag: string, attemptId: string): string {
  return `${attemptsPrefix(run, stepId, tag)}${attemptId}/`;
}

/** The key prefix shared by every attempt folder of the step whose key has `tag`. */
export function attemptsPrefix(run: string, stepId: string, tag: string): string {
  return `${artifactsFolder(run)}${encodeURIComponent(stepId)}/${tag}-`;
}

/** What the key of a stored copy says about the attempt that wrote it. */
export interface CopyPlace {
  /** The attempt's folder (ends with `/`). */
  folder: string;
  stepId: string;
  /** The step's {@link collectionTag}; absent for folders named before tags existed. */
  tag?: string;
}

/** Where a copy under `run`'s artifacts folder was written; undefined for a key outside it. */
export function copyPlace(run: string, key: string): CopyPlace | undefined {
  const root = artifactsFolder(run);
  if (!key.startsWith(root)) return undefined;
  const [step, collection] = key.slice(root.length).split('/');
  if (!step || !collection) return undefined;
  let stepId: string;
  try {
    stepId = decodeURIComponent(step);
  } catch {
    stepId = step;
  }
  const tag = COLLECTION_NAME.exec(collection)?.[1];
  return { folder: `${root}${step}/${collection}/`, stepId, ...(tag !== undefined ? { tag } : {}) };
}
