/**
 * `quell evidence verify <workflowId>`: re-reads a run's evidence from every store the connectors
 * file configures, re-hashes each copy and checks the hash chain of the custody log. Prints a
 * summary and exits 0 when everything is intact; names the first broken link (store, entry,
 * artifact, expected and actual value) and exits 1 otherwise. Copies no custody entry certifies
 * (left by attempts cut off before their entry) are listed as not part of the chain; they do not
 * change the verdict. Needs the store credentials (run it
 * where the worker runs), not Temporal.
 */
import type { Command } from 'commander';
import type { StoreVerification, EvidenceVerification } from '../../activities/evidence/verify';
import { describeUncertified } from '../../activities/evidence/uncertified';
import { CliFailure, type CliContext } from '../context';
import { refuseUnusable, withEvidenceStores } from '../evidence-stores';

/** Adds `quell evidence verify`. Read-only: safe to run any number of times, during or after a run. */
export function registerEvidence(program: Command, ctx: CliContext): void {
  const evidence = program.command('evidence').description('evidence that live runs collected');
  evidence
    .command('verify <workflowId>')
    .description("re-hash a run's evidence and check its chain of custody in every configured store")
    .option('--json', 'print the verification as JSON')
    .action(async (workflowId: string, options: { json?: boolean }) => {
      // Loaded lazily (withEvidenceStores): the stores pull in the cloud SDKs.
      const { verifyRunEvidence } = await import('../../activities/evidence/verify');
      await withEvidenceStores(ctx, async (opened, connectorsFile) => {
        refuseUnusable(opened);
        if (opened.stores.length === 0) throw new CliFailure(`${connectorsFile} configures no evidence store`, 2);
        const report = await verifyRunEvidence(opened.stores, workflowId);
        ctx.io.stdout(options.json ? JSON.stringify(report, null, 2) : render(report));
        if (report.status === 'broken') throw new CliFailure(`evidence of ${workflowId} is BROKEN: ${report.broken!.message}`, 1);
        if (report.status === 'no-evidence') throw new CliFailure(`no store holds evidence of ${workflowId}`, 1);
      });
    });
}

function render(report: EvidenceVerification): string {
  const lines = report.stores.flatMap((store) => [
    `  ${store.store} ${store.location}: ${store.entries} entries, ${store.artifacts} artifacts, ${store.bytes} bytes verified` +
      (store.head ? `; head ${store.head}` : ''),
    ...renderUncertified(store),
  ]);
  const verdict = report.status === 'intact' ? 'intact' : report.status === 'broken' ? 'BROKEN' : 'no evidence found';
  const broken = report.broken
    ? [
        `  first broken link: ${report.broken.message}`,
        ...(report.broken.expected !== undefined ? [`    expected: ${report.broken.expected}`, `    actual:   ${report.broken.actual}`] : []),
      ]
    : [];
  return [`evidence of ${report.workflowId}: ${verdict}`, ...lines, ...broken].join('\n');
}

function renderUncertified(store: StoreVerification): string[] {
  const count = store.uncertified.length;
  if (count === 0) return [];
  const fate = store.removable ? 'they may be removed' : 'locked until their retention ends: they cannot be deleted';
  return [
    `    ${count} uncertified ${count === 1 ? 'copy' : 'copies'}, not part of the chain (${fate}):`,
    ...store.uncertified.map((copy) => `      ${describeUncertified(copy)}`),
  ];
}
