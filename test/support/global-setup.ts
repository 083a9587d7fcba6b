/**
 * Jest global setup: ONE Temporal dev server and ONE workflow bundle for the whole run (two cores
 * cannot afford one per file). Both start concurrently; the state file tells the tests where they are.
 * It also creates the run's secret-scan directory (QUELL_TEST_SCAN_DIR: planted secrets and
 * captured logs, read by test/zz-secret-scan/ at the end of the run).
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { bundleQuellWorkflows } from '../../worker/workflow-bundle';
import { REPO_ROOT } from '../../config/environment';
import { DevServerHandle, resolveTemporalCli, startDevServer } from '../../worker/dev-server';
import { createLogger } from '../../worker/logger';
import { CHECK_OUTPUT_SHAPES_ENV } from '../../activities/output-shape';
import { SCAN_DIR_ENV, createScanDir } from './planted-secrets';
import { teeToRunLog } from './run-logs';
import { SERVER_HANDLE_KEY, TEST_STATE_ENV, TestServerState, createTestRunDir, fallbackStatePath } from './test-state';

/** Namespace the tests run in. */
export const TEST_NAMESPACE = 'default';

export default async function globalSetup(): Promise<void> {
  const dir = createTestRunDir();
  // The run-wide secret scan's register and captured logs (planted-secrets.ts, run-logs.ts).
  // Workers are forked after this hook and inherit the variable, as they do the state's.
  const scan = path.join(dir, 'secret-scan');
  createScanDir(scan);
  process.env[SCAN_DIR_ENV] = scan;
  // Every action a test performs, live or tabletop, must fit its catalogue output shape
  // (activities/output-shape.ts); workers inherit this like the scan directory.
  process.env[CHECK_OUTPUT_SHAPES_ENV] = '1';
  // Warn level: a passing run stays quiet, a failing start still says why (on stdout, as before,
  // and in the captured logs). No Runtime.install here: nothing below needs the native runtime,
  // and its log-forwarding handle would keep Jest's parent process alive after the run.
  const logger = createLogger({ logLevel: 'warn' }, teeToRunLog('global-setup', pino.destination({ dest: 1, sync: true })));

  const bundlePath = path.join(dir, 'workflow-bundle.js');
  const statePath = path.join(dir, 'state.json');

  const started = (async (): Promise<DevServerHandle> => {
    const cli = await resolveTemporalCli({ logger });
    return startDevServer({ cli, namespace: TEST_NAMESPACE, logger });
  })();
  // The production bundler: tests fail too when workflow code reaches zod or yaml.
  const bundled = bundleQuellWorkflows(require.resolve(path.join(REPO_ROOT, 'workflows')));
  const [server, bundle] = await Promise.allSettled([started, bundled]);
  if (server.status === 'rejected' || bundle.status === 'rejected') {
    if (server.status === 'fulfilled') await server.value.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env[SCAN_DIR_ENV];
    throw server.status === 'rejected' ? server.reason : (bundle as PromiseRejectedResult).reason;
  }

  fs.writeFileSync(bundlePath, bundle.value.code);
  const handle = server.value;
  const state: TestServerState = {
    address: handle.address,
    namespace: handle.namespace,
    bundlePath,
    serverPid: handle.pid,
    cliPath: handle.cli.executable.type === 'existing-path' ? handle.cli.executable.path : 'sdk-download',
    startupMs: handle.startupMs,
  };
  // One line in the CI log: where the server runs and how long the start took on this machine.
  process.stderr.write(
    `\nTemporal dev server ${state.address} ready in ${state.startupMs} ms (${state.cliPath}); ` +
      `workflow bundle ${(bundle.value.code.length / 1e6).toFixed(1)} MB\n`,
  );
  const json = JSON.stringify(state, null, 2);
  fs.writeFileSync(statePath, json);
  fs.writeFileSync(fallbackStatePath(), json);
  // Workers are forked after this hook and inherit the variable; --runInBand reads it directly.
  process.env[TEST_STATE_ENV] = statePath;
  // Jest runs the teardown in this same process and global: the handle (and its child) survive.
  (globalThis as Record<string, unknown>)[SERVER_HANDLE_KEY] = handle;
}
