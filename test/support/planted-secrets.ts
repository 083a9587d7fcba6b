/**
 * The run-wide register of planted secrets, read by the final scan
 * (test/zz-secret-scan/run-wide-secret-scan.test.ts), which checks that none of them appears in any
 * workflow history or any log line the whole test run produced, in any of its forms (secret-scan.ts
 * `formsOf`: raw, URL-encoded, URL userinfo, JSON-escaped, base64; a URL's credential on its own).
 *
 * Any test (or test/support helper) that hands a secret to the code under test registers it:
 *
 * ```ts
 * const TOKEN = plantSecret(`xoxb-${randomBytes(8).toString('hex')}`, 'slack bot token');
 * ```
 *
 * Registrations are JSON lines appended to a file in the run's scan directory, whose path the Jest
 * global setup puts in QUELL_TEST_SCAN_DIR: Jest workers inherit it, so every test file of the run
 * writes to the same register. Outside a Jest run (no variable) registering does nothing.
 *
 * A *control* is the opposite: a value some test writes into a history or a log on purpose, which
 * the final scan must find (proving it reads real content). Values shorter than
 * {@link MIN_PLANTED_LENGTH} are refused: they would match by chance somewhere in megabytes of logs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { urlCredential } from './secret-scan';

/** Environment variable naming the run's scan directory (register + captured logs). */
export const SCAN_DIR_ENV = 'QUELL_TEST_SCAN_DIR';

/** Shortest value worth registering: shorter ones occur by chance in large logs. */
export const MIN_PLANTED_LENGTH = 8;

const REGISTER = 'planted.jsonl';

/** One registration. */
export interface PlantedValue {
  kind: 'secret' | 'control';
  label: string;
  value: string;
  /** The test file that registered it, when known. */
  plantedBy?: string;
  /**
   * Log sources (`<test file>.<source>…` in captured log names, see run-logs.ts) allowed to contain the
   * value: only for a stand-in endpoint printing its own configuration, e.g. OpenBao's dev server
   * printing the root token it was started with. Never applies to histories.
   */
  allowedInLogsOf?: string[];
}

/** The run's scan directory, or undefined outside a Jest run. */
export function scanDir(): string | undefined {
  return process.env[SCAN_DIR_ENV] || undefined;
}

/** Where captured logs go (created by the global setup). */
export function scanLogsDir(dir: string): string {
  return path.join(dir, 'logs');
}

/** Creates the scan directory layout under `dir` (called by the global setup). */
export function createScanDir(dir: string): void {
  fs.mkdirSync(scanLogsDir(dir), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dir, REGISTER), '', { mode: 0o600 });
}

/** The test file running in this module registry (relative to the repository), when known. */
export function currentTestFile(): string | undefined {
  try {
    const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
    return testPath ? path.relative(process.cwd(), testPath) : undefined;
  } catch {
    return undefined;
  }
}

/** True when `value`, or the credential in it when it is a URL, is too short to scan for. */
function tooShort(value: string): boolean {
  const credential = urlCredential(value);
  return value.length < MIN_PLANTED_LENGTH || (credential !== undefined && credential.length < MIN_PLANTED_LENGTH);
}

function register(entry: PlantedValue): void {
  if (tooShort(entry.value)) {
    throw new Error(
      `planted ${entry.kind} "${entry.label}" (or the credential in it, for a URL) is shorter than ${MIN_PLANTED_LENGTH} characters: ` +
        'it would match by chance; plant a longer, unique value',
    );
  }
  const dir = scanDir();
  if (!dir) return;
  fs.appendFileSync(path.join(dir, REGISTER), `${JSON.stringify({ ...entry, plantedBy: entry.plantedBy ?? currentTestFile() })}\n`, { mode: 0o600 });
}

/**
 * Registers `value` as a secret no history or log of this run may contain (in any form, see
 * secret-scan.ts `formsOf`). Returns `value`, so a definition stays one line.
 */
export function plantSecret(value: string, label: string, options: { allowedInLogsOf?: string[] } = {}): string {
  register({ kind: 'secret', label, value, ...(options.allowedInLogsOf ? { allowedInLogsOf: options.allowedInLogsOf } : {}) });
  return value;
}

/** Registers `value` as a control: the final scan must find it somewhere. Returns `value`. */
export function plantControl(value: string, label: string): string {
  register({ kind: 'control', label, value });
  return value;
}

/**
 * Registers what the setup file found loaded as secrets in a test file's module registry
 * (config/secret.ts): values too short to scan for are skipped, not refused.
 */
export function plantLoadedSecrets(values: readonly string[], plantedBy: string | undefined): void {
  for (const [index, value] of values.entries()) {
    if (!tooShort(value)) register({ kind: 'secret', label: `loaded secret #${index + 1}`, value, plantedBy });
  }
}

/** Everything registered so far in the run whose scan directory is `dir`. */
export function readPlanted(dir: string): PlantedValue[] {
  const file = path.join(dir, REGISTER);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as PlantedValue);
}
