/**
 * Secrets for live connectors. The connectors file only ever names where a secret lives
 * (`{ env: NAME }` or `{ file: PATH }`); the value is read once at start-up into a {@link Secret},
 * which refuses to be printed: JSON, string conversion and `util.inspect` all show a placeholder,
 * so a secret cannot reach a log line, an error message or a workflow history by accident.
 */
import path from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import { redactUrlCredentials } from '../common/url-credentials';
import { readFileLimited } from './yaml/read-file-limited';

const REDACTED = '[secret]';

/** Every secret value loaded in this process, so log redaction can scrub values, not just keys. */
const knownSecretValues = new Set<string>();

export class Secret {
  readonly #value: string;
  /** Where the value came from (`env:NAME` or `file:PATH`): safe to show. */
  readonly source: string;

  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
    if (value.length >= 4) knownSecretValues.add(value);
  }

  /** The value itself. Call only where it is handed to a client library or signed with. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${this.source})`;
  }
}

/**
 * Replaces every known secret value inside `text` (e.g. an error body that echoes a token), and
 * the credentials of any URL in it (`https://user:password@host` → `https://[redacted]@host`):
 * those are secrets nobody loaded as such, written into a URL that a client library then quoted.
 */
export function scrubSecrets(text: string): string {
  let result = redactUrlCredentials(text);
  for (const value of knownSecretValues) {
    if (result.includes(value)) result = result.split(value).join(REDACTED);
  }
  return result;
}

/** The values loaded so far; tests scan logs and histories for them. */
export function loadedSecretValues(): readonly string[] {
  return [...knownSecretValues];
}

export type SecretRef = { env: string } | { file: string };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `value` is not a secret reference, or undefined when it is one. */
function secretRefProblem(value: unknown): string | undefined {
  if (value === undefined) return 'is required: { env: VARIABLE } or { file: /path/to/secret }';
  if (typeof value === 'string' || typeof value === 'number') {
    return 'secrets are never written in the connectors file: use { env: VARIABLE } or { file: /path/to/secret }';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be { env: VARIABLE } or { file: /path/to/secret }';
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length !== 1 || !(keys[0] === 'env' || keys[0] === 'file')) return 'must be { env: VARIABLE } or { file: /path/to/secret }';
  if (typeof record.env === 'string') return ENV_NAME.test(record.env) ? undefined : `"${record.env}" is not an environment variable name`;
  if (typeof record.file === 'string' && record.file.length > 0) return undefined;
  return 'must be { env: VARIABLE } or { file: /path/to/secret }';
}

/**
 * `{ env: NAME }` or `{ file: PATH }`; a bare string is refused with advice. A custom check rather
 * than a union so the message says what to do instead of "no union member matched".
 */
export const SecretRefSchema = z.unknown().transform((value, ctx): SecretRef => {
  const problem = secretRefProblem(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return value as SecretRef;
});

/** True when `value` has the shape of a secret reference. */
export function isSecretRef(value: unknown): value is SecretRef {
  return secretRefProblem(value) === undefined;
}

/** Reads one secret. `baseDir` resolves relative file paths (the connectors file's folder). */
export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv, baseDir: string): Secret {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '') throw new Error(`environment variable ${ref.env} is not set`);
    return new Secret(value, `env:${ref.env}`);
  }
  const file = path.resolve(baseDir, ref.file);
  // Only a regular file, and only up to the limit: a FIFO nobody writes to (or a device such as
  // /dev/zero) would otherwise hang or flood start-up. The file is opened without blocking and
  // checked before any read, so nothing here waits on another process and no timeout is needed.
  const read = readFileLimited(file, 'secretFileBytes');
  if (!read.ok) throw new Error(`cannot read secret file ${file}: ${read.reason}`);
  const value = read.bytes.toString('utf8').trim();
  if (!value) throw new Error(`secret file ${file} is empty`);
  return new Secret(value, `file:${file}`);
}

/** The validated file with every secret reference replaced by its {@link Secret}. */
export type Resolved<T> = T extends SecretRef
  ? Secret
  : T extends readonly (infer U)[]
    ? Resolved<U>[]
    : T extends object
      ? { [K in keyof T]: Resolved<T[K]> }
      : T;
