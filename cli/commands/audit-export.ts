/**
 * `quell audit export <run>`: the run's compliance dossier from its Temporal history alone (no
 * worker needed), signed with the configured key, as JSON (the verifiable record), Markdown or a
 * self-contained HTML page. The human formats carry the verification result of the JSON they
 * were rendered from. A child run's steps are in its own dossier: the export names each child
 * and the command that exports it.
 */
import type { Command } from 'commander';
import { exportRunDossier } from '../../client/audit-dossier';
import { excerpt } from '../../common/text-safety';
import { renderDossierHtml } from '../../reports/audit/dossier-html';
import { renderDossierMarkdown } from '../../reports/audit/dossier-markdown';
import type { ChildRunEntryData, DossierDocument } from '../../reports/audit/dossier-types';
import { dossierView } from '../../reports/audit/dossier-view';
import { auditKeyFiles } from '../../reports/audit/key-files';
import { verifyDossierOffline } from '../../reports/audit/verify-dossier';
import { cliAuditKeys } from '../audit-keys';
import { checkedReference } from '../checks';
import type { CliContext } from '../context';
import { writeOutFile } from '../out-file';
import { shownLine } from '../display';
import { usageFailure } from '../failure';

export const DOSSIER_FORMATS = ['json', 'md', 'html'] as const;
export type DossierFormat = (typeof DOSSIER_FORMATS)[number];

/** The text of a dossier in one format; md and html show how the JSON verifies with `publicKeyPem`. */
export function renderDossier(document: DossierDocument, format: DossierFormat, publicKeyPem: string | undefined): string {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  const view = dossierView(document, verifyDossierOffline(document, publicKeyPem));
  return format === 'html' ? renderDossierHtml(view) : renderDossierMarkdown(view);
}

/** One line per child run the dossier names: each has its own dossier, exported by its id. */
export function childDossierLines(document: DossierDocument): string[] {
  return document.entries
    .filter((entry) => entry.kind === 'child-run')
    .map((entry) => entry.data as ChildRunEntryData)
    .map((child) => `child run ${shownLine(child.workflowId)} (step ${shownLine(child.stepId)}) has its own dossier: ${shownLine(child.ownDossier)}`);
}

interface ExportOptions {
  format?: string;
  out?: string;
  key?: string;
  unsigned?: boolean;
}

export function registerAuditExport(audit: Command, ctx: CliContext): void {
  audit
    .command('export <workflowId>')
    .description("a run's signed compliance dossier, built from its Temporal history (no worker needed)")
    .option('--format <format>', `output format: ${DOSSIER_FORMATS.join(', ')}`, 'json')
    .option('--out <file>', 'write it to this file instead of printing it')
    .option('--key <file>', 'Ed25519 private key to sign with (default: $QUELL_AUDIT_SIGNING_KEY)')
    .option('--unsigned', 'export without a signature (verify will say the head is unprotected)')
    .action(async (workflowId: string, options: ExportOptions) => {
      checkedReference('<workflowId>', workflowId);
      const format = options.format ?? 'json';
      if (!(DOSSIER_FORMATS as readonly string[]).includes(format)) throw usageFailure(`--format "${excerpt(format, 20)}" is not one of ${DOSSIER_FORMATS.join(', ')}`);
      if (options.out !== undefined && options.out.trim() === '') throw usageFailure('--out is empty: give a file');
      // The page shows how the export verifies under the key that signed it, not a configured public key.
      const signingKeyFile = options.key ?? auditKeyFiles(ctx.env).signingKeyFile;
      const { privateKeyPem: privatePem, publicKeyPem: publicPem } = options.unsigned || !signingKeyFile ? {} : cliAuditKeys(ctx, { signingKeyFile });
      if (!options.unsigned && !privatePem) {
        throw usageFailure('no signing key: set QUELL_AUDIT_SIGNING_KEY (create one with `quell audit keygen --out FILE`), pass --key FILE, or --unsigned');
      }
      const document = await exportRunDossier(await ctx.getClient(), workflowId, { ...(privatePem ? { signingKeyPem: privatePem } : {}), exportedBy: `quell ${ctx.env.QUELL_VERSION ?? 'unknown'}` });
      const text = renderDossier(document, format as DossierFormat, publicPem);
      const children = childDossierLines(document);
      if (options.out === undefined) {
        ctx.io.stdout(text.replace(/\n$/, ''));
        // Beside the document, not in it: printed JSON stays one JSON value.
        for (const line of children) ctx.io.stderr(line);
        return;
      }
      const file = writeOutFile(options.out, text);
      const signed = document.signature ? `signed by key ${document.signature.keyId}` : 'UNSIGNED';
      ctx.io.stdout(`dossier of ${workflowId} written to ${shownLine(file)} (${format}): ${document.head.entryCount} entries over ${document.head.historyEventCount} history events, head ${document.head.headSha256.slice(0, 16)}…, ${signed}`);
      for (const line of children) ctx.io.stdout(line);
    });
}
