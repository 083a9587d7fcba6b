/**
 * Turns the configuration into what the Temporal SDK and the codec endpoint need: the payload codec
 * built from QUELL_PAYLOAD_KEYS_FILE, and the codec endpoint's settings.
 *
 * There is no quiet fallback: a key file that is configured but unreadable or invalid stops the
 * caller with the reason, because carrying on would store new inputs in clear text (or, for a
 * client, show encrypted payloads as opaque blobs) without anyone having decided that.
 */
import type { PayloadCodec } from '@temporalio/common';
import { EMBEDDED_SERVER_HOST, type QuellConfig } from '../environment';
import { resolveSecret, type Secret } from '../secret';
import { formatConfigFileError } from '../yaml-config-file';
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import { loadKeyRingFile, type KeyRing } from './key-ring';

/** The environment variable naming the key file; every message about it starts with this. */
export const PAYLOAD_KEYS_VARIABLE = 'QUELL_PAYLOAD_KEYS_FILE';
/** The codec endpoint's bearer token, given directly (QUELL_CODEC_TOKEN_FILE names a file instead). */
export const CODEC_TOKEN_VARIABLE = 'QUELL_CODEC_TOKEN';
export const CODEC_TOKEN_FILE_VARIABLE = 'QUELL_CODEC_TOKEN_FILE';

/** Shortest token accepted: a guessable token would make the endpoint a decryption oracle. */
export const MIN_CODEC_TOKEN_LENGTH = 24;

/** The payload key file is configured but cannot be used; the message says why and where. */
export class PayloadKeysConfigError extends Error {
  override readonly name = 'PayloadKeysConfigError';
}

/** What a client, worker or codec endpoint is given: the codec and the key ring behind it. */
export interface PayloadEncryption {
  readonly keyRing: KeyRing;
  readonly codec: AesGcmPayloadCodec;
}

/**
 * Reads the key file named by the configuration, once per call: callers load it at start-up and
 * share the result. Undefined when no key file is configured.
 * @throws PayloadKeysConfigError naming the variable, the file and every problem in it.
 */
export function loadPayloadEncryption(config: Pick<QuellConfig, 'payloadKeysFile'>, env: NodeJS.ProcessEnv = process.env): PayloadEncryption | undefined {
  if (config.payloadKeysFile === undefined) return undefined;
  const loaded = loadKeyRingFile(config.payloadKeysFile, env);
  if (!loaded.ok) {
    const problems = loaded.errors.map((error) => `  ${formatConfigFileError(error)}`).join('\n');
    throw new PayloadKeysConfigError(`${PAYLOAD_KEYS_VARIABLE}: the payload key file cannot be used, so nothing starts (payloads would otherwise be stored readable):\n${problems}`);
  }
  return { keyRing: loaded.keyRing, codec: new AesGcmPayloadCodec(loaded.keyRing) };
}

/** The `dataConverter` option for a Client or Worker, given loaded encryption (or none). */
export function dataConverterFor(encryption: PayloadEncryption | undefined): { payloadCodecs: PayloadCodec[] } | undefined {
  return encryption ? { payloadCodecs: [encryption.codec] } : undefined;
}

/**
 * The `dataConverter` option for a Client or Worker under this configuration: the AES-GCM codec
 * when a key file is configured, undefined when not.
 * @throws PayloadKeysConfigError when the key file is configured but unusable.
 */
export function payloadDataConverter(config: Pick<QuellConfig, 'payloadKeysFile'>, env: NodeJS.ProcessEnv = process.env): { payloadCodecs: PayloadCodec[] } | undefined {
  return dataConverterFor(loadPayloadEncryption(config, env));
}

/** Where and for whom the codec endpoint listens. */
export interface CodecServerSettings {
  host: string;
  port: number;
  /** Browser origins allowed to call it (exact `scheme://host[:port]`). */
  allowedOrigins: string[];
  token: Secret;
  namespace: string;
}

/**
 * The codec endpoint's settings. It needs a bearer token: without one anybody who can reach the
 * port could have payloads decrypted, so a missing token is an error, not an open endpoint.
 * @throws PayloadKeysConfigError naming the variable at fault.
 */
export function codecServerSettings(
  config: Pick<QuellConfig, 'codecServer' | 'uiPort' | 'namespace'>,
  env: NodeJS.ProcessEnv = process.env,
): CodecServerSettings {
  const { host, port, origins, tokenFile } = config.codecServer;
  const tokenInEnv = env[CODEC_TOKEN_VARIABLE] !== undefined && env[CODEC_TOKEN_VARIABLE]?.trim() !== '';
  if (tokenFile && tokenInEnv) throw new PayloadKeysConfigError(`${CODEC_TOKEN_VARIABLE} and ${CODEC_TOKEN_FILE_VARIABLE} are both set: keep one`);
  if (!tokenFile && !tokenInEnv) {
    throw new PayloadKeysConfigError(
      `${PAYLOAD_KEYS_VARIABLE} is set, so the worker serves a codec endpoint for the Web UI, and it needs a bearer token: ` +
        `set ${CODEC_TOKEN_FILE_VARIABLE} to a file holding one (e.g. openssl rand -base64 32 > codec-token) or ${CODEC_TOKEN_VARIABLE}`,
    );
  }
  let token: Secret;
  try {
    token = tokenFile ? resolveSecret({ file: tokenFile }, env, '.') : resolveSecret({ env: CODEC_TOKEN_VARIABLE }, env, '.');
  } catch (error) {
    throw new PayloadKeysConfigError(`${tokenFile ? CODEC_TOKEN_FILE_VARIABLE : CODEC_TOKEN_VARIABLE}: ${(error as Error).message}`);
  }
  const tokenText = token.reveal();
  if (tokenText.length < MIN_CODEC_TOKEN_LENGTH || /\s/.test(tokenText)) {
    throw new PayloadKeysConfigError(
      `${tokenFile ? CODEC_TOKEN_FILE_VARIABLE : CODEC_TOKEN_VARIABLE}: the codec token must be one word of at least ${MIN_CODEC_TOKEN_LENGTH} characters (it is ${tokenText.length}, or holds spaces); make one with: openssl rand -base64 32`,
    );
  }
  return { host, port, allowedOrigins: parseOrigins(origins, config.uiPort), token, namespace: config.namespace };
}

/**
 * The allowed browser origins: the listed ones, or the embedded Web UI's (a browser names it by
 * whichever host was typed, so both loopback spellings).
 */
function parseOrigins(listed: string | undefined, uiPort: number): string[] {
  if (listed === undefined) return [`http://localhost:${uiPort}`, `http://${EMBEDDED_SERVER_HOST}:${uiPort}`];
  const origins = listed.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new PayloadKeysConfigError(`QUELL_CODEC_ORIGINS: "${origin.slice(0, 80)}" is not an origin: write scheme://host[:port] with no path or trailing slash, e.g. https://temporal-ui.example.com`);
    }
  }
  if (origins.length === 0) throw new PayloadKeysConfigError('QUELL_CODEC_ORIGINS: lists no origin; leave it unset for the embedded Web UI');
  return origins;
}
