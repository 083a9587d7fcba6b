/** Loads runbooks for tests through the real loader, failing loudly on lint errors. */
import path from 'node:path';
import { formatRunbookError, loadRunbookFile } from '../../runbooks/load';
import type { Runbook } from '../../runbooks/schema';

export const REPO = path.resolve(__dirname, '..', '..');

export async function loadTestRunbook(file: string): Promise<{ runbook: Runbook; sha256: string }> {
  const resolved = path.isAbsolute(file) ? file : path.join(REPO, file);
  const loaded = await loadRunbookFile(resolved);
  if (!loaded.ok) throw new Error(loaded.errors.map(formatRunbookError).join('\n'));
  return { runbook: loaded.runbook, sha256: loaded.sha256 };
}
