/**
 * From configuration to codec (config/codec/payload-data-converter.ts): no key file, no codec; a
 * configured key file that cannot be used stops start-up with the variable, file and reason; the
 * codec endpoint's settings demand a real token and exact origins.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { CliContext, CliFailure } from '../../cli/context';
import { EXIT_USAGE } from '../../cli/failure';
import { ConfigError, loadConfig } from '../../config/environment';
import {
  codecServerSettings,
  loadPayloadEncryption,
  payloadDataConverter,
  PayloadKeysConfigError,
} from '../../config/codec/payload-data-converter';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-payload-config-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return file;
};
const KEY = randomBytes(32).toString('base64');
const TOKEN = randomBytes(32).toString('base64');

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('payloadDataConverter', () => {
  it('is undefined without a key file, and a working codec with one', async () => {
    expect(payloadDataConverter({ payloadKeysFile: undefined })).toBeUndefined();
    const file = write('keys.yaml', 'keys:\n  - id: unit-2026\n    key: { env: UNIT_PAYLOAD_KEY }\n');
    const converter = payloadDataConverter({ payloadKeysFile: file }, { UNIT_PAYLOAD_KEY: KEY });
    const [codec] = converter!.payloadCodecs;
    const [encoded] = await codec!.encode([defaultPayloadConverter.toPayload('hello')]);
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString()).toBe('unit-2026');
    expect(defaultPayloadConverter.fromPayload((await codec!.decode([encoded!]))[0]!)).toBe('hello');
  });

  it('refuses a key file it cannot use, naming the variable, the file and the reason', () => {
    const file = write('missing-secret.yaml', 'keys:\n  - id: unit-2026\n    key: { file: ./no-such-key }\n');
    const error = refusal(() => loadPayloadEncryption({ payloadKeysFile: file }, {}));
    expect(error).toBeInstanceOf(PayloadKeysConfigError);
    expect(error.message).toMatch(/^QUELL_PAYLOAD_KEYS_FILE: the payload key file cannot be used/);
    expect(error.message).toContain(`${file}:3:`);
    expect(error.message).toContain('key "unit-2026"');
    expect(error.message).toContain('no-such-key');

    const wrongLength = write('short.yaml', `keys:\n  - id: short\n    key: ${randomBytes(16).toString('base64')}\n`);
    expect(refusal(() => loadPayloadEncryption({ payloadKeysFile: wrongLength }, {})).message).toContain('decodes to 16 bytes');
    // A key file that is configured but gone is caught with the rest of the configuration.
    const missing = refusal(() => loadConfig({ QUELL_PAYLOAD_KEYS_FILE: path.join(scratch, 'gone.yaml') }));
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as ConfigError).problems).toEqual([{ variable: 'QUELL_PAYLOAD_KEYS_FILE', message: 'file does not exist or is not a regular file' }]);
  });

  it('stops the CLI before it connects, with the reason and the usage exit code', async () => {
    const file = write('cli-keys.yaml', 'keys:\n  - id: cli-key\n    key: { env: CLI_PAYLOAD_KEY_UNSET }\n');
    // A port nothing listens on: reaching the connection would be a different failure.
    const context = new CliContext({ stdout: () => undefined, stderr: () => undefined }, { QUELL_PAYLOAD_KEYS_FILE: file, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const error = await context.getClient().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await context.close();
    expect(error).toBeInstanceOf(CliFailure);
    expect((error as CliFailure).exitCode).toBe(EXIT_USAGE);
    expect((error as Error).message).toMatch(/^QUELL_PAYLOAD_KEYS_FILE: the payload key file cannot be used/);
    expect((error as Error).message).toContain('environment variable CLI_PAYLOAD_KEY_UNSET is not set');
  });
});

describe('codecServerSettings', () => {
  const config = (overrides: Partial<ReturnType<typeof loadConfig>['codecServer']> = {}) => ({
    codecServer: { host: '127.0.0.1', port: 8234, origins: undefined, tokenFile: undefined, ...overrides },
    uiPort: 8233,
    namespace: 'default',
  });

  it('defaults to loopback and the embedded Web UI, with the token from the environment or a file', () => {
    const fromEnv = codecServerSettings(config(), { QUELL_CODEC_TOKEN: TOKEN });
    expect(fromEnv).toMatchObject({ host: '127.0.0.1', port: 8234, allowedOrigins: ['http://localhost:8233', 'http://127.0.0.1:8233'], namespace: 'default' });
    expect(fromEnv.token.reveal()).toBe(TOKEN);
    expect(JSON.stringify(fromEnv)).not.toContain(TOKEN);
    const tokenFile = write('codec-token', `${TOKEN}\n`);
    expect(codecServerSettings(config({ tokenFile, origins: 'https://ui.example.com, http://10.0.0.5:8080' }), {})).toMatchObject({
      allowedOrigins: ['https://ui.example.com', 'http://10.0.0.5:8080'],
    });
  });

  it('refuses to serve without a usable token or with origins that are not origins', () => {
    expect(refusal(() => codecServerSettings(config(), {})).message).toMatch(/needs a bearer token: set QUELL_CODEC_TOKEN_FILE/);
    expect(refusal(() => codecServerSettings(config(), { QUELL_CODEC_TOKEN: 'short' })).message).toMatch(/^QUELL_CODEC_TOKEN: the codec token must be one word of at least 24 characters \(it is 5/);
    const tokenFile = write('token-both', TOKEN);
    expect(refusal(() => codecServerSettings(config({ tokenFile }), { QUELL_CODEC_TOKEN: TOKEN })).message).toBe('QUELL_CODEC_TOKEN and QUELL_CODEC_TOKEN_FILE are both set: keep one');
    for (const origins of ['https://ui.example.com/', 'ui.example.com', 'ftp://ui.example.com', ' , ']) {
      expect(refusal(() => codecServerSettings(config({ origins }), { QUELL_CODEC_TOKEN: TOKEN })).message).toMatch(/^QUELL_CODEC_ORIGINS: /);
    }
  });
});
