/**
 * Finds a runbook for a CLI command: by id in the runbooks folder, or by path to a YAML file.
 * Invalid runbooks are never started; their lint errors are shown instead.
 */
import path from 'node:path';
import { formatRunbookError, loadRunbookDirectory, loadRunbookFile } from '../runbooks/load';
import type { Runbook } from '../runbooks/schema';
import { subRunbookReferences } from '../runbooks/sub-runbooks';
import { excerpt } from '../common/text-safety';
import { CliFailure, usageFailure } from './failure';

export interface FoundRunbook {
  runbook: Runbook;
  sha256: string;
  file: string;
}

export async function findRunbook(reference: string, runbooksDir: string): Promise<FoundRunbook> {
  if (reference.endsWith('.yaml') || reference.endsWith('.yml') || reference.includes(path.sep)) {
    const loaded = await loadRunbookFile(reference);
    if (!loaded.ok) throw new CliFailure(loaded.errors.map(formatRunbookError).join('\n'));
    return { runbook: loaded.runbook, sha256: loaded.sha256, file: loaded.file };
  }
  const catalogue = await listRunbooks(runbooksDir);
  const found = catalogue.find((entry) => entry.runbook.id === reference);
  if (!found) {
    const known = catalogue.map((entry) => entry.runbook.id).join(', ') || 'none';
    // A runbook id that names nothing is a typing error (usage), like an unknown flag.
    throw usageFailure(`no runbook "${excerpt(reference, 80)}" in ${runbooksDir}; known runbooks: ${known}`);
  }
  return found;
}

/** The runbooks folder's runbooks, by id, when `runbook` starts any (its `runbook:` steps); nothing otherwise. */
export async function childRunbooksFor(runbook: Runbook, runbooksDir: string): Promise<{ childRunbooks?: Record<string, { runbook: Runbook; sha256: string }> }> {
  if (subRunbookReferences(runbook).length === 0) return {};
  const catalogue = await listRunbooks(runbooksDir);
  return { childRunbooks: Object.fromEntries(catalogue.map((entry) => [entry.runbook.id, { runbook: entry.runbook, sha256: entry.sha256 }])) };
}

export async function listRunbooks(runbooksDir: string): Promise<FoundRunbook[]> {
  const result = await loadRunbookDirectory(runbooksDir);
  if (result.errors.length > 0) {
    throw new CliFailure(`runbooks in ${runbooksDir} have errors (run quell lint):\n${result.errors.map(formatRunbookError).join('\n')}`);
  }
  return result.runbooks;
}
