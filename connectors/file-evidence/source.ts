/**
 * The `file` source: copies files named by the step's `paths` (paths or globs; default: every
 * entry the connectors file allows), one artifact per file, streamed from disk.
 *
 * Only allowed paths are read (./path-allowlist): a request or any file it resolves to outside
 * them, directly, through `..` or through a symbolic link, refuses the whole step with
 * QuellInvalidInput before anything is stored (./requests judges the requests before the run too). The file is opened by its real path without
 * following links, and on Linux the opened descriptor's path is checked again, so a link swapped
 * in between the check and the read is caught too. A file still growing is copied up to the size
 * it had when opened, so the recorded size and hash describe one consistent prefix.
 */
import { constants, promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ConnectorProbe } from '../connector';
import { invalidFailure, notFoundFailure, type FailureSite } from '../failures';
import { classifyFsError } from '../evidence-io/fs-failure';
import { globMatcher, hasGlob, staticBase, type PathAllowlist } from './path-allowlist';
import { FILE_EVIDENCE_CONNECTOR } from './connector-id';
import { safeArtifactName, type CollectionRequest, type EvidenceSource, type PlannedArtifact } from '../evidence-roles';

/** More files than this in one step is almost certainly a mistaken glob. */
const MAX_FILES = 10_000;

export class FileSource implements EvidenceSource {
  readonly kind = 'file' as const;
  readonly connector = FILE_EVIDENCE_CONNECTOR;
  readonly windowed = false;
  readonly description: string;

  constructor(private readonly allowlist: PathAllowlist) {
    this.description = `files under ${allowlist.patterns.join(', ')}`;
  }

  async plan({ params }: CollectionRequest): Promise<PlannedArtifact[]> {
    const requests = params.paths ?? this.allowlist.patterns;
    const files = new Set<string>();
    for (const request of requests) {
      const site = { connector: this.connector, operation: `read ${request}` };
      const problem = this.allowlist.requestProblem(request);
      if (problem) throw invalidFailure(site, `${problem} (allowed: ${this.allowlist.patterns.join(', ')})`);
      for (const candidate of await this.expand(path.normalize(request), site)) {
        const real = await this.resolveAllowed(candidate, site);
        if (real !== undefined) files.add(real);
        if (files.size > MAX_FILES) throw invalidFailure(site, `more than ${MAX_FILES} files match; narrow the paths`);
      }
    }
    if (files.size === 0) {
      throw notFoundFailure({ connector: this.connector, operation: 'collect files' }, `no file matches ${requests.join(', ')}`);
    }
    return [...files].map((real) => ({
      name: safeArtifactName(`file/${real}`),
      mediaType: 'application/octet-stream',
      open: () => this.openAllowed(real, { connector: this.connector, operation: `read ${real}` }),
    }));
  }

  async check(): Promise<ConnectorProbe[]> {
    return Promise.all(
      this.allowlist.patterns.map(async (pattern): Promise<ConnectorProbe> => {
        const base = hasGlob(pattern) ? staticBase(pattern) : pattern;
        try {
          await fs.access(base, constants.R_OK);
          return { name: `path ${pattern}`, ok: true, detail: `${base} exists and is readable` };
        } catch (error) {
          return { name: `path ${pattern}`, ok: false, detail: `${base}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
        }
      }),
    );
  }

  /** The files a request names: itself, everything under a folder, or a glob's matches. */
  private async expand(request: string, site: FailureSite): Promise<string[]> {
    if (hasGlob(request)) {
      const matcher = globMatcher(request);
      return (await walk(staticBase(request), site)).filter((file) => matcher.test(file));
    }
    let stat;
    try {
      stat = await fs.lstat(request);
    } catch (error) {
      throw classifyFsError(site, error);
    }
    return stat.isDirectory() ? walk(request, site) : [request];
  }

  /**
   * The real path of `candidate`, refused unless both it and its real path are allowed;
   * undefined for what is not a regular file (a link to a folder, a socket).
   */
  private async resolveAllowed(candidate: string, site: FailureSite): Promise<string | undefined> {
    if (!this.allowlist.allows(candidate)) throw invalidFailure(site, `${candidate} is outside the allowed paths`);
    let real: string;
    try {
      real = await fs.realpath(candidate);
    } catch (error) {
      throw classifyFsError(site, error);
    }
    if (!this.allowlist.allows(real)) throw invalidFailure(site, `${candidate} leads (through a symbolic link) to ${real}, outside the allowed paths`);
    try {
      return (await fs.stat(real)).isFile() ? real : undefined;
    } catch (error) {
      throw classifyFsError(site, error);
    }
  }

  /** Opens `real` without following links, re-checks what was opened, streams its current size. */
  private async openAllowed(real: string, site: FailureSite): Promise<Readable> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw invalidFailure(site, `${real} became a symbolic link`);
      throw classifyFsError(site, error);
    }
    try {
      const opened = await openedPath(handle);
      if (opened !== undefined && (opened !== real || !this.allowlist.allows(opened))) {
        throw invalidFailure(site, `${real} now resolves to ${opened}; refusing to read it`);
      }
      const stat = await handle.stat();
      if (!stat.isFile()) throw invalidFailure(site, `${real} is no longer a regular file`);
      if (stat.size === 0) {
        await handle.close();
        return Readable.from([], { objectMode: false });
      }
      return handle.createReadStream({ start: 0, end: stat.size - 1 });
    } catch (error) {
      await handle.close();
      throw classifyFsError(site, error);
    }
  }
}

/** Every regular file or link under `folder`; symbolic links to folders are not descended. */
async function walk(folder: string, site: FailureSite): Promise<string[]> {
  const files: string[] = [];
  const pending = [folder];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && current === folder) return [];
      throw classifyFsError(site, error);
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile() || entry.isSymbolicLink()) files.push(full);
      if (files.length > MAX_FILES) throw invalidFailure(site, `more than ${MAX_FILES} files under ${folder}; narrow the paths`);
    }
  }
  return files.sort();
}

/** The path the kernel says an open descriptor refers to (Linux); undefined elsewhere. */
async function openedPath(handle: fs.FileHandle): Promise<string | undefined> {
  try {
    return await fs.readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return undefined;
  }
}
