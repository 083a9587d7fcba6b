/**
 * The runbooks Slack offers: the same folder `quell start` reads (QUELL_RUNBOOKS_DIR). Files with
 * lint errors are left out (and counted, so the reply can say so); they are never started.
 *
 * Loading a runbook means parsing, schema and semantic checks: too slow to repeat for every
 * command and form submission (the form is validated before Slack's 3 s ack). The catalogue is
 * kept and reused while no file in the folder changed (names, sizes and modification times),
 * so an edited runbook is offered as it now is, from the next request on.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadRunbookDirectory, type LoadedRunbook } from '../runbooks/load';

export interface Catalogue {
  runbooks: LoadedRunbook[];
  /** Files that failed to load, by base name. */
  broken: string[];
}

const cache = new Map<string, { signature: string; catalogue: Promise<Catalogue> }>();

export async function loadCatalogue(dir: string): Promise<Catalogue> {
  const key = path.resolve(dir);
  const signature = await folderSignature(key);
  const cached = cache.get(key);
  if (cached && cached.signature === signature) return cached.catalogue;
  // Shared while it loads: a burst of commands after an edit reads the folder once.
  const catalogue = readCatalogue(key);
  cache.set(key, { signature, catalogue });
  catalogue.catch(() => {
    if (cache.get(key)?.catalogue === catalogue) cache.delete(key);
  });
  return catalogue;
}

export function runbookIds(catalogue: Catalogue): string[] {
  return catalogue.runbooks.map((entry) => entry.runbook.id).sort();
}

async function readCatalogue(dir: string): Promise<Catalogue> {
  const { runbooks, errors } = await loadRunbookDirectory(dir);
  const broken = [...new Set(errors.map((error) => path.basename(error.file)))];
  const brokenSet = new Set(errors.map((error) => path.resolve(error.file)));
  return { runbooks: runbooks.filter((entry) => !brokenSet.has(path.resolve(entry.file))), broken };
}

async function folderSignature(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const parts = await Promise.all(
    names.map(async (name) => {
      const info = await stat(path.join(dir, name)).catch(() => undefined);
      return info ? `${name}:${info.size}:${info.mtimeMs}` : `${name}:gone`;
    }),
  );
  return parts.join('|');
}
