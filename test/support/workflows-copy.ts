/**
 * A scratch copy of workflows/ for tests that bundle changed workflow code. Only workflows/ is
 * copied; every other top-level entry of the repository (common/, runbooks/, node_modules, …) is
 * linked beside it, so the copy's imports (`../common/…`, `@temporalio/workflow`) resolve to the
 * very files the real workflows use.
 *
 * ```ts
 * const copy = copyWorkflows();
 * copy.replace('steps/approval.ts', 'old text', 'new text'); // throws unless it matched once
 * const { code } = await bundleQuellWorkflows(copy.workflowsPath);
 * copy.remove();
 * ```
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

export interface WorkflowsCopy {
  /** The copied workflows/ folder (pass it to bundleQuellWorkflows). */
  readonly workflowsPath: string;
  /** Replaces `search` with `replacement` in `file` (relative to workflows/); throws unless `search` occurs exactly once. */
  replace(file: string, search: string, replacement: string): void;
  remove(): void;
}

/** Copies workflows/ under a new temp folder, with the rest of the repository linked beside it. */
export function copyWorkflows(prefix = 'quell-workflows-copy-'): WorkflowsCopy {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const workflowsPath = path.join(root, 'workflows');
  fs.cpSync(path.join(REPO, 'workflows'), workflowsPath, { recursive: true });
  for (const entry of fs.readdirSync(REPO)) {
    if (entry === 'workflows' || entry === '.git') continue;
    fs.symlinkSync(path.join(REPO, entry), path.join(root, entry));
  }

  return {
    workflowsPath,
    replace(file, search, replacement) {
      const target = path.join(workflowsPath, file);
      const text = fs.readFileSync(target, 'utf8');
      const occurrences = text.split(search).length - 1;
      if (occurrences !== 1) throw new Error(`expected the text to replace once in workflows/${file}, found it ${occurrences} times: ${search}`);
      fs.writeFileSync(target, text.replace(search, () => replacement));
    },
    remove() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
