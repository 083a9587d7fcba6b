/**
 * Where a run's evidence lives inside a store (the same layout in every store):
 *
 * ```
 * <run>/custody/00000000.json               one custody entry per file, named by its index
 * <run>/artifacts/<step>/<collection>/<name> the stored copies, one folder per collection attempt
 * ```
 *
 * `<run>` is the workflow id made safe as a single path segment. `<collection>` is fresh for each
 * attempt, so a retried or duplicated step never overwrites a copy another entry certifies.
 */

const INDEX_DIGITS = 8;
const ENTRY_NAME = /^(\d{8})\.json$/;

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

/** The folder of one collection attempt of a step (ends with `/`). */
export function collectionFolder(run: string, stepId: string, collectionId: string): string {
  return `${run}/artifacts/${encodeURIComponent(stepId)}/${collectionId}/`;
}


/**
 * An artifact name safe as a relative key: `/`-separated segments of printable characters, no
 * empty, `.` or `..` segment. Anything else is replaced, so a log group or file path can be used.
 */
export function safeArtifactName(raw: string): string {
  const segments = raw
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => segment.replace(/[^A-Za-z0-9._@+=,-]/g, '_'))
    .map((segment) => (segment === '.' || segment === '..' ? segment.replace(/\./g, '_') : segment));
  return segments.length > 0 ? segments.join('/') : 'artifact';
}
