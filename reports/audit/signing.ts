/**
 * Ed25519 signatures over a dossier's chain head (chain.ts). The head commits to every entry through
 * the hash chain, so one signature over its canonical JSON (RFC 8785) covers the whole dossier, and
 * it also covers the history counts that the chain itself cannot check.
 *
 * A key id (the first 16 hex digits of the SHA-256 of the raw 32-byte public key) travels with each
 * signature so a verifier given the wrong public key is told that, not just "bad signature".
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { canonicalJson } from './canonical-json';
import type { ChainHead } from './chain';

export const SIGNATURE_ALGORITHM = 'Ed25519';

export interface SigningKey {
  privateKeyPem: string;
  publicKeyPem: string;
  keyId: string;
}

export interface HeadSignature {
  keyId: string;
  algorithm: typeof SIGNATURE_ALGORITHM;
  /** Base64 of the 64-byte Ed25519 signature over the head's canonical JSON. */
  signature: string;
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** First 16 hex digits of the SHA-256 of the raw public key (the JWK `x`). */
export function keyIdOf(publicKey: KeyObject): string {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

export function signHead(head: ChainHead, privateKeyPem: string): HeadSignature {
  const privateKey = parseEd25519Key(privateKeyPem, 'private', 'the private key given to signHead');
  const signature = sign(null, Buffer.from(canonicalJson(head, 'head'), 'utf8'), privateKey);
  return { keyId: keyIdOf(createPublicKey(privateKey)), algorithm: SIGNATURE_ALGORITHM, signature: signature.toString('base64') };
}

export function verifySignature(head: ChainHead, signature: HeadSignature, publicKeyPem: string): SignatureVerdict {
  const publicKey = parseEd25519Key(publicKeyPem, 'public', 'the public key given to verifySignature');
  if (signature?.algorithm !== SIGNATURE_ALGORITHM) return { ok: false, reason: `algorithm: expected ${SIGNATURE_ALGORITHM}, got ${JSON.stringify(signature?.algorithm)}` };
  const expectedKeyId = keyIdOf(publicKey);
  if (signature.keyId !== expectedKeyId) {
    return { ok: false, reason: `key id mismatch: signed with key ${JSON.stringify(signature.keyId)}, but the public key given is key ${expectedKeyId}` };
  }
  const bytes = typeof signature.signature === 'string' && /^[A-Za-z0-9+/]{86}==$/.test(signature.signature) ? Buffer.from(signature.signature, 'base64') : undefined;
  if (!bytes || bytes.length !== 64) return { ok: false, reason: 'signature: not the base64 of a 64-byte Ed25519 signature' };
  let message: Buffer;
  try {
    message = Buffer.from(canonicalJson(head, 'head'), 'utf8');
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  if (!verify(null, message, publicKey, bytes)) return { ok: false, reason: `bad signature: the head is not what key ${expectedKeyId} signed (the head or the signature was changed)` };
  return { ok: true };
}

function parseEd25519Key(pem: string, kind: 'private' | 'public', source: string): KeyObject {
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (error) {
    throw new SigningKeyError(`${source} is not a readable PEM ${kind} key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`${source} holds a key of type ${key.asymmetricKeyType ?? 'unknown'}, not an Ed25519 ${kind} key`);
  }
  // createPublicKey also accepts a private key (deriving its public half): a public key file must hold a public key.
  if (kind === 'public' && /PRIVATE KEY/.test(pem)) throw new SigningKeyError(`${source} holds a private key where a public key was expected`);
  return key;
}

/**
 * Writes a new private key file readable only by its owner. It never replaces an existing file: a
 * signing key overwritten by mistake cannot be recovered, and old signatures would become orphans.
 */
export function writePrivateKeyFile(file: string, privateKeyPem: string): void {
  parseEd25519Key(privateKeyPem, 'private', 'the key to write');
  writeNewFile(file, privateKeyPem, 0o600, 'private key');
  // The mode given at creation is narrowed by the umask, never widened; this makes it exact.
  fs.chmodSync(file, 0o600);
}

export function writePublicKeyFile(file: string, publicKeyPem: string): void {
  parseEd25519Key(publicKeyPem, 'public', 'the key to write');
  writeNewFile(file, publicKeyPem, 0o644, 'public key');
}

function writeNewFile(file: string, text: string, mode: number, what: string): void {
  try {
    fs.writeFileSync(file, text, { mode, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new SigningKeyError(`${file} already exists: refusing to overwrite it with a new ${what}`);
    throw new SigningKeyError(`cannot write ${what} file ${file}: ${(error as Error).message}`);
  }
}

/** The PEM text of an Ed25519 private key file; SigningKeyError naming the file otherwise. */
export function readPrivateKeyFile(file: string): string {
  return readKeyFile(file, 'private');
}

/** The PEM text of an Ed25519 public key file; SigningKeyError naming the file otherwise. */
export function readPublicKeyFile(file: string): string {
  return readKeyFile(file, 'public');
}

function readKeyFile(file: string, kind: 'private' | 'public'): string {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new SigningKeyError(`cannot read ${kind} key file ${file}: ${why}`);
  }
  parseEd25519Key(pem, kind, `${kind} key file ${file}`);
  return pem;
}
