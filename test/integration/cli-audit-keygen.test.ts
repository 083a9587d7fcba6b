/**
 * `quell audit keygen` as users run it: writes an Ed25519 key pair (private key 0600), prints the
 * key id and where each half went, and refuses to overwrite anything.
 */
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildChain } from '../../reports/audit/chain';
import { keyIdOf, readPrivateKeyFile, readPublicKeyFile, signHead, verifySignature } from '../../reports/audit/signing';
import { runQuell, type CliEnvironment } from '../support/cli';

let dir: string;
let env: CliEnvironment;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-cli-audit-'));
  // keygen needs no server; the address only satisfies config validation should anything read it.
  env = { address: '127.0.0.1:1', namespace: 'default', taskQueue: 'unused', dataDir: path.join(dir, 'data') };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('quell audit keygen', () => {
  test('writes a usable key pair, the private half 0600, and says where both went', async () => {
    const out = path.join(dir, 'dossier.key');
    const publicOut = path.join(dir, 'keys', 'dossier-public.pem');
    fs.mkdirSync(path.dirname(publicOut));
    const result = await runQuell(['audit', 'keygen', '--out', out, '--public-out', publicOut], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const privateKeyPem = readPrivateKeyFile(out);
    const publicKeyPem = readPublicKeyFile(publicOut);
    const keyId = keyIdOf(createPublicKey(publicKeyPem));
    expect(result.stdout.split('\n')).toEqual([`key id: ${keyId}`, `private key: ${out} (mode 0600; keep it secret)`, `public key: ${publicOut}`]);

    // The two files are halves of one pair.
    const head = buildChain([{ kind: 'note', data: 'keygen test' }], { historyEventCount: 1, lastEventId: 1 }).head;
    expect(verifySignature(head, signHead(head, privateKeyPem), publicKeyPem)).toEqual({ ok: true });
  });

  test('the public key goes beside the private one as <out>.pub by default', async () => {
    const out = path.join(dir, 'signer.key');
    const result = await runQuell(['audit', 'keygen', '--out', out], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`public key: ${out}.pub`);
    expect(readPublicKeyFile(`${out}.pub`)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  test('refuses to overwrite an existing private or public key file, and writes nothing', async () => {
    const out = path.join(dir, 'existing.key');
    fs.writeFileSync(out, 'precious\n');
    const refused = await runQuell(['audit', 'keygen', '--out', out], env);
    expect(refused).toMatchObject({ code: 1, stdout: '', stderr: `quell: ${out} already exists: refusing to overwrite it` });
    expect(fs.readFileSync(out, 'utf8')).toBe('precious\n');
    expect(fs.existsSync(`${out}.pub`)).toBe(false);

    const fresh = path.join(dir, 'fresh.key');
    const publicOut = path.join(dir, 'taken.pub');
    fs.writeFileSync(publicOut, 'taken\n');
    const publicRefused = await runQuell(['audit', 'keygen', '--out', fresh, '--public-out', publicOut], env);
    expect(publicRefused).toMatchObject({ code: 1, stderr: `quell: ${publicOut} already exists: refusing to overwrite it` });
    expect(fs.existsSync(fresh)).toBe(false);
    expect(fs.readFileSync(publicOut, 'utf8')).toBe('taken\n');
  });

  test('--out is required, and must differ from --public-out', async () => {
    const missing = await runQuell(['audit', 'keygen'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--out <file>' not specified");

    const same = path.join(dir, 'same.key');
    const clash = await runQuell(['audit', 'keygen', '--out', same, '--public-out', same], env);
    expect(clash).toMatchObject({ code: 2, stderr: 'quell: --public-out must differ from --out' });
    expect(fs.existsSync(same)).toBe(false);
  });

  test('an unwritable location is reported, naming the file', async () => {
    const out = path.join(dir, 'no-such-folder', 'dossier.key');
    const result = await runQuell(['audit', 'keygen', '--out', out], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^quell: cannot write private key file ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`));
  });
});
