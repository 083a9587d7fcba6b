/**
 * A Temporal payload codec that encrypts every payload with AES-256-GCM, so what the Temporal
 * server stores (inputs, results, memos, signals) is unreadable without the key file.
 *
 * Wire format, the one Temporal's encryption samples use (samples-go / samples-python
 * `encryption`; samples-typescript `encryption/src/encryption-codec.ts` names the metadata):
 * - metadata `encoding: binary/encrypted` and `encryption-key-id: <id of the key used>`;
 * - data = 12-byte IV || ciphertext || 16-byte GCM tag, the plaintext being the whole original
 *   payload serialised as `temporal.api.common.v1.Payload` (so its own metadata is hidden too).
 *
 * Decoding leaves a payload without that encoding as it is: histories recorded before encryption
 * was turned on still read. An encrypted payload is opened with the key its metadata names, so
 * payloads written under an older key still read after rotation, as long as the key file keeps
 * that key. Errors name the key id and never hold key material.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { KeyRing } from './key-ring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
/** 96 bits: the IV length GCM is specified for; a fresh random one per payload. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Longest stretch of a key id quoted from a payload (the metadata may come from anyone). */
const QUOTED_ID_MAX = 64;

/** A payload that cannot be decrypted; its message names the key id, never the key. */
export class PayloadDecryptionError extends ValueError {}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const quoted = (keyId: string): string => JSON.stringify(keyId.length > QUOTED_ID_MAX ? `${keyId.slice(0, QUOTED_ID_MAX)}...` : keyId);

export function isEncryptedPayload(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && text(encoding) === ENCRYPTED_ENCODING;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyRing: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, bytes: key } = this.keyRing.current;
    return payloads.map((payload) => {
      const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_ENCRYPTION_KEY_ID]: utf8(id) },
        data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncryptedPayload(payload) ? this.decrypt(payload) : payload));
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[METADATA_ENCRYPTION_KEY_ID];
    if (!keyIdBytes) throw new PayloadDecryptionError(`an encrypted payload has no ${METADATA_ENCRYPTION_KEY_ID} metadata, so no key can be chosen to decrypt it`);
    const keyId = text(keyIdBytes);
    const key = this.keyRing.key(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `a payload was encrypted with key ${quoted(keyId)}, which is not in the payload key file (it has: ${this.keyRing.ids.join(', ')}); add that key back to read it`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`a payload encrypted with key ${quoted(keyId)} is ${data.length} bytes, too short to hold an IV and a tag: it was cut or altered`);
    }
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const ciphertext = data.subarray(IV_BYTES, data.length - TAG_BYTES);
    const decipher = createDecipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (error) {
      throw new PayloadDecryptionError(
        `a payload encrypted with key ${quoted(keyId)} failed authentication: it was altered, or the key now under that id is not the one it was encrypted with`,
        error,
      );
    }
    try {
      return temporal.api.common.v1.Payload.decode(plaintext);
    } catch (error) {
      throw new PayloadDecryptionError(`a payload decrypted with key ${quoted(keyId)} is not a serialised Temporal payload`, error);
    }
  }
}
