/**
 * `quell audit …`: the compliance dossier's signing key. `keygen` writes a new Ed25519 key pair
 * (private key mode 0600) and never replaces an existing file. Needs no server or configuration.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { SigningKeyError, generateSigningKey, writePrivateKeyFile, writePublicKeyFile } from '../../reports/audit/signing';
import { CliFailure, type CliContext } from '../context';
import { registerAuditExport } from './audit-export';
import { registerAuditVerify } from './audit-verify';
import { registerAuditArchive } from './audit-archive';
import { registerAuditControls } from './audit-controls';
import { registerAuditArchiveSchedule } from './audit-archive-schedule';
import { registerAuditList } from './audit-list';
import { usageFailure } from '../failure';

export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('compliance review: find runs, export and verify tamper-evident dossiers, signing keys');
  audit
    .command('keygen')
    .description('create an Ed25519 key pair for signing dossiers (refuses to overwrite existing files)')
    .requiredOption('--out <file>', 'where to write the private key (created with mode 0600)')
    .option('--public-out <file>', 'where to write the public key (default: <out>.pub)')
    .action((options: { out: string; publicOut?: string }) => {
      const privateFile = options.out;
      const publicFile = options.publicOut ?? `${privateFile}.pub`;
      if (!privateFile.trim()) throw usageFailure('--out is empty: name the private key file to create');
      if (!publicFile.trim()) throw usageFailure('--public-out is empty: name the public key file to create');
      if (publicFile === privateFile) throw usageFailure('--public-out must differ from --out');
      // Both checked before either is written, so a refusal leaves nothing half made.
      for (const file of [privateFile, publicFile]) {
        if (fs.existsSync(file)) throw new CliFailure(`${file} already exists: refusing to overwrite it`);
      }
      const key = generateSigningKey();
      try {
        writePrivateKeyFile(privateFile, key.privateKeyPem);
        try {
          writePublicKeyFile(publicFile, key.publicKeyPem);
        } catch (error) {
          // A private key whose public half was never saved cannot be checked against: remove it.
          fs.rmSync(privateFile, { force: true });
          throw error;
        }
      } catch (error) {
        if (error instanceof SigningKeyError) throw new CliFailure(error.message);
        throw error;
      }
      ctx.io.stdout(`key id: ${key.keyId}`);
      ctx.io.stdout(`private key: ${privateFile} (mode 0600; keep it secret)`);
      ctx.io.stdout(`public key: ${publicFile}`);
    });
  registerAuditExport(audit, ctx);
  registerAuditVerify(audit, ctx);
  registerAuditControls(audit, ctx);
  registerAuditArchive(audit, ctx);
  registerAuditArchiveSchedule(audit, ctx);
  registerAuditList(audit, ctx);
}
