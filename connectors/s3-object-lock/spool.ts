/**
 * The S3 store's spool: each artifact is staged in a private file on the worker's disk before it
 * is uploaded (./store says why). A worker killed mid-copy runs no clean-up, so this module keeps
 * what such attempts leave behind from piling up:
 *
 * - **One folder per step**, named by the step's tag (a digest of its idempotency key); each
 *   attempt stages under fresh file names inside it. The first attempt of a step in this process
 *   clears the folder before using it: whatever is there was left by an earlier attempt of the
 *   same step that was cut off. (Should it belong to a duplicate of the step still running on
 *   another worker that shares the data folder, that duplicate fails and is retried; one attempt
 *   of a step is all that is needed, and its custody entry is what counts.) The last attempt of
 *   the step in this process removes the folder.
 * - **Other folders** are swept when the store is built (worker start) and, at most every
 *   {@link SWEEP_EVERY_MS}, when an attempt starts staging: removed once nothing in them changed
 *   for {@link STALE_AFTER_MS}. Age rather than a lock file, because other workers may share the
 *   data folder and a lock held by a killed process is just another leftover (a pid in it proves
 *   nothing after a restart in a container, where every worker is pid 1). A live attempt writes
 *   to its folder or touches it at least every {@link TOUCH_EVERY_MS} while bytes flow, and
 *   Temporal gives up on an attempt that stops heartbeating after seconds, so half an hour of
 *   silence (the action's time budget) means the attempt is gone.
 * - **Never a folder in use here**: an in-process registry knows which folders attempts of this
 *   worker are staging in; the sweep skips them whatever their age, and a step's first attempt
 *   waits for a sweep that is removing its folder before it recreates it.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { classifyFsError } from '../evidence-io/fs-failure';
import { HashingMeter } from '../evidence-io/hashing-meter';
import type { FailureSite } from '../failures';
import type { ProgressListener } from '../evidence-roles';

/** Untouched this long, a spool folder belongs to no live attempt (ACTION_TIME_BUDGET, workflows/activity-options.ts). */
export const STALE_AFTER_MS = 30 * 60_000;
/** How often staging also sweeps (the sweep at worker start covers restarts; this, long-running workers). */
export const SWEEP_EVERY_MS = 5 * 60_000;
/** How often a live attempt refreshes its folder's time while uploading (staging writes refresh it anyway). */
export const TOUCH_EVERY_MS = 60_000;

const STEP_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A staged artifact: its file, digest and size; `touch()` while using it, `release()` when done. */
export interface Staged {
  file: string;
  sha256: string;
  size: number;
  touch(): void;
  release(): Promise<void>;
}

/** Attempts of this process staging in a folder, and the removal (if any) they must wait for. */
interface Claim {
  users: number;
  settled: Promise<void>;
}

/** By absolute folder path, for the whole process: every store built here over the same folder shares it. */
const claims = new Map<string, Claim>();

export class Spool {
  private lastSweep = 0;

  /** `dir`: the spool folder (created on demand, 0700); `logger` hears what sweeps remove. */
  constructor(
    readonly dir: string,
    private readonly logger: Logger,
    private readonly staleAfterMs = STALE_AFTER_MS,
  ) {}

  /** Streams `body` through the sha256 meter into a private file in the step's folder. */
  async stage(step: string, body: Readable, progress: ProgressListener, site: FailureSite): Promise<Staged> {
    if (!STEP_NAME.test(step)) throw new Error(`spool: ${JSON.stringify(step)} is not a step name`);
    const folder = path.join(this.dir, step);
    // Claimed before anything else (synchronously), so the sweep started below skips it.
    const release = claim(folder, this.logger);
    if (Date.now() - this.lastSweep >= SWEEP_EVERY_MS) void this.sweep();
    const file = path.join(folder, `${randomBytes(6).toString('hex')}.part`);
    let lastTouch = Date.now();
    const touch = () => {
      if (Date.now() - lastTouch < TOUCH_EVERY_MS) return;
      lastTouch = Date.now();
      fs.utimes(folder, new Date(), new Date()).catch(() => undefined);
    };
    const done = async () => {
      await fs.rm(file, { force: true });
      await release.release();
    };
    try {
      await release.ready;
      const meter = new HashingMeter(progress);
      await pipeline(body, meter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      return { file, sha256: meter.sha256, size: meter.bytes, touch, release: done };
    } catch (error) {
      await done();
      throw classifyFsError(site, error);
    }
  }

  /**
   * Removes the folders (and stray files) in the spool that no attempt of this process uses and in
   * which nothing changed for the stale age. Never throws: problems are logged. Returns the names
   * removed.
   */
  async sweep(now = Date.now()): Promise<string[]> {
    this.lastSweep = now;
    const removed: string[] = [];
    try {
      for (const name of await namesIn(this.dir)) {
        const target = path.join(this.dir, name);
        if (claims.has(target)) continue;
        const changed = await lastChange(target);
        // Claimed while we looked, gone, or recent: not ours to remove.
        if (changed === undefined || now - changed < this.staleAfterMs || claims.has(target)) continue;
        const sweeping: Claim = { users: 0, settled: removeQuietly(target, this.logger) };
        claims.set(target, sweeping);
        await sweeping.settled;
        if (sweeping.users === 0 && claims.get(target) === sweeping) claims.delete(target);
        removed.push(name);
      }
    } catch (error) {
      this.logger.warn({ err: error, spool: this.dir }, 'could not sweep the evidence spool');
    }
    if (removed.length > 0) this.logger.info({ spool: this.dir, removed }, 'removed spool folders of evidence attempts that are gone');
    return removed;
  }
}

/**
 * Registers an attempt in `folder`. The first attempt of this process there clears what an earlier,
 * cut-off attempt left (`ready` resolves once the folder is empty and exists); the last one to
 * release removes the folder.
 */
function claim(folder: string, logger: Logger): { ready: Promise<void>; release(): Promise<void> } {
  let entry = claims.get(folder);
  if (!entry) {
    entry = { users: 0, settled: removeQuietly(folder, logger) };
    claims.set(folder, entry);
  }
  const held = entry;
  held.users += 1;
  return {
    ready: held.settled.then(() => fs.mkdir(folder, { recursive: true, mode: 0o700 })).then(() => undefined),
    release: async () => {
      held.users -= 1;
      if (held.users > 0) return;
      held.settled = held.settled
        .then(() => (held.users === 0 ? removeQuietly(folder, logger) : undefined))
        .then(() => {
          if (held.users === 0 && claims.get(folder) === held) claims.delete(folder);
        });
      await held.settled;
    },
  };
}

async function removeQuietly(target: string, logger: Logger): Promise<void> {
  try {
    await fs.rm(target, { recursive: true, force: true });
  } catch (error) {
    logger.warn({ err: error, target }, 'could not remove a spool folder');
  }
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The latest modification time of `target` and of what is directly in it; undefined when gone. */
async function lastChange(target: string): Promise<number | undefined> {
  const times: number[] = [];
  const stat = async (file: string) => {
    try {
      const found = await fs.lstat(file);
      times.push(found.mtimeMs);
      return found;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const top = await stat(target);
  if (!top) return undefined;
  if (top.isDirectory()) for (const name of await namesIn(target)) await stat(path.join(target, name));
  return Math.max(...times);
}
