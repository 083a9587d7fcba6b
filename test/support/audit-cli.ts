/**
 * The audit CLI as the dossier tests use it: an environment whose exports are signed with a key
 * written into the test's folder (signing.pem, and signing.pub to verify with), and an export of
 * one run's dossier as JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DossierDocument } from '../../reports/audit/dossier-types';
import { generateSigningKey, writePrivateKeyFile, writePublicKeyFile } from '../../reports/audit/signing';
import { runQuell, type CliEnvironment } from './cli';
import { testServer } from './temporal';

/** A CLI environment on the test server whose dossiers are signed by a fresh key in `work`. */
export function signedAuditCli(work: string, taskQueue: string): CliEnvironment {
  const key = generateSigningKey();
  writePrivateKeyFile(path.join(work, 'signing.pem'), key.privateKeyPem);
  writePublicKeyFile(path.join(work, 'signing.pub'), key.publicKeyPem);
  const { address, namespace } = testServer();
  return { address, namespace, taskQueue, dataDir: work, extra: { QUELL_AUDIT_SIGNING_KEY: path.join(work, 'signing.pem') } };
}

/** `quell audit export <run> --format json` into `work`; the file, the document and what was printed. */
export async function exportDossierJson(env: CliEnvironment, work: string, workflowId: string): Promise<{ file: string; dossier: DossierDocument; stdout: string }> {
  const file = path.join(work, `${workflowId.replace(/[^A-Za-z0-9-]/g, '_')}.json`);
  const exported = await runQuell(['audit', 'export', workflowId, '--format', 'json', '--out', file], env);
  expect(exported).toMatchObject({ code: 0, stderr: '' });
  return { file, dossier: JSON.parse(fs.readFileSync(file, 'utf8')) as DossierDocument, stdout: exported.stdout };
}
