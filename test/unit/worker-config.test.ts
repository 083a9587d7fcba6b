import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, REPO_ROOT, connectionOptions, loadConfig } from '../../config/environment';

describe('worker config', () => {
  let dir: string;
  let cert: string;
  let key: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-config-test-'));
    cert = path.join(dir, 'client.pem');
    key = path.join(dir, 'client.key');
    fs.writeFileSync(cert, 'CERT');
    fs.writeFileSync(key, 'KEY');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('defaults to the embedded server and repo-relative directories', () => {
    expect(loadConfig({})).toEqual({
      temporalAddress: undefined,
      namespace: 'default',
      tls: undefined,
      apiKey: undefined,
      taskQueue: 'quell',
      dataDir: path.join(REPO_ROOT, '.data'),
      logLevel: 'info',
      temporalPort: 7233,
      uiPort: 8233,
      runbooksDir: path.join(REPO_ROOT, 'runbooks'),
      tabletopLatencyMs: 0,
      temporalCliPath: undefined,
      payloadKeysFile: undefined,
      codecServer: { host: '127.0.0.1', port: 8234, origins: undefined, tokenFile: undefined },
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ TEMPORAL_NAMESPACE: '', QUELL_TEMPORAL_PORT: ' ', TEMPORAL_API_KEY: '' })).toMatchObject({
      namespace: 'default',
      temporalPort: 7233,
      apiKey: undefined,
    });
  });

  it('reports every bad variable at once, each by name', () => {
    const error = captureConfigError({
      TEMPORAL_ADDRESS: 'http://temporal:7233',
      QUELL_TEMPORAL_PORT: 'seventy',
      QUELL_UI_PORT: '70000',
      QUELL_LOG_LEVEL: 'loud',
      QUELL_TABLETOP_LATENCY_MS: '-5',
      TEMPORAL_TLS_CERT: path.join(dir, 'missing.pem'),
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'QUELL_LOG_LEVEL',
      'QUELL_TABLETOP_LATENCY_MS',
      'QUELL_TEMPORAL_PORT',
      'QUELL_UI_PORT',
      'TEMPORAL_ADDRESS',
      'TEMPORAL_TLS_CERT',
      'TEMPORAL_TLS_KEY',
    ]);
    expect(error.message).toContain('TEMPORAL_TLS_CERT: file does not exist');
    expect(error.message).toContain('TEMPORAL_TLS_KEY: mTLS needs both');
  });

  it('refuses TLS settings or an API key for the embedded server, and clashing ports', () => {
    const error = captureConfigError({ TEMPORAL_API_KEY: 'secret', QUELL_UI_PORT: '7233' });
    expect(error.problems).toEqual([
      { variable: 'TEMPORAL_API_KEY', message: expect.stringContaining('TEMPORAL_ADDRESS is not') },
      { variable: 'QUELL_UI_PORT', message: 'must differ from QUELL_TEMPORAL_PORT (7233)' },
    ]);
    expect(error.message).not.toContain('secret');
  });

  it('connects to the embedded server on loopback', () => {
    expect(connectionOptions(loadConfig({ QUELL_TEMPORAL_PORT: '7555' }))).toEqual({ address: '127.0.0.1:7555' });
    expect(connectionOptions(loadConfig({}), '127.0.0.1:40000')).toEqual({ address: '127.0.0.1:40000' });
  });

  it('turns an API key into TLS plus the key, routed by namespace', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'k' });
    expect(connectionOptions(config)).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: true,
      apiKey: 'k',
      metadata: { 'temporal-namespace': 'ns.acct' },
    });
  });

  it('reads mTLS files into the TLS config', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_CA: cert,
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    });
    const options = connectionOptions(config);
    expect(options.tls).toEqual({
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
      serverRootCACertificate: Buffer.from('CERT'),
      serverNameOverride: 'temporal',
    });
    expect(options.apiKey).toBeUndefined();
  });
});

function captureConfigError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof Error && error.name === 'ConfigError') return error as ConfigError;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
