/**
 * The connectors file: strict schema with file:line:col errors, secrets only by reference, every
 * reference resolved (or every failure reported) before anything is built.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { formatConnectorsError, loadConnectorsFile, loadConnectorsText } from '../../connectors/connectors-file';
import { Secret } from '../../config/secret';

const FILE = '/etc/quell/connectors.yaml';

function errorsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  const result = loadConnectorsText(text, FILE, env);
  if (result.ok) throw new Error('expected the file to be refused');
  return result.errors.map(formatConnectorsError);
}

describe('connectors file', () => {
  it('loads a complete file and resolves secrets from env and files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-connectors-'));
    fs.writeFileSync(path.join(dir, 'scim-token'), 'scim-token-value\n');
    const text = [
      'version: 1',
      'aws:',
      '  region: eu-west-1',
      '  endpoint: http://127.0.0.1:5000',
      '  access_key_id: { env: TEST_AWS_ID }',
      '  secret_access_key: { env: TEST_AWS_SECRET }',
      'scim:',
      '  base_url: https://scim.example.com/v2',
      '  token: { file: scim-token }',
      'vendors:',
      '  acme: { channel: email, name: Acme Corp, email: privacy@acme.example }',
      'nftables: {}',
    ].join('\n');
    const file = path.join(dir, 'connectors.yaml');
    fs.writeFileSync(file, text);
    const result = loadConnectorsFile(file, { TEST_AWS_ID: 'AKIAEXAMPLEEXAMPLE12', TEST_AWS_SECRET: 'aws-secret-value-123' });
    if (!result.ok) throw new Error(result.errors.map(formatConnectorsError).join('\n'));
    const { config } = result;
    expect(config.aws?.region).toBe('eu-west-1');
    expect(config.aws?.secret_access_key).toBeInstanceOf(Secret);
    expect(config.aws?.secret_access_key?.reveal()).toBe('aws-secret-value-123');
    expect(config.scim?.token.reveal()).toBe('scim-token-value');
    expect(config.scim?.token.source).toBe(`file:${path.join(dir, 'scim-token')}`);
    expect(config.nftables?.table).toBe('quell');
    expect(config.vendors?.acme).toMatchObject({ channel: 'email', email: 'privacy@acme.example' });
  });

  it('refuses a literal secret, pointing at it', () => {
    const text = ['version: 1', 'openbao:', '  address: http://127.0.0.1:8200', '  token: s.abcdef'].join('\n');
    expect(errorsOf(text)).toEqual([
      `${FILE}:4:10: secrets are never written in the connectors file: use { env: VARIABLE } or { file: /path/to/secret }`,
    ]);
  });

  it('names every unset variable and unreadable file at its reference', () => {
    const text = [
      'version: 1',
      'github:',
      '  org: acme',
      '  token: { env: MISSING_GITHUB_TOKEN }',
      'openbao:',
      '  address: http://127.0.0.1:8200',
      '  token: { file: /nonexistent/bao-token }',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      `${FILE}:4:10: github.token: environment variable MISSING_GITHUB_TOKEN is not set`,
      `${FILE}:7:10: openbao.token: cannot read secret file /nonexistent/bao-token: file not found`,
    ]);
  });

  it('reports unknown keys, bad values and a wrong version with positions', () => {
    const text = ['version: 2', 'aws:', '  region: us-east-1', '  endpont: http://x', 'smtp:', '  host: mail', '  port: 70000', '  from: q@x'].join('\n');
    const errors = errorsOf(text);
    expect(errors).toEqual([
      `${FILE}:1:10: version must be one of 1; got 2`,
      `${FILE}:4:3: unknown key "endpont" (did you mean "endpoint"?); allowed keys here: region, endpoint, access_key_id, secret_access_key, quarantine_security_group`,
      `${FILE}:7:9: port must be at most 65535, got 70000`,
    ]);
  });

  it('reports YAML syntax errors at their position', () => {
    expect(errorsOf('version: 1\naws: [\n')[0]).toMatch(new RegExp(`^${FILE}:\\d+:\\d+: YAML: `));
  });

  it('checks references without reading them when asked (the CLI holds no worker secrets)', () => {
    const text = ['version: 1', 'slack:', '  bot_token: { env: UNSET_SLACK_TOKEN }', '  channel: C123'].join('\n');
    const result = loadConnectorsText(text, FILE, {}, { resolveSecrets: false });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.slack?.bot_token.source).toBe('env:UNSET_SLACK_TOKEN');
  });

  it('says so when the file cannot be read', () => {
    const result = loadConnectorsFile('/nonexistent/connectors.yaml', {});
    expect(result).toEqual({ ok: false, errors: [{ file: '/nonexistent/connectors.yaml', line: 1, col: 1, message: 'cannot read connectors file: file not found' }] });
  });
});

describe('Secret', () => {
  it('never shows its value when stringified, serialised or inspected', () => {
    const secret = new Secret('hunter2-very-secret', 'env:TEST');
    const renderings = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ secret }), inspect(secret, { depth: 5 })];
    for (const text of renderings) expect(text).not.toContain('hunter2');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[secret]"}');
    expect(secret.reveal()).toBe('hunter2-very-secret');
  });
});
