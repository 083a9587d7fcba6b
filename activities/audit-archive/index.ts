/**
 * The scheduled archive's activity: the same archive as `quell audit archive`, run by the worker,
 * which holds the evidence stores' credentials and the signing key. Long (one pass can cover
 * thousands of runs), so it heartbeats after every run; a retry starts over and skips what the
 * failed attempt already archived (the archive is idempotent by head).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../common/errors';
import type { ArchiveSummary } from '../../reports/audit/archive';
import { archiveThroughClient } from '../../reports/audit/client-histories';
import { readAuditKeys, type AuditKeyFiles } from '../../reports/audit/key-files';
import type { LiveSetup } from '../action-performer';
import { openEvidenceStores } from '../evidence/open-stores';

export interface AuditArchiveRequest {
  closedAfter: string;
  closedBefore?: string;
  /** Evidence store kind (`local`, `s3-object-lock`); needed when several are configured. */
  store?: string;
  /** The visibility query selecting the closed runs (built by the workflow's caller). */
  query: string;
}

/** What the activity reports: counts, and the first failures (bounded, to keep the history small). */
export interface AuditArchiveResult extends Omit<ArchiveSummary, 'failed'> {
  failedCount: number;
  failed: ArchiveSummary['failed'];
  store: string;
}

const FAILURES_KEPT = 20;

export interface AuditArchiveDeps {
  live: LiveSetup;
  dataDir: string;
  keyFiles: AuditKeyFiles;
}


const notConfigured = (message: string) => ApplicationFailure.nonRetryable(message, ErrorType.NotConfigured);

export function createAuditArchiveActivity(deps: AuditArchiveDeps | undefined) {
  return async function archiveClosedRunsActivity(request: AuditArchiveRequest): Promise<AuditArchiveResult> {
    if (!deps?.live.file) throw notConfigured('the worker has no connectors file, so no evidence store to archive into');
    const { privateKeyPem, publicKeyPem } = readAuditKeys(deps.keyFiles);
    if (!privateKeyPem || !publicKeyPem) throw notConfigured('the worker has no signing key (QUELL_AUDIT_SIGNING_KEY): archived dossiers are always signed');
    const context = Context.current();
    const client = context.client;
    const opened = await openEvidenceStores(deps.live.file, deps.dataDir);
    try {
      const candidates = request.store ? opened.stores.filter((store) => store.kind === request.store) : opened.stores;
      if (candidates.length !== 1) {
        throw notConfigured(request.store ? `no evidence store "${request.store}" is configured (configured: ${opened.stores.map((s) => s.kind).join(', ') || 'none'})` : `name the store to archive into: ${opened.stores.length} are configured`);
      }
      const store = candidates[0]!;
      let seen = 0;
      const summary = await archiveThroughClient(client, {
        query: request.query,
        store,
        signingKeyPem: privateKeyPem,
        publicKeyPem,
        exportedBy: 'quell worker (scheduled archive)',
        onRun: () => {
          seen += 1;
          context.heartbeat({ seen });
        },
      });
      return { archived: summary.archived, skipped: summary.skipped, failedCount: summary.failed.length, failed: summary.failed.slice(0, FAILURES_KEPT), ...(summary.passAnchor ? { passAnchor: summary.passAnchor } : {}), store: store.location };
    } finally {
      opened.close();
    }
  };
}
