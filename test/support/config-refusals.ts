/**
 * Loading a hostile configuration file (connectors or approvers) and checking how it is refused:
 * with a message naming the field (or the limit), at its file:line:col, within a time bound, and
 * without echoing a planted credential. Shared by the test/unit/config-hostile-*.test.ts files.
 *
 * `useConfigWorkDir()` gives the calling test file a temporary folder (`work`, created before its
 * tests and removed after them) that `writeFile` writes into. The planted credentials are fresh
 * per test file: Jest loads this module once per file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatApproversError, loadApproversFile } from '../../config/approvers-file';
import { formatConnectorsError, loadConnectorsFile } from '../../connectors/connectors-file';
import type { ConfigFileError } from '../../config/yaml-config-file';
import { plantSecret } from './planted-secrets';
import { leaksIn, secretForms } from './secret-scan';

export const PASSWORD = plantSecret(`pw-${randomBytes(8).toString('hex')}`, 'password in a connectors-file URL');
export const TOKEN = plantSecret(`tok-${randomBytes(8).toString('hex')}`, 'token as URL userinfo');
export const LEAK_FORMS = secretForms([
  ['url password', PASSWORD],
  ['url token', TOKEN],
]);

/** Bounds: generous for a loaded CI machine, yet far below what the old code took (minutes, or forever). */
export const FAST_MS = 1_000;
export const PARSE_100K_MS = 8_000;

/** The test file's temporary folder, set while its tests run (see {@link useConfigWorkDir}). */
export let work: string;

/** Creates `work` before the calling test file's tests and removes it after them. */
export function useConfigWorkDir(): void {
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-config-hostile-'));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
}

export type Which = 'connectors' | 'approvers';

export interface Refusal {
  errors: ConfigFileError[];
  elapsedMs: number;
}

/** Loads a file from disk as the worker does (secrets resolved from `env`), timing it. */
export function loadFile(which: Which, file: string, env: NodeJS.ProcessEnv = {}): Refusal {
  const started = performance.now();
  const result = which === 'connectors' ? loadConnectorsFile(file, env) : loadApproversFile(file, { slackConfigured: true });
  const elapsedMs = performance.now() - started;
  if (result.ok) throw new Error(`expected ${path.basename(file)} to be refused`);
  return { errors: result.errors, elapsedMs };
}

export function writeFile(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): { line: number; col: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" is not in the text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

export function expectRefusal(refusal: Refusal, expected: { message: RegExp; at?: { line: number; col: number }; file?: string; boundMs?: number }): void {
  const [first] = refusal.errors;
  const printed = refusal.errors.map((error) => (error.file ? formatConnectorsError(error) : formatApproversError(error))).join('\n');
  expect(first.message).toMatch(expected.message);
  if (expected.at) expect({ line: first.line, col: first.col }).toEqual(expected.at);
  if (expected.file) expect(first.file).toBe(expected.file);
  expect(refusal.elapsedMs).toBeLessThan(expected.boundMs ?? FAST_MS);
  expect(leaksIn(printed, LEAK_FORMS)).toEqual([]);
  for (const error of refusal.errors) {
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.col).toBeGreaterThanOrEqual(1);
  }
}
