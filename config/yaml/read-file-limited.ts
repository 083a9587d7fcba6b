/**
 * Reads a file people point Quell at (a runbook, the connectors or approvers file, a secret)
 * without trusting it: only regular files (a FIFO or device would block the process forever), and
 * never more than a limit (a 60 MB file is refused from its size, not read whole). Node-only.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { LIMITS, limitMessage, type LimitName } from '../../common/limits';

export type LimitedRead = { ok: true; bytes: Buffer } | { ok: false; reason: string };

type ByteLimit = Extract<LimitName, 'runbookFileBytes' | 'configFileBytes' | 'secretFileBytes'>;

/** Why a file could not be opened or read, in words ("file not found", "permission denied"). */
export function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'ELOOP') return 'too many symbolic links';
  return code ?? (error as Error).message;
}

function kindProblem(isFile: boolean, isDirectory: boolean): string | undefined {
  if (isFile) return undefined;
  return isDirectory ? 'is a directory, not a file' : 'is not a regular file (a pipe, socket or device would block reading)';
}

// O_NONBLOCK: opening a FIFO nobody writes to would otherwise wait forever before fstat can refuse it.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Reads at most the limit's bytes of a regular file. Synchronous on purpose: every file it reads
 * is small (the limits are 1 MiB and less) and is read at start-up or per command.
 */
export function readFileLimited(file: string, limit: ByteLimit): LimitedRead {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    return { ok: false, reason: errnoReason(error) };
  }
  try {
    const stats = fstatSync(fd);
    const wrongKind = kindProblem(stats.isFile(), stats.isDirectory());
    if (wrongKind) return { ok: false, reason: wrongKind };
    if (stats.size > LIMITS[limit].value) return { ok: false, reason: `file is too large: ${limitMessage(limit, stats.size)}` };
    // One byte more than the limit: a file that grew after fstat is still caught.
    const buffer = Buffer.alloc(LIMITS[limit].value + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > LIMITS[limit].value) return { ok: false, reason: `file is too large: it grew past the limit while being read; ${limitMessage(limit)}` };
    }
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { ok: false, reason: errnoReason(error) };
  } finally {
    closeSync(fd);
  }
}
