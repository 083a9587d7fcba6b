/**
 * Builds the pinned Temporal CLI with `go install` into `<goBinDir>/temporal`. Slow (minutes on two
 * cores) but needs only a Go toolchain and the Go module proxy, so it is the fallback after pip.
 */
import fs from 'node:fs';
import type { DevServerLogger } from './logger';
import { PINNED_TEMPORAL_CLI_VERSION } from './pinned-version';
import { runCommand } from './run-command';

/** @returns `problem` when go is missing or the build failed. */
export async function installWithGo(goBinDir: string, logger: DevServerLogger): Promise<{ problem?: string }> {
  const go = await runCommand('go', ['version'], { timeoutMs: 30_000 });
  if (go.problem) return { problem: `go unavailable (${go.problem})` };
  const module = `github.com/temporalio/cli/cmd/temporal@v${PINNED_TEMPORAL_CLI_VERSION}`;
  logger.info({ module, goBinDir }, 'temporal CLI: building with `go install` (takes minutes)');
  fs.mkdirSync(goBinDir, { recursive: true });
  // The release build's flags: without the -X, `go install` stamps "0.0.0-DEV" as the version and
  // the pinned-version check could not tell this binary from any other.
  const ldflags = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${PINNED_TEMPORAL_CLI_VERSION}`;
  const result = await runCommand('go', ['install', '-ldflags', ldflags, module], {
    timeoutMs: 30 * 60_000,
    env: { ...process.env, GOBIN: goBinDir, CGO_ENABLED: '0' },
  });
  return result.problem ? { problem: `\`go install ${module}\` failed: ${result.problem}` } : {};
}
