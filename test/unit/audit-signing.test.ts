/**
 * Signing a dossier's head with Ed25519: round trip, the wrong key named as such, any change to
 * the head refused, and key files that are private (0600), never overwritten, and checked on read.
 */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildChain, type ChainHead } from '../../reports/audit/chain';
import {
  SigningKeyError,
  generateSigningKey,
  readPrivateKeyFile,
  readPublicKeyFile,
  signHead,
  verifySignature,
  writePrivateKeyFile,
  writePublicKeyFile,
} from '../../reports/audit/signing';

const head = (): ChainHead =>
  buildChain(
    [
      { kind: 'run-started', data: { runbook: 'offboarding' } },
      { kind: 'run-completed', data: { status: 'completed' } },
    ],
    { historyEventCount: 17, lastEventId: 17 },
  ).head;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-audit-keys-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('head signatures', () => {
  test('a signature made with a key verifies with its public key', () => {
    const key = generateSigningKey();
    const signature = signHead(head(), key.privateKeyPem);
    expect(signature.algorithm).toBe('Ed25519');
    expect(signature.keyId).toBe(key.keyId);
    expect(Buffer.from(signature.signature, 'base64')).toHaveLength(64);
    expect(verifySignature(head(), signature, key.publicKeyPem)).toEqual({ ok: true });
  });

  test('the key id is the first 16 hex digits of the SHA-256 of the raw 32-byte public key', () => {
    const key = generateSigningKey();
    // The raw key is the last 32 bytes of the SPKI DER encoding for Ed25519.
    const der = createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(der).toHaveLength(44);
    expect(key.keyId).toBe(createHash('sha256').update(der.subarray(12)).digest('hex').slice(0, 16));
    expect(generateSigningKey().keyId).not.toBe(key.keyId);
  });

  test('verifying with a different key says the key ids do not match', () => {
    const signer = generateSigningKey();
    const other = generateSigningKey();
    const signature = signHead(head(), signer.privateKeyPem);
    expect(verifySignature(head(), signature, other.publicKeyPem)).toEqual({
      ok: false,
      reason: `key id mismatch: signed with key "${signer.keyId}", but the public key given is key ${other.keyId}`,
    });
    // A forged key id that names the other key gets past the id check but not the signature.
    expect(verifySignature(head(), { ...signature, keyId: other.keyId }, other.publicKeyPem)).toMatchObject({ ok: false, reason: expect.stringMatching(/^bad signature/) });
  });

  test.each<[keyof ChainHead, unknown]>([
    ['headSha256', 'f'.repeat(64)],
    ['entryCount', 3],
    ['historyEventCount', 18],
    ['lastEventId', 99],
  ])('a head with %s changed fails as a bad signature', (field, value) => {
    const key = generateSigningKey();
    const signature = signHead(head(), key.privateKeyPem);
    const tampered = { ...head(), [field]: value } as ChainHead;
    expect(verifySignature(tampered, signature, key.publicKeyPem)).toEqual({
      ok: false,
      reason: `bad signature: the head is not what key ${key.keyId} signed (the head or the signature was changed)`,
    });
  });

  test('a changed signature or algorithm is refused with its own reason', () => {
    const key = generateSigningKey();
    const signature = signHead(head(), key.privateKeyPem);
    const bytes = Buffer.from(signature.signature, 'base64');
    bytes[10] ^= 1;
    expect(verifySignature(head(), { ...signature, signature: bytes.toString('base64') }, key.publicKeyPem)).toMatchObject({ ok: false, reason: expect.stringMatching(/^bad signature/) });
    expect(verifySignature(head(), { ...signature, signature: 'not base64!' }, key.publicKeyPem)).toEqual({
      ok: false,
      reason: 'signature: not the base64 of a 64-byte Ed25519 signature',
    });
    const wrongAlgorithm = { ...signature, algorithm: 'RS256' } as unknown as typeof signature;
    expect(verifySignature(head(), wrongAlgorithm, key.publicKeyPem)).toEqual({ ok: false, reason: 'algorithm: expected Ed25519, got "RS256"' });
  });

  test('a non-Ed25519 key is refused for signing and verifying', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaPrivate = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => signHead(head(), rsaPrivate)).toThrow('the private key given to signHead holds a key of type rsa, not an Ed25519 private key');
    const key = generateSigningKey();
    expect(() => verifySignature(head(), signHead(head(), key.privateKeyPem), key.privateKeyPem)).toThrow('holds a private key where a public key was expected');
  });
});

describe('key files', () => {
  test('a private key file is written 0600, read back, and never overwritten', () => {
    const key = generateSigningKey();
    const file = path.join(dir, 'dossier.key');
    writePrivateKeyFile(file, key.privateKeyPem);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readPrivateKeyFile(file)).toBe(key.privateKeyPem);

    const other = generateSigningKey();
    expect(() => writePrivateKeyFile(file, other.privateKeyPem)).toThrow(SigningKeyError);
    expect(() => writePrivateKeyFile(file, other.privateKeyPem)).toThrow(`${file} already exists: refusing to overwrite it with a new private key`);
    expect(fs.readFileSync(file, 'utf8')).toBe(key.privateKeyPem);
  });

  test('the private key is 0600 even under a permissive umask', () => {
    const previous = process.umask(0);
    try {
      const file = path.join(dir, 'open-umask.key');
      writePrivateKeyFile(file, generateSigningKey().privateKeyPem);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  test('a public key file round-trips and verifies what its private key signed', () => {
    const key = generateSigningKey();
    const privateFile = path.join(dir, 'k');
    const publicFile = path.join(dir, 'k.pub');
    writePrivateKeyFile(privateFile, key.privateKeyPem);
    writePublicKeyFile(publicFile, key.publicKeyPem);
    expect(() => writePublicKeyFile(publicFile, key.publicKeyPem)).toThrow(`${publicFile} already exists`);
    const signature = signHead(head(), readPrivateKeyFile(privateFile));
    expect(verifySignature(head(), signature, readPublicKeyFile(publicFile))).toEqual({ ok: true });
  });

  test('reading a missing, unreadable-as-PEM or non-Ed25519 key file names the file', () => {
    const missing = path.join(dir, 'nope.key');
    expect(() => readPrivateKeyFile(missing)).toThrow(`cannot read private key file ${missing}: no such file`);
    expect(() => readPrivateKeyFile(dir)).toThrow(`cannot read private key file ${dir}: it is a directory`);

    const garbage = path.join(dir, 'garbage.key');
    fs.writeFileSync(garbage, 'hello, not a key\n');
    expect(() => readPrivateKeyFile(garbage)).toThrow(`private key file ${garbage} is not a readable PEM private key`);

    const rsaFile = path.join(dir, 'rsa.key');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(rsaFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => readPrivateKeyFile(rsaFile)).toThrow(`private key file ${rsaFile} holds a key of type rsa, not an Ed25519 private key`);

    const ecFile = path.join(dir, 'ec.pub');
    fs.writeFileSync(ecFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
    expect(() => readPublicKeyFile(ecFile)).toThrow(`public key file ${ecFile} holds a key of type ec, not an Ed25519 public key`);
  });
});
