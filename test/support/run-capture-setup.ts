/**
 * Runs before every test file (jest.config.js `setupFilesAfterEnv`), for the run-wide secret scan
 * (test/zz-secret-scan/run-wide-secret-scan.test.ts):
 * - whatever the test file prints past its loggers (console calls, writes to stdout and stderr)
 *   also goes to the run's captured logs (`printed-<pid>.log`, see run-logs.ts);
 * - after the file, every value its code loaded as a secret (config/secret.ts, the
 *   `{ env }` and `{ file }` references of connectors files) is registered as planted
 *   (planted-secrets.ts), so secrets a test never named are scanned for too.
 * Nothing is written outside a Jest run's scan directory.
 */
import { format } from 'node:util';
import { currentTestFile, plantLoadedSecrets, scanDir } from './planted-secrets';
import { appendRunLog } from './run-logs';

if (scanDir()) {
  const printed = `printed-${process.pid}.log`;
  const undo: Array<() => void> = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    console[method] = (...parts: unknown[]) => {
      appendRunLog(printed, `${format(...parts)}\n`);
      original.apply(console, parts);
    };
    undo.push(() => void (console[method] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]) {
      appendRunLog(printed, typeof chunk === 'string' ? chunk : Buffer.from(chunk));
      return (original as (...args: unknown[]) => boolean).apply(this, [chunk, ...rest]);
    } as typeof stream.write;
    undo.push(() => void (stream.write = original));
  }

  afterAll(() => {
    undo.reverse().forEach((restore) => restore());
    // Only if the test file loaded the module: asking for it would load a fresh, empty copy.
    const secrets = require.cache[require.resolve('../../config/secret')]?.exports as
      | typeof import('../../config/secret')
      | undefined;
    if (secrets) plantLoadedSecrets(secrets.loadedSecretValues(), currentTestFile());
  });
}
