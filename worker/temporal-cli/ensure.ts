/**
 * The `--ensure` command behind `ts-node worker/dev-server.ts --ensure` (used by .ci/run): make
 * sure a real binary exists, installing it if needed, and print its path on stdout. The SDK
 * download is not allowed here, because CI needs a path; attempts go to stderr.
 */
import { resolveTemporalCli } from './locate';

/** @returns the process exit code: 0 with the path printed, 1 with the attempts, 2 on bad usage. */
export async function ensureMain(argv: readonly string[]): Promise<number> {
  if (!argv.includes('--ensure')) {
    process.stderr.write('usage: ts-node worker/dev-server.ts --ensure   # print the Temporal CLI path\n');
    return 2;
  }
  try {
    const resolved = await resolveTemporalCli({ allowSdkDownload: false });
    if (resolved.executable.type !== 'existing-path') return 1;
    process.stdout.write(`${resolved.executable.path}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
}
