/**
 * An append-only JSON-lines file with an index by key in memory: the storage under the effect
 * journal and the delivery logs.
 *
 * Each action used to re-read and parse the whole file (twice) to look up one key, so an action
 * cost more with every entry ever written. Here a lookup and an append cost the same however long
 * the file is:
 *
 * - The index maps each key to a small summary its owner folds from that key's entries, in file
 *   order (the effect journal keeps where the key's first line is). The entries stay on disk; a
 *   lookup that hits reads just that line. Memory is about 150 bytes per key (mostly the key
 *   itself; 7 MB for 50,000 journal records), not the records.
 * - The index is built by reading the file once, on first use, and then kept current by reading
 *   only the bytes past the last offset read. That one path takes in this process's own appends
 *   and the lines other processes append to the same file (README: workers on several machines
 *   share the data folder), so a lookup costs one stat plus whatever is new.
 * - The index is fed only from what is read back from the file, never from memory, so it sees
 *   entries in the file's order: the order a restarted worker or another process sees. Owners
 *   therefore agree with every other reader on which entry of a key came first.
 * - An append is durable before it resolves: written, then fsync'd, as before. Appends that
 *   arrive while a write is in flight go out together in the next write under one fsync (group
 *   commit); each caller is still answered only after the fsync that covers its own line. The
 *   first write to a new file also syncs its folder, so the file's name survives a power cut.
 * - A crash mid-write can leave a last line without its newline. The reader takes whole lines,
 *   plus a last line that is complete JSON and lacks only the newline (as the old reader did); a
 *   fragment is left unread and looked at again next time. The next append starts on a fresh
 *   line, so the fragment becomes a line of its own that never parses and is skipped: no caller
 *   was ever told it was written.
 * - If the file is replaced or shortened under us (another inode, or smaller than what was read),
 *   the index is dropped and rebuilt from the start. Rewriting it in place is outside the
 *   append-only contract and not detected: whatever prunes it must write a new file and rename
 *   it over the old one.
 *
 * Check-then-append work is serialised per key within this object ({@link JsonLinesFile.exclusive});
 * work on different keys overlaps and shares fsyncs. Across processes nothing is locked: two
 * processes may both append an entry for one key, and owners then take the first in the file.
 */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';

/** Where one entry's line sits in the file, in bytes, newline excluded. */
export interface LinePosition {
  readonly offset: number;
  readonly length: number;
}

/** How an owner indexes its entries. */
export interface LineIndexer<T, S> {
  /** The key an entry is filed under. */
  keyOf(entry: T): string;
  /** What to keep for a key, from what was kept so far and the key's next entry in file order. Must not change `kept`. */
  fold(kept: S | undefined, entry: T, at: LinePosition): S;
}

/** What an append returns: where the line landed, and the key's summary with it folded in. */
export interface Appended<S> {
  at: LinePosition;
  kept: S;
}

const NEWLINE = 0x0a;
/** First read size when catching up; doubled for a line longer than that. */
const READ_CHUNK = 1 << 20;

interface Waiter<R> {
  resolve(value: R): void;
  reject(error: unknown): void;
}

interface PendingAppend<T, S> extends Waiter<Appended<S>> {
  entry: T;
  line: string;
}

export class JsonLinesFile<T extends object, S> {
  private readonly index = new Map<string, S>();
  /** Bytes of the file already folded into the index. */
  private readOffset = 0;
  /** `dev:ino` of the file the index describes; undefined until the file is first seen. */
  private identity: string | undefined;
  private appends: PendingAppend<T, S>[] = [];
  private catchUps: Waiter<void>[] = [];
  private pumping = false;
  private readonly keyQueues = new Map<string, Promise<void>>();

  constructor(
    readonly filePath: string,
    private readonly indexer: LineIndexer<T, S>,
  ) {}

  /** What is kept for `key`, after taking in every line appended (by anyone) before this call. */
  async lookup(key: string): Promise<S | undefined> {
    await new Promise<void>((resolve, reject) => {
      this.catchUps.push({ resolve, reject });
      this.pump();
    });
    return this.index.get(key);
  }

  /**
   * Reads the entry at `at`, a position this index gave for `key`. Throws if the line there is not
   * an entry for `key` (the file was replaced since): the caller's attempt fails and a retry
   * looks again in the rebuilt index.
   */
  async read(key: string, at: LinePosition): Promise<T> {
    const handle = await fs.open(this.filePath, 'r');
    let text: string;
    try {
      const buffer = Buffer.alloc(at.length);
      const { bytesRead } = await handle.read(buffer, 0, at.length, at.offset);
      text = buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
    const entry = parseEntry<T>(text);
    if (!entry || this.indexer.keyOf(entry) !== key) {
      throw new Error(`${this.filePath}: the line indexed for ${key} at byte ${at.offset} no longer holds it (was the file replaced?)`);
    }
    return entry;
  }

  /**
   * Appends `entry` and fsyncs it; resolves once it is durable and indexed. A rejection means the
   * entry may or may not be in the file (as with any failed write), so callers look before they
   * append again. Call inside {@link exclusive} when the entry depends on a lookup.
   */
  append(entry: T): Promise<Appended<S>> {
    return new Promise((resolve, reject) => {
      this.appends.push({ entry, line: JSON.stringify(entry), resolve, reject });
      this.pump();
    });
  }

  /** Runs `work` after every earlier `exclusive` call for the same key in this object has finished. */
  exclusive<R>(key: string, work: () => Promise<R>): Promise<R> {
    const before = this.keyQueues.get(key) ?? Promise.resolve();
    const run = before.then(work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.keyQueues.set(key, settled);
    // Forget idle keys, or the map would grow with every key ever used.
    void settled.then(() => {
      if (this.keyQueues.get(key) === settled) this.keyQueues.delete(key);
    });
    return run;
  }

  /** Every entry, oldest first, read from the file (not the index); none when it does not exist. */
  async readAll(): Promise<T[]> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.filePath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const entries: T[] = [];
      const { size } = await handle.stat();
      await scanLines(handle, 0, size, (text) => {
        const entry = parseEntry<T>(text);
        if (entry) entries.push(entry);
        return entry !== undefined;
      });
      return entries;
    } finally {
      await handle.close();
    }
  }

  /**
   * One file operation at a time per object: the index and its read offset have one writer.
   * Waiting appends and lookups are taken together, so a busy file does one write, one fsync and
   * one read per round, whatever the number of callers.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    while (this.appends.length > 0 || this.catchUps.length > 0) {
      const appends = this.appends;
      const catchUps = this.catchUps;
      this.appends = [];
      this.catchUps = [];
      await this.round(appends, catchUps);
    }
    // Cleared in the same turn as the last check, so a caller arriving now starts a new drain.
    this.pumping = false;
  }

  /** Writes the waiting appends (if any), reads what is new, then answers everyone. Never throws. */
  private async round(appends: PendingAppend<T, S>[], catchUps: Waiter<void>[]): Promise<void> {
    let failed: { error: unknown } | undefined;
    if (appends.length > 0) {
      try {
        await this.writeDurably(appends.map((pending) => `${pending.line}\n`).join(''));
      } catch (error) {
        failed = { error };
      }
    }
    let positions: (LinePosition | undefined)[];
    try {
      // After a failed write, part of it may still be in the file: it is read like any line.
      positions = await this.readNew(failed ? [] : appends.map((pending) => pending.line));
    } catch (error) {
      for (const waiter of [...appends, ...catchUps]) waiter.reject(error);
      return;
    }
    for (const waiter of catchUps) waiter.resolve();
    appends.forEach((pending, i) => {
      const at = positions[i];
      const kept = this.index.get(this.indexer.keyOf(pending.entry));
      if (failed) pending.reject(failed.error);
      else if (at && kept !== undefined) pending.resolve({ at, kept });
      else pending.reject(new Error(`${this.filePath}: an appended line was not there when read back (was the file replaced?)`));
    });
  }

  private async writeDurably(text: string): Promise<void> {
    const folder = path.dirname(this.filePath);
    await fs.mkdir(folder, { recursive: true });
    const handle = await fs.open(this.filePath, 'a+');
    let wasEmpty: boolean;
    try {
      // A crash may have left a torn last line: start on a fresh one so these entries stay readable.
      const { size } = await handle.stat();
      wasEmpty = size === 0;
      let separator = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== NEWLINE) separator = '\n';
      }
      await handle.appendFile(`${separator}${text}`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // A new file's name lives in its folder: sync the folder too, or a power cut could lose the
    // whole file although its contents were synced. Once per new (or emptied) file.
    if (wasEmpty) await syncFolder(folder);
  }

  /**
   * Folds the lines past the read offset into the index. Returns where each of `expected` (lines
   * this object just wrote, in order) was found: a line another writer made between them is
   * folded too and skipped over.
   */
  private async readNew(expected: string[]): Promise<(LinePosition | undefined)[]> {
    const positions: (LinePosition | undefined)[] = new Array<LinePosition | undefined>(expected.length).fill(undefined);
    let stat: Stats;
    try {
      stat = await fs.stat(this.filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (this.identity !== undefined) this.reset(undefined);
      return positions;
    }
    if (stat.size === this.readOffset && identityOf(stat) === this.identity) return positions;

    const handle = await fs.open(this.filePath, 'r');
    try {
      // Size and identity of the file actually opened, in case it was replaced since the stat.
      const opened = await handle.stat();
      if (identityOf(opened) !== this.identity || opened.size < this.readOffset) this.reset(identityOf(opened));
      let next = 0;
      this.readOffset = await scanLines(handle, this.readOffset, opened.size, (text, at) => {
        const entry = parseEntry<T>(text);
        if (!entry) return false;
        const key = this.indexer.keyOf(entry);
        this.index.set(key, this.indexer.fold(this.index.get(key), entry, at));
        if (next < expected.length && text === expected[next]) {
          positions[next] = at;
          next += 1;
        }
        return true;
      });
    } finally {
      await handle.close();
    }
    return positions;
  }

  private reset(identity: string | undefined): void {
    this.index.clear();
    this.readOffset = 0;
    this.identity = identity;
  }
}

function identityOf(stat: Stats): string {
  return `${stat.dev}:${stat.ino}`;
}

/**
 * Calls `onLine` for each line between `from` and `to` and returns the offset just past the last
 * line taken. Whole lines are always taken (what `onLine` returns is ignored for them); the last
 * line, if it has no newline yet, is taken only if `onLine` accepts it (returns true).
 */
async function scanLines(
  handle: fs.FileHandle,
  from: number,
  to: number,
  onLine: (text: string, at: LinePosition) => boolean,
): Promise<number> {
  let offset = from;
  let chunk = READ_CHUNK;
  let end = to;
  while (offset < end) {
    const want = Math.min(chunk, end - offset);
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(buffer, 0, want, offset);
    if (bytesRead < want) end = offset + bytesRead; // shorter than its stat said: read what is there
    if (bytesRead === 0) break;
    const lastNewline = buffer.lastIndexOf(NEWLINE, bytesRead - 1);
    if (lastNewline === -1) {
      if (offset + bytesRead < end) {
        chunk *= 2; // one line longer than the chunk: read more of it at once
        continue;
      }
      // UTF-8 never uses the newline byte inside a character, so cutting at newlines is safe.
      if (onLine(buffer.toString('utf8', 0, bytesRead), { offset, length: bytesRead })) offset += bytesRead;
      break;
    }
    let start = 0;
    while (start <= lastNewline) {
      const newline = buffer.indexOf(NEWLINE, start);
      onLine(buffer.toString('utf8', start, newline), { offset: offset + start, length: newline - start });
      start = newline + 1;
    }
    offset += lastNewline + 1;
  }
  return offset;
}

/**
 * An entry is one JSON object. Requiring an object is what makes a last line without its
 * newline safe to take: no proper prefix of an object's JSON text is itself valid JSON.
 */
function parseEntry<T>(text: string): T | undefined {
  if (text.trim().length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

async function syncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms and file systems cannot open or sync a folder; the entry itself is synced.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}
