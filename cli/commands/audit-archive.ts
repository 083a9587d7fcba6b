/**
 * `quell audit archive --since 7d [--until TIME] [--to STORE]`: writes each run that closed in the
 * window as a signed dossier (JSON and HTML) with its anchor into a write-once evidence store of
 * the connectors file, then one anchor for the pass. Safe to repeat: runs already archived are
 * checked by their head and skipped. Run it (or its schedule) well inside the namespace's
 * retention, or histories are gone before they are kept.
 */
import type { Command } from 'commander';
import { archiveRuns } from '../../client/audit-archive';
import type { EvidenceStore } from '../../connectors/evidence-roles';
import { excerpt } from '../../common/text-safety';
import type { RunArchiveResult } from '../../reports/audit/archive';
import { cliAuditKeys } from '../audit-keys';
import { refuseUnusable, withEvidenceStores } from '../evidence-stores';
import { pointInTime } from './list-output';
import type { CliContext } from '../context';
import { shownLine } from '../display';
import { CliFailure, usageFailure } from '../failure';

/** The store to archive into: the one named, or the only one configured. */
export function pickStore(stores: readonly EvidenceStore[], wanted: string | undefined, file: string): EvidenceStore {
  if (stores.length === 0) throw new CliFailure(`${file} configures no evidence store to archive into`, 2);
  if (wanted !== undefined) {
    const store = stores.find((candidate) => candidate.kind === wanted);
    if (!store) throw usageFailure(`--to "${excerpt(wanted, 40)}" is not a configured evidence store; configured: ${stores.map((s) => s.kind).join(', ')}`);
    return store;
  }
  if (stores.length > 1) throw usageFailure(`several evidence stores are configured (${stores.map((s) => s.kind).join(', ')}): name one with --to`);
  return stores[0]!;
}

interface ArchiveOptions {
  since: string;
  until?: string;
  to?: string;
  allTaskQueues?: boolean;
  json?: boolean;
}

export function registerAuditArchive(audit: Command, ctx: CliContext): void {
  audit
    .command('archive')
    .description('keep closed runs past retention: signed dossiers and anchors into a write-once evidence store (idempotent)')
    .requiredOption('--since <time>', 'runs closed since then: a duration back from now (7d, 36h) or an ISO time')
    .option('--until <time>', 'and before then (default: now)')
    .option('--to <store>', 'the evidence store of the connectors file (local, s3-object-lock); needed when several are configured')
    .option('--all-task-queues', "archive every Quell run in the namespace, not only this deployment's task queue")
    .option('--json', 'print the summary as JSON')
    .action(async (options: ArchiveOptions) => {
      const now = new Date();
      const closedAfter = pointInTime('--since', options.since, now);
      const closedBefore = options.until !== undefined ? pointInTime('--until', options.until, now) : undefined;
      if (closedBefore && closedBefore <= closedAfter) throw usageFailure('--until must be later than --since');
      const config = ctx.getConfig();
      await withEvidenceStores(ctx, async (opened, connectorsFile) => {
        const { privateKeyPem: privatePem, publicKeyPem: publicPem } = cliAuditKeys(ctx, undefined, 2);
        if (!privatePem || !publicPem) throw new CliFailure('no signing key: set QUELL_AUDIT_SIGNING_KEY (create one with `quell audit keygen --out FILE`); archived dossiers are always signed', 2);
        refuseUnusable(opened);
        const store = pickStore(opened.stores, options.to, connectorsFile);
        let seen = 0;
        const summary = await archiveRuns(await ctx.getClient(), {
          closedAfter,
          ...(closedBefore ? { closedBefore } : {}),
          ...(options.allTaskQueues ? {} : { taskQueue: config.taskQueue }),
          store,
          signingKeyPem: privatePem,
          publicKeyPem: publicPem,
          exportedBy: `quell ${ctx.env.QUELL_VERSION ?? 'unknown'}`,
          onRun: (result) => {
            seen += 1;
            if (!options.json) ctx.io.stdout(describe(result));
            if (seen % 25 === 0) ctx.io.stderr(`… ${seen} runs looked at`);
          },
        });
        if (options.json) ctx.io.stdout(JSON.stringify({ store: store.location, ...summary }, null, 2));
        else ctx.io.stdout(`archive into ${shownLine(store.location)}: ${summary.archived} archived, ${summary.skipped} already archived, ${summary.failed.length} failed${summary.passAnchor ? `; pass anchor ${shownLine(summary.passAnchor)}` : ''}`);
        if (summary.failed.length > 0) throw new CliFailure(`${summary.failed.length} run(s) not archived (see above)`, 1);
      });
    });
}

function describe(result: RunArchiveResult): string {
  const run = `${shownLine(result.workflowId)} (run ${result.runId})`;
  if (result.outcome === 'failed') return `FAILED ${run}: ${shownLine(result.reason)}`;
  return `${result.outcome === 'archived' ? 'archived' : 'already archived'} ${run}: head ${result.headSha256.slice(0, 16)}… at ${shownLine(result.location)}`;
}
