/**
 * `quell doctor` and the CLI's live refusals against real endpoints: moto (AWS), OpenBao, SCIM and
 * a local evidence store. Doctor probes every connector and names the failing one; `quell start`
 * refuses a live run whose runbook needs a connector the file lacks, before any workflow exists.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runQuell, type CliEnvironment } from '../../support/cli';
import { startMoto, type MotoServer } from '../../support/moto';
import { startOpenBao, type OpenBaoServer } from '../../support/openbao';
import { startScimServer, type ScimTestServer } from '../../support/scim-server';
import { testServer, uniqueTaskQueue } from '../../support/temporal';
import { plantSecret } from '../../support/planted-secrets';

interface DoctorRow {
  connector: string;
  name: string;
  ok: boolean;
  detail: string;
}

let moto: MotoServer;
let bao: OpenBaoServer;
let scim: ScimTestServer;
let work: string;
let connectorsFile: string;
let cli: CliEnvironment;

function secretsEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    QUELL_CONNECTORS_FILE: connectorsFile,
    DOCTOR_AWS_ID: moto.env.AWS_ACCESS_KEY_ID,
    DOCTOR_AWS_SECRET: moto.env.AWS_SECRET_ACCESS_KEY,
    DOCTOR_BAO_TOKEN: bao.rootToken,
    DOCTOR_SCIM_TOKEN: scim.token,
    ...overrides,
  };
}

beforeAll(async () => {
  [moto, bao, scim] = await Promise.all([startMoto(), startOpenBao(), startScimServer()]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-doctor-'));
  fs.mkdirSync(path.join(work, 'evidence'));
  connectorsFile = path.join(work, 'connectors.yaml');
  fs.writeFileSync(
    connectorsFile,
    [
      'version: 1',
      'aws:',
      `  region: ${moto.region}`,
      `  endpoint: ${moto.endpoint}`,
      '  access_key_id: { env: DOCTOR_AWS_ID }',
      '  secret_access_key: { env: DOCTOR_AWS_SECRET }',
      'openbao:',
      `  address: ${bao.address}`,
      '  token: { env: DOCTOR_BAO_TOKEN }',
      'scim:',
      `  base_url: ${scim.baseUrl}`,
      '  token: { env: DOCTOR_SCIM_TOKEN }',
      'evidence:',
      '  stores:',
      `    local: { dir: ${path.join(work, 'evidence')} }`,
      '',
    ].join('\n'),
  );
  const { address, namespace } = testServer();
  cli = { address, namespace, taskQueue: uniqueTaskQueue('doctor'), dataDir: path.join(work, 'data') };
});

afterAll(async () => {
  await Promise.all([moto?.stop(), bao?.stop(), scim?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('doctor probes every configured connector and passes when all answer', async () => {
  const result = await runQuell(['doctor', '--json'], { ...cli, extra: secretsEnv() });
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const rows = JSON.parse(result.stdout) as DoctorRow[];
  const connectors = [...new Set(rows.map((row) => row.connector))].sort();
  expect(connectors).toEqual(expect.arrayContaining(['aws-iam', 'aws-sg', 'evidence-store:local', 'openbao', 'scim']));
  expect(rows.filter((row) => !row.ok)).toEqual([]);
});

test('doctor names the connector whose credentials are refused, and exits 1 without printing the secret', async () => {
  const wrongToken = plantSecret('wrong-bao-token-for-doctor-test', 'wrong openbao token');
  const result = await runQuell(['doctor'], { ...cli, extra: secretsEnv({ DOCTOR_BAO_TOKEN: wrongToken }) });
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/^openbao\s+\S+\s+FAIL\s+/m);
  expect(result.stdout).not.toMatch(/^(aws-iam|scim)\s+\S+\s+FAIL/m);
  expect(result.stderr).toMatch(/checks failed \(openbao\)/);
  expect(`${result.stdout}${result.stderr}`).not.toContain(wrongToken);
});

test('doctor reports a connectors file problem at its line and column (exit 2)', async () => {
  const broken = path.join(work, 'broken.yaml');
  fs.writeFileSync(broken, 'version: 1\nscim:\n  base_url: http://127.0.0.1:1/v2\n  token: literal-token\n');
  const result = await runQuell(['doctor'], { ...cli, extra: { QUELL_CONNECTORS_FILE: broken } });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`${broken}:4:10: secrets are never written in the connectors file`);
});

test('a live start whose runbook needs unconfigured connectors is refused up front, naming them', async () => {
  const result = await runQuell(
    ['start', 'credential-compromise', '--input', 'principal=alice', '--incident', `INC-doctor-${Date.now()}`, '--as', 'rita'],
    { ...cli, extra: secretsEnv() },
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('live run refused:');
  expect(result.stderr).toContain(
    'provider nftables is not configured for egress.block (add the `nftables:` section to the connectors file) (step block-egress)',
  );
  expect(result.stderr).toContain('no live connector is configured for notify (steps approve-containment, tell-responders)');
  expect(result.stderr).toContain(
    'evidence store s3-object-lock is not configured (add evidence.stores.s3-object-lock to the connectors file) (steps collect-api-activity, collect-app-logs)',
  );
  // aws-iam is configured: the revoke steps are not among the problems.
  expect(result.stderr).not.toContain('credentials.revoke');
  // No vendor input: the vendor steps will be skipped, so they need no connector.
  expect(result.stderr).not.toContain('notify-vendor');
  expect(result.stderr).not.toContain('await-vendor');
});
