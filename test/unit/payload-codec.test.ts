/**
 * The AES-256-GCM payload codec (config/codec/aes-gcm-codec.ts) and its key file
 * (config/codec/key-ring.ts): round trips, ciphertext that hides the plaintext, rotation, refusals
 * that name the key id or field and never hold key material, and pass-through of payloads
 * recorded before encryption.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_ENCRYPTION_KEY_ID, PayloadDecryptionError } from '../../config/codec/aes-gcm-codec';
import { KeyRing, loadKeyRingFile, loadKeyRingText, type PayloadKey } from '../../config/codec/key-ring';
import { formatConfigFileError } from '../../config/yaml-config-file';

const FILE = '/etc/quell/payload-keys.yaml';
const DISTINCT = 'breach-of-pelican-harbour-7f3a';

const newKey = (id: string): PayloadKey => ({ id, bytes: randomBytes(32) });
const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const meta = (payload: Payload, name: string): string | undefined => {
  const bytes = payload.metadata?.[name];
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
};

/** The error `pending` is refused with; a fulfilled promise fails the test. */
async function refusal(pending: Promise<unknown>): Promise<Error> {
  try {
    await pending;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

function errorsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  const result = loadKeyRingText(text, FILE, env);
  if (result.ok) throw new Error('expected the key file to be refused');
  return result.errors.map(formatConfigFileError);
}

describe('AES-256-GCM payload codec', () => {
  it('round-trips several payloads of different kinds, metadata included', async () => {
    const codec = new AesGcmPayloadCodec(new KeyRing([newKey('k1')]));
    const values: unknown[] = [{ incident: 'INC-1', note: DISTINCT, count: 3 }, 'plain text', 42, null, [1, 'two', { three: 3 }]];
    const binary: Payload = { metadata: { [METADATA_ENCODING_KEY]: Buffer.from('binary/plain'), extra: Buffer.from('x') }, data: randomBytes(300) };
    const originals = [...values.map(toPayload), binary];

    const encoded = await codec.encode(originals);
    expect(encoded).toHaveLength(originals.length);
    for (const payload of encoded) {
      expect(meta(payload, METADATA_ENCODING_KEY)).toBe(ENCRYPTED_ENCODING);
      expect(meta(payload, METADATA_ENCRYPTION_KEY_ID)).toBe('k1');
      expect(Object.keys(payload.metadata ?? {}).sort()).toEqual([METADATA_ENCODING_KEY, METADATA_ENCRYPTION_KEY_ID].sort());
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.slice(0, values.length).map(fromPayload)).toEqual(values);
    expect(Buffer.from(decoded[values.length].data ?? [])).toEqual(Buffer.from(binary.data ?? []));
    expect(meta(decoded[values.length], 'extra')).toBe('x');
    expect(meta(decoded[values.length], METADATA_ENCODING_KEY)).toBe('binary/plain');
  });

  it('writes iv || ciphertext || tag with a fresh IV each time, and none of the plaintext', async () => {
    const codec = new AesGcmPayloadCodec(new KeyRing([newKey('k1')]));
    const original = toPayload({ note: DISTINCT });
    const [first, second] = await codec.encode([original, original]);
    const bytes = Buffer.from(first.data ?? []);
    // 12-byte IV + 16-byte tag around a ciphertext as long as the serialised payload.
    expect(bytes.length).toBeGreaterThanOrEqual(12 + 16 + (original.data?.length ?? 0));
    expect(bytes.includes(Buffer.from(DISTINCT))).toBe(false);
    expect(bytes.toString('latin1')).not.toContain('json/plain');
    expect(Buffer.from(second.data ?? []).subarray(0, 12).equals(bytes.subarray(0, 12))).toBe(false);
    expect(Buffer.from(second.data ?? []).equals(bytes)).toBe(false);
  });

  it('after rotation, encrypts with the newest key and still decrypts what the older key wrote', async () => {
    const old = newKey('2026-06');
    const before = new AesGcmPayloadCodec(new KeyRing([old]));
    const [written] = await before.encode([toPayload({ note: DISTINCT })]);
    expect(meta(written, METADATA_ENCRYPTION_KEY_ID)).toBe('2026-06');

    const rotated = new AesGcmPayloadCodec(new KeyRing([newKey('2026-12'), old]));
    expect(fromPayload((await rotated.decode([written]))[0])).toEqual({ note: DISTINCT });
    const [fresh] = await rotated.encode([toPayload('new')]);
    expect(meta(fresh, METADATA_ENCRYPTION_KEY_ID)).toBe('2026-12');
    // The newest key is really the one used: a ring with only the old key cannot open it.
    await expect(before.decode([fresh])).rejects.toThrow(/key "2026-12", which is not in the payload key file \(it has: 2026-06\)/);
  });

  it('refuses an unknown key id and a flipped ciphertext byte, naming the key id and never the key', async () => {
    const key = newKey('k1');
    const codec = new AesGcmPayloadCodec(new KeyRing([key]));
    const [good] = await codec.encode([toPayload({ note: DISTINCT })]);
    const keyForms = [key.bytes.toString('base64'), key.bytes.toString('hex')];

    const stranger = new AesGcmPayloadCodec(new KeyRing([newKey('other')]));
    const unknown = await refusal(stranger.decode([good]));
    expect(unknown).toBeInstanceOf(PayloadDecryptionError);
    expect(unknown.message).toMatch(/encrypted with key "k1", which is not in the payload key file/);

    for (const at of [0, 20, (good.data?.length ?? 0) - 1]) {
      const data = Buffer.from(good.data ?? []);
      data[at] ^= 0x01;
      const error = await refusal(codec.decode([{ ...good, data }]));
      expect(error).toBeInstanceOf(PayloadDecryptionError);
      expect(error.message).toMatch(/encrypted with key "k1" failed authentication/);
      for (const form of keyForms) expect(`${error.message} ${inspect(error)}`).not.toContain(form);
    }

    // Same id, different key (a key replaced in place instead of rotated): authentication fails.
    const replaced = new AesGcmPayloadCodec(new KeyRing([newKey('k1')]));
    await expect(replaced.decode([good])).rejects.toThrow(/key "k1" failed authentication/);

    const cut = { ...good, data: Buffer.from(good.data ?? []).subarray(0, 20) };
    await expect(codec.decode([cut])).rejects.toThrow(/key "k1" is 20 bytes, too short/);
    const noId = { metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING) }, data: good.data };
    await expect(codec.decode([noId])).rejects.toThrow(/no encryption-key-id metadata/);
  });

  it('passes payloads recorded before encryption through unchanged', async () => {
    const codec = new AesGcmPayloadCodec(new KeyRing([newKey('k1')]));
    const plain = [toPayload({ note: DISTINCT }), toPayload(undefined), { metadata: {}, data: Buffer.from('raw') }, {}];
    const decoded = await codec.decode(plain);
    decoded.forEach((payload, index) => expect(payload).toBe(plain[index]));
    const [encrypted] = await codec.encode([toPayload('mixed')]);
    const mixed = await codec.decode([plain[0], encrypted]);
    expect(mixed.map(fromPayload)).toEqual([{ note: DISTINCT }, 'mixed']);
  });

  it('shows only key ids when the key ring is printed', () => {
    const key = newKey('k1');
    const ring = new KeyRing([key, newKey('k0')]);
    const printed = `${inspect(ring)} ${JSON.stringify(ring)} ${inspect({ ring })}`;
    expect(printed).toContain('k1');
    expect(printed).not.toContain(key.bytes.toString('base64'));
    expect(printed).not.toContain(key.bytes.toString('hex'));
  });
});

describe('payload key file', () => {
  const b64 = (bytes: number) => randomBytes(bytes).toString('base64');

  it('loads keys newest first, inline and from env and file references', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-keys-'));
    try {
      const fromFile = b64(32);
      fs.writeFileSync(path.join(dir, 'old.key'), `${fromFile}\n`);
      const fromEnv = b64(32);
      const inline = b64(32);
      const file = path.join(dir, 'keys.yaml');
      fs.writeFileSync(file, ['keys:', '  - id: 2026-12', '    key: { env: QUELL_TEST_PAYLOAD_KEY }', '  - id: 2026-06', '    key: { file: old.key }', `  - id: local`, `    key: ${inline}`].join('\n'));
      const result = loadKeyRingFile(file, { QUELL_TEST_PAYLOAD_KEY: fromEnv });
      if (!result.ok) throw new Error(result.errors.map(formatConfigFileError).join('\n'));
      const ring = result.keyRing;
      expect(ring.current.id).toBe('2026-12');
      expect(ring.ids).toEqual(['2026-12', '2026-06', 'local']);
      expect(ring.current.bytes.toString('base64')).toBe(fromEnv);
      expect(ring.key('2026-06')?.toString('base64')).toBe(fromFile);
      expect(ring.key('local')?.toString('base64')).toBe(inline);

      // The loaded ring drives the codec: what the file-referenced key wrote still reads.
      const older = new AesGcmPayloadCodec(new KeyRing([{ id: '2026-06', bytes: Buffer.from(fromFile, 'base64') }]));
      const [written] = await older.encode([toPayload(DISTINCT)]);
      expect(fromPayload((await new AesGcmPayloadCodec(ring).decode([written]))[0])).toBe(DISTINCT);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the field of every problem, at file:line:col', () => {
    const short = b64(31);
    const long = b64(33);
    const errors = errorsOf(
      ['keys:', `  - id: a`, `    key: ${short}`, `  - id: "has space"`, `    key: ${b64(32)}`, `  - id: b`, `    key: ${long}`, `  - id: c`, `    key: 12345`, `  - id: d`].join('\n'),
    );
    expect(errors).toEqual([
      `${FILE}:3:10: keys.0.key decodes to 31 bytes; it must be base64 of exactly 32 bytes (make one with: openssl rand -base64 32)`,
      `${FILE}:4:9: keys.1.id must be a plain id: letters, digits and . _ - (at most 64 characters, no spaces), e.g. 2026-12`,
      `${FILE}:7:10: keys.2.key decodes to 33 bytes; it must be base64 of exactly 32 bytes (make one with: openssl rand -base64 32)`,
      `${FILE}:9:10: keys.3.key must be base64 of exactly 32 bytes (make one with: openssl rand -base64 32), or { env: VARIABLE } or { file: /path/to/key }`,
      expect.stringMatching(new RegExp(`^${FILE}:10:5: keys\\.4\\.key is required`)),
    ]);
    const all = errors.join('\n');
    expect(all).not.toContain(short);
    expect(all).not.toContain(long);
    expect(all).not.toContain('12345');
  });

  it('refuses an empty list, a missing list, unknown keys, and keys that are not base64', () => {
    expect(errorsOf('keys: []')).toEqual([`${FILE}:1:7: keys must list at least one key: the first one encrypts`]);
    const twice = ['keys:', '  - id: a', `    key: ${b64(32)}`, '  - id: b', `    key: ${b64(32)}`, '  - id: a', `    key: ${b64(32)}`].join('\n');
    expect(errorsOf(twice)).toEqual([`${FILE}:6:9: keys.2.id repeats the key id "a": every key needs its own id`]);
    const tooMany = ['keys:', ...Array.from({ length: 101 }, (_, index) => `  - { id: k${index}, key: ${b64(32)} }`)].join('\n');
    expect(errorsOf(tooMany)).toEqual([`${FILE}:102:5: keys.100 is one key too many: at most 100; drop the oldest keys nothing kept was encrypted with`]);
    expect(errorsOf('')).toEqual([expect.stringMatching(/keys/)]);
    expect(errorsOf(['keys:', '  - id: a', `    key: ${b64(32)}`, '    current: true'].join('\n'))).toEqual([expect.stringMatching(/:4:5: .*current/)]);
    const notBase64 = 'this is not base64 at all!!';
    const errors = errorsOf(['keys:', '  - id: a', `    key: "${notBase64}"`].join('\n'));
    expect(errors).toEqual([`${FILE}:3:10: keys.0.key is not base64: it must be base64 of exactly 32 bytes (make one with: openssl rand -base64 32)`]);
  });

  it('names the key whose secret reference is unset or holds a wrong-size key, without its value', () => {
    const wrong = b64(16);
    const text = ['keys:', '  - id: new', '    key: { env: QUELL_TEST_UNSET }', '  - id: old', '    key: { env: QUELL_TEST_SHORT }'].join('\n');
    const errors = errorsOf(text, { QUELL_TEST_SHORT: wrong });
    expect(errors).toEqual([
      `${FILE}:3:10: keys.0.key (key "new"): environment variable QUELL_TEST_UNSET is not set`,
      `${FILE}:5:10: keys.1.key (key "old"): the secret in env:QUELL_TEST_SHORT decodes to 16 bytes; it must be base64 of exactly 32 bytes (make one with: openssl rand -base64 32)`,
    ]);
    expect(errors.join('\n')).not.toContain(wrong);
  });

  it('refuses to build a ring by hand with no key, a duplicate id or a wrong-size key', () => {
    expect(() => new KeyRing([])).toThrow(/at least one key/);
    const key = newKey('a');
    expect(() => new KeyRing([key, { ...key }])).toThrow(/"a" appears twice/);
    expect(() => new KeyRing([{ id: 'b', bytes: randomBytes(16) }])).toThrow(/key "b" is 16 bytes; AES-256 needs 32/);
  });
});
