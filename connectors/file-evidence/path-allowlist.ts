/**
 * The paths the `file` source may read, as the connectors file lists them. An entry is either a
 * literal path (that file, or everything under that folder) or a glob where `*` and `?` match
 * within one path segment and a `**` segment matches any number of segments.
 *
 * Requests are judged lexically first (absolute, no `.`/`..` segments, inside an allowed entry),
 * and every file they resolve to is judged again by its real path, so a symbolic link cannot lead
 * outside.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';

interface AllowedEntry {
  text: string;
  /** The folder (or file) before the first glob segment. */
  base: string;
  /** For globs: the whole-path matcher. */
  matcher?: RegExp;
}

const GLOB_CHARS = /[*?]/;

export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** Why `request` can never be a path the file source reads, lexically; undefined when it may be. */
export function requestShapeProblem(request: string): string | undefined {
  if (request.includes('\0')) return `path ${JSON.stringify(request)} contains a NUL byte`;
  if (!path.isAbsolute(request)) return `path ${request} is not absolute`;
  if (request.split('/').some((segment) => segment === '..' || segment === '.')) return `path ${request} contains a . or .. segment`;
  return undefined;
}

export class PathAllowlist {
  private readonly entries: AllowedEntry[];

  /** `baseDir` resolves relative entries (the connectors file's folder). */
  constructor(patterns: readonly string[], baseDir: string) {
    const lexical = patterns.map((pattern) => compile(path.resolve(baseDir, pattern)));
    // The same entries by real path too (e.g. /tmp being a link), for judging resolved files.
    const real = lexical.flatMap((entry) => {
      const resolved = realpathOrUndefined(entry.base);
      return resolved && resolved !== entry.base ? [compile(resolved + entry.text.slice(entry.base.length))] : [];
    });
    this.entries = [...lexical, ...real];
  }

  get patterns(): string[] {
    return this.entries.map((entry) => entry.text);
  }

  /** True when the absolute, normalised `file` is inside an allowed entry. */
  allows(file: string): boolean {
    return this.entries.some((entry) => (entry.matcher ? entry.matcher.test(file) : isWithin(file, entry.base)));
  }

  /**
   * Why `request` (a path or glob) is refused before looking at the disk; undefined when its
   * matches may be allowed (each is still judged by {@link allows}).
   */
  requestProblem(request: string): string | undefined {
    const shape = requestShapeProblem(request);
    if (shape) return shape;
    const normalised = path.normalize(request);
    if (!hasGlob(normalised)) return this.allows(normalised) ? undefined : `path ${request} is outside the allowed paths`;
    const base = staticBase(normalised);
    const overlaps = this.entries.some((entry) => isWithin(base, entry.base) || isWithin(entry.base, base));
    return overlaps ? undefined : `path ${request} is outside the allowed paths`;
  }
}

function compile(text: string): AllowedEntry {
  const normalised = path.normalize(text);
  return hasGlob(normalised) ? { text: normalised, base: staticBase(normalised), matcher: globMatcher(normalised) } : { text: normalised, base: normalised };
}

/** The leading segments without glob characters: `/var/log/app` for `/var/log/app/*.log`. */
export function staticBase(pattern: string): string {
  const segments = pattern.split('/');
  const firstGlob = segments.findIndex((segment) => hasGlob(segment));
  const kept = firstGlob === -1 ? segments : segments.slice(0, firstGlob);
  return kept.join('/') || '/';
}

export function globMatcher(pattern: string): RegExp {
  const parts = pattern.split('/').map((segment, index) => {
    if (segment === '**') return '(?:/[^/]+)*';
    const body = [...segment].map((char) => (char === '*' ? '[^/]*' : char === '?' ? '[^/]' : escapeRegExp(char))).join('');
    return index === 0 ? body : `/${body}`;
  });
  return new RegExp(`^${parts.join('')}$`);
}

function isWithin(inner: string, outer: string): boolean {
  return inner === outer || outer === '/' || inner.startsWith(`${outer}/`);
}

function escapeRegExp(char: string): string {
  return /[\\^$.|+()[\]{}]/.test(char) ? `\\${char}` : char;
}

function realpathOrUndefined(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
