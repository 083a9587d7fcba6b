/**
 * Archives closed runs' dossiers into a write-once evidence store (reports/audit/archive.ts) from
 * a client: the runs come from a visibility query on Quell's search attributes (closed in the
 * window), each history is fetched by workflow and run id and opened with the client's codecs.
 * The CLI calls it directly; the scheduled archive workflow's activity calls the same core.
 */
import type { Client } from '@temporalio/client';
import type { EvidenceStore } from '../connectors/evidence-roles';
import { archiveClosedRuns, type ArchiveSummary, type RunArchiveResult } from '../reports/audit/archive';
import { listClosedRuns } from '../reports/audit/client-histories';
import { decodeWithClientCodecs } from './audit-dossier';
import { listRunsQuery } from './list-query';

export interface ArchiveWindow {
  closedAfter: Date;
  closedBefore?: Date;
  /** Only runs of this deployment's task queue (absent: every Quell run in the namespace). */
  taskQueue?: string;
}

export interface ArchiveRequest extends ArchiveWindow {
  store: EvidenceStore;
  signingKeyPem: string;
  publicKeyPem: string;
  exportedBy: string;
  onRun?(result: RunArchiveResult): void;
}

/** The visibility query for closed Quell runs in the window (listRunsQuery leaves open runs out). */
export function closedRunsQuery(window: ArchiveWindow): string {
  return listRunsQuery({ closedAfter: window.closedAfter, ...(window.closedBefore ? { closedBefore: window.closedBefore } : {}), ...(window.taskQueue ? { taskQueue: window.taskQueue } : {}) });
}

export async function archiveRuns(client: Client, request: ArchiveRequest): Promise<ArchiveSummary> {
  return archiveClosedRuns({
    namespace: client.options.namespace,
    store: request.store,
    signingKeyPem: request.signingKeyPem,
    publicKeyPem: request.publicKeyPem,
    exportedBy: request.exportedBy,
    runs: listClosedRuns(client.workflow, closedRunsQuery(request)),
    fetchHistory: async (run) => decodeWithClientCodecs(client, await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory()),
    now: () => new Date(),
    ...(request.onRun ? { onRun: request.onRun } : {}),
  });
}
