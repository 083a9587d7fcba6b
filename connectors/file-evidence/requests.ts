/**
 * What the `file` source can tell about a step's `paths` before the run, from the allowed entries
 * alone: requests that are not absolute, contain `.`/`..`, or lie outside every entry. The live
 * source judges the same again, then every file a request resolves to (links included).
 */
import path from 'node:path';
import type { CollectParams } from '../evidence-roles';
import { PathAllowlist } from './path-allowlist';

/** The allowed entries of the settings, relative ones resolved against the connectors file's folder. */
export function allowlistOf(paths: readonly string[], baseDir: string): PathAllowlist {
  return new PathAllowlist(paths, path.resolve(baseDir));
}

export function requestProblems(params: Partial<CollectParams>, allowlist: PathAllowlist): string[] {
  const requests = Array.isArray(params.paths) ? params.paths.filter((p): p is string => typeof p === 'string') : [];
  return requests.flatMap((request) => {
    const problem = allowlist.requestProblem(request);
    return problem ? [`file: ${problem}`] : [];
  });
}
