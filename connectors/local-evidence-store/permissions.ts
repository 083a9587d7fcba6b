/**
 * The local evidence store's read-only permission probe. Its `check()` writes and removes a probe
 * file, which a caller that must change nothing cannot use; this asks the kernel instead
 * (access(2) with W_OK) whether the worker may write in the folder, or, while the folder does not
 * exist yet, create it in its nearest existing parent.
 */
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PermissionCheck, PermissionQuestion } from '../connector';

export function localStorePermissionProbe(location: string): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action }) => {
    if (action !== 'evidence.collect') return [];
    const permission = `write in ${location}`;
    let folder = location;
    // The store makes its folder on first use: then the parent must be writable.
    while (!(await exists(folder)) && path.dirname(folder) !== folder) folder = path.dirname(folder);
    try {
      await fs.access(folder, constants.W_OK | constants.X_OK);
      const how = folder === location ? 'the folder is writable' : `the folder does not exist yet; ${folder} lets the worker create it`;
      return [{ permission, target: location, verdict: 'granted', detail: how }];
    } catch (error) {
      return [{ permission, target: location, verdict: 'missing', detail: `${folder} is not writable by the worker (${(error as NodeJS.ErrnoException).code ?? String(error)})` }];
    }
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}
