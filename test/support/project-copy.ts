/**
 * A scratch copy of the project (the files git would commit: tracked and untracked-but-not-ignored,
 * without dist/), with node_modules linked rather than copied. Tests change the copy the way a
 * contributor would change a checkout, run it from its sources, and ask what changed: a
 * `git diff --stat` against the copy as first made, without needing a commit to compare with.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

export interface ProjectCopy {
  readonly root: string;
  /** Paths (relative, `/`-separated) whose content differs from the copy as first made, sorted. */
  changedPaths(): string[];
  /** A file of the copy as first made (before any change a test made). */
  original(file: string): string;
  remove(): void;
}

const digest = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Copies the project under a new temp folder. */
export function copyProject(prefix = 'quell-copy-'): ProjectCopy {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 })
    .toString('utf8')
    .split('\0')
    .filter((file) => file !== '' && !file.startsWith('dist/'));
  const snapshot = new Map<string, Buffer>();
  for (const file of new Set(listed)) {
    const from = path.join(REPO, file);
    // Listed by the index but deleted (or moved) in the working tree: the copy follows the tree.
    const stat = fs.lstatSync(from, { throwIfNoEntry: false });
    if (!stat || stat.isDirectory()) continue;
    const to = path.join(root, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (stat.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(from), to);
      continue;
    }
    const bytes = fs.readFileSync(from);
    fs.writeFileSync(to, bytes, { mode: stat.mode & 0o777 });
    snapshot.set(file, bytes);
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');

  return {
    root,
    changedPaths() {
      const now = new Map<string, string>();
      const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
          const file = dir ? `${dir}/${entry.name}` : entry.name;
          if (file === 'node_modules' || entry.isSymbolicLink()) continue;
          if (entry.isDirectory()) walk(file);
          else now.set(file, digest(fs.readFileSync(path.join(root, file))));
        }
      };
      walk('');
      const changed = new Set<string>();
      for (const [file, hash] of now) {
        const before = snapshot.get(file);
        if (!before || digest(before) !== hash) changed.add(file);
      }
      for (const file of snapshot.keys()) if (!now.has(file)) changed.add(file);
      return [...changed].sort();
    },
    original(file) {
      const bytes = snapshot.get(file);
      if (!bytes) throw new Error(`${file} is not part of the project copy`);
      return bytes.toString('utf8');
    },
    remove() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
