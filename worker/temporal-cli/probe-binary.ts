/** Checks that a file is an executable Temporal CLI, and which version it is. */
import fs from 'node:fs';
import { PINNED_TEMPORAL_CLI_VERSION } from './pinned-version';
import { runCommand } from './run-command';

/** Either the version the binary reported, or why it is not usable. */
export interface BinaryProbe {
  version?: string;
  problem?: string;
}

/** Undefined when `binary` is an executable file; otherwise why not, in a few words. */
export function executableProblem(binary: string): string | undefined {
  try {
    if (!fs.statSync(binary).isFile()) return 'is not a file';
    fs.accessSync(binary, fs.constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'does not exist';
    if (code === 'EACCES') return 'is not executable';
    return (error as Error).message;
  }
}

/** Runs `<binary> --version`; the generous timeout is for a 200 MB binary on a cold, loaded disk. */
export async function probeVersion(binary: string): Promise<BinaryProbe> {
  const result = await runCommand(binary, ['--version'], { timeoutMs: 60_000 });
  const match = /temporal version (\S+)/.exec(result.stdout);
  if (match) return { version: match[1] };
  return { problem: `did not answer like the Temporal CLI to --version (${result.problem ?? result.stdout.trim()})` };
}

/**
 * Like {@link probeVersion}, for binaries Quell installed itself: anything but the pinned version
 * counts as unusable, so a stale install is replaced instead of silently used.
 */
export async function probePinned(binary: string): Promise<BinaryProbe> {
  const problem = executableProblem(binary);
  if (problem) return { problem };
  const probe = await probeVersion(binary);
  if (probe.version && probe.version !== PINNED_TEMPORAL_CLI_VERSION) {
    return { problem: `is version ${probe.version}, not the pinned ${PINNED_TEMPORAL_CLI_VERSION}` };
  }
  return probe;
}
