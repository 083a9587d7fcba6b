/**
 * The payload key file: the AES-256 keys that encrypt what Quell stores in Temporal (workflow
 * inputs, results, memos). It is YAML, read like the connectors and approvers files (file:line:col
 * errors, strict keys, size limits):
 *
 * ```yaml
 * keys:                                    # newest first: the FIRST key encrypts everything new
 *   - id: 2026-12                          # short plain text, stored beside every payload
 *     key: { env: QUELL_PAYLOAD_KEY_2026_12 }
 *   - id: 2026-06                          # older keys only decrypt what they once encrypted
 *     key: { file: /run/secrets/quell-payload-2026-06 }
 *   - id: local
 *     key: 3q2+7w...base64 of 32 bytes...=  # written inline: then the file itself is a secret
 * ```
 *
 * Order rather than a `current:` field, because rotating is then one edit: put the new key on top.
 * Nothing can point at a key that is missing, and the key that encrypts is the one read first.
 * Every key is base64 of exactly 32 random bytes (`openssl rand -base64 32`); a referenced
 * secret (config/secret.ts) holds the same base64 text. Keys are never written into a message: a
 * problem names the field, the id and at most how many bytes the key decoded to.
 */
import path from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import { isSecretRef, resolveSecret, Secret, type SecretRef } from '../secret';
import { ConfigProblems, formatConfigFileError, NAMES_FIELD, parseConfigText, readConfigFile, type ConfigFileError } from '../yaml-config-file';

/** AES-256 takes a 256-bit key. */
export const KEY_BYTES = 32;

/** Most keys one file may list: a ring grows by one per rotation, so this is decades of them. */
export const MAX_KEYS = 100;

const KEY_ID_MAX = 64;

/** Letters, digits and `. _ -`: the id travels in every payload's metadata and in error messages. */
export const KEY_ID_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${KEY_ID_MAX - 1}}$`);

const KeyIdSchema = z.unknown().transform((value, ctx): string => {
  if (typeof value === 'string' && KEY_ID_PATTERN.test(value)) return value;
  ctx.addIssue({
    code: 'custom',
    params: NAMES_FIELD,
    message: `${value === undefined ? 'is required' : 'must be a plain id'}: letters, digits and . _ - (at most ${KEY_ID_MAX} characters, no spaces), e.g. 2026-12`,
  });
  return z.NEVER;
});

const KEY_ADVICE = `base64 of exactly ${KEY_BYTES} bytes (make one with: openssl rand -base64 32)`;

/** Where a key comes from: written in the file, or a secret reference resolved at load. */
type KeySource = { inline: Secret } | { ref: SecretRef };

/**
 * The key bytes in `text`, or why there are none. Only the decoded length is ever reported, so a
 * message never carries a fragment of the key.
 */
export function decodeKey(text: string): { ok: true; bytes: Buffer } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return { ok: false, problem: `is not base64: it must be ${KEY_ADVICE}` };
  const bytes = Buffer.from(trimmed, 'base64');
  // Node's decoder skips what it cannot read; re-encoding catches a truncated or padded-wrong value.
  if (bytes.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    return { ok: false, problem: `is not well-formed base64: it must be ${KEY_ADVICE}` };
  }
  if (bytes.length !== KEY_BYTES) return { ok: false, problem: `decodes to ${bytes.length} bytes; it must be ${KEY_ADVICE}` };
  return { ok: true, bytes };
}

/**
 * A key written inline or a secret reference. Checked by hand (not a zod string or union) so no
 * message ever quotes the value, as zod's "got ..." explanations would.
 */
const KeySourceSchema = z.unknown().transform((value, ctx): KeySource => {
  if (typeof value === 'string') {
    const decoded = decodeKey(value);
    if (!decoded.ok) {
      ctx.addIssue({ code: 'custom', params: NAMES_FIELD, message: decoded.problem });
      return z.NEVER;
    }
    return { inline: new Secret(value.trim(), 'the payload key file') };
  }
  if (isSecretRef(value)) return { ref: value };
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', params: NAMES_FIELD, message: `is required: ${KEY_ADVICE}, or { env: VARIABLE } or { file: /path/to/key }` });
  } else {
    ctx.addIssue({ code: 'custom', params: NAMES_FIELD, message: `must be ${KEY_ADVICE}, or { env: VARIABLE } or { file: /path/to/key }` });
  }
  return z.NEVER;
});

/**
 * Count and uniqueness are checked on the whole list, after every entry is valid (zod runs a
 * refinement only on valid input): a repeated id shows once the entries themselves are fixed.
 */
export const PayloadKeyFileSchema = z
  .strictObject({ keys: z.array(z.strictObject({ id: KeyIdSchema, key: KeySourceSchema })) })
  .superRefine((file, ctx) => {
    if (file.keys.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['keys'], params: NAMES_FIELD, message: 'must list at least one key: the first one encrypts' });
    }
    if (file.keys.length > MAX_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['keys', MAX_KEYS], params: NAMES_FIELD, message: `is one key too many: at most ${MAX_KEYS}; drop the oldest keys nothing kept was encrypted with` });
    }
    const seen = new Set<string>();
    file.keys.forEach((entry, index) => {
      if (seen.has(entry.id)) {
        ctx.addIssue({ code: 'custom', path: ['keys', index, 'id'], params: NAMES_FIELD, message: `repeats the key id "${entry.id}": every key needs its own id` });
      }
      seen.add(entry.id);
    });
  });

export interface PayloadKey {
  readonly id: string;
  readonly bytes: Buffer;
}

/**
 * The loaded keys: the current one (encrypts) and every one by id (decrypts). Printing it shows
 * ids only, so the ring can sit in a logged object without leaking a key.
 */
export class KeyRing {
  readonly #byId = new Map<string, Buffer>();
  readonly #current: PayloadKey;

  /** `keys` newest first; ids unique and every key {@link KEY_BYTES} long (a programming error otherwise). */
  constructor(keys: readonly PayloadKey[]) {
    if (keys.length === 0) throw new Error('a key ring needs at least one key');
    for (const { id, bytes } of keys) {
      if (!KEY_ID_PATTERN.test(id)) throw new Error(`key id ${JSON.stringify(id.slice(0, KEY_ID_MAX))} is not plain text of at most ${KEY_ID_MAX} characters`);
      if (bytes.length !== KEY_BYTES) throw new Error(`key "${id}" is ${bytes.length} bytes; AES-256 needs ${KEY_BYTES}`);
      if (this.#byId.has(id)) throw new Error(`key id "${id}" appears twice`);
      this.#byId.set(id, Buffer.from(bytes));
    }
    this.#current = { id: keys[0].id, bytes: this.#byId.get(keys[0].id) as Buffer };
  }

  /** The key new payloads are encrypted with. */
  get current(): PayloadKey {
    return this.#current;
  }

  /** The key with this id, or undefined. */
  key(id: string): Buffer | undefined {
    return this.#byId.get(id);
  }

  /** Every id, newest first. */
  get ids(): readonly string[] {
    return [...this.#byId.keys()];
  }

  toJSON(): { current: string; ids: readonly string[] } {
    return { current: this.#current.id, ids: this.ids };
  }

  [inspect.custom](): string {
    return `KeyRing(current: ${this.#current.id}; ids: ${this.ids.join(', ')})`;
  }
}

export type KeyRingLoadResult = { ok: true; keyRing: KeyRing } | { ok: false; errors: ConfigFileError[] };

/** Thrown by {@link loadKeyRingOrThrow}; its message lists every problem (never a key). */
export class KeyRingConfigError extends Error {
  override readonly name = 'KeyRingConfigError';
  constructor(readonly errors: ConfigFileError[]) {
    super(`invalid payload key file:\n${errors.map((error) => `  ${formatConfigFileError(error)}`).join('\n')}`);
  }
}

/** Reads and checks the key file; secret references are resolved from `env` and the file's folder. */
export function loadKeyRingFile(file: string, env: NodeJS.ProcessEnv = process.env): KeyRingLoadResult {
  const read = readConfigFile(file, 'payload key file');
  return read.ok ? loadKeyRingText(read.text, read.file, env) : read;
}

export function loadKeyRingText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): KeyRingLoadResult {
  const parsed = parseConfigText(text, file, PayloadKeyFileSchema, {
    what: 'payload key file',
    credentialAdvice: () => 'the payload key file holds keys, not URLs',
  });
  if (!parsed.ok) return parsed;
  const problems = new ConfigProblems(file, parsed.locator);
  const keys: PayloadKey[] = [];
  parsed.data.keys.forEach(({ id, key }, index) => {
    const where = ['keys', index, 'key'];
    let secret: Secret;
    if ('inline' in key) {
      secret = key.inline;
    } else {
      try {
        secret = resolveSecret(key.ref, env, path.dirname(file));
      } catch (error) {
        problems.add(where, `keys.${index}.key (key "${id}"): ${(error as Error).message}`);
        return;
      }
    }
    const decoded = decodeKey(secret.reveal());
    if (!decoded.ok) {
      problems.add(where, `keys.${index}.key (key "${id}"): the secret in ${secret.source} ${decoded.problem}`);
      return;
    }
    keys.push({ id, bytes: decoded.bytes });
  });
  if (!problems.empty) return { ok: false, errors: problems.errors() };
  return { ok: true, keyRing: new KeyRing(keys) };
}

export function loadKeyRingOrThrow(file: string, env: NodeJS.ProcessEnv = process.env): KeyRing {
  const result = loadKeyRingFile(file, env);
  if (!result.ok) throw new KeyRingConfigError(result.errors);
  return result.keyRing;
}
