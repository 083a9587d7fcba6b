/**
 * Archives closed runs' dossiers into a write-once evidence store (reports/audit/archive.ts) from
 * a client: the runs come from a visibility query on Quell's search attributes (closed in the
 * window), each history is fetched by workflow and run id and opened with the client's codecs.
 * The CLI calls it directly; the scheduled archive workflow's activity calls the same core.
 */
import type { Client } from '@temporalio/client';
import type { EvidenceStore } from '../connectors/evidence-roles';
import type { ArchiveSummary, RunArchiveResult } from '../reports/audit/archive';
import { archiveThroughClient } from '../reports/audit/client-histories';
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
  const { closedAfter: _after, closedBefore: _before, taskQueue: _queue, ...archive } = request;
  return archiveThroughClient(client, { ...archive, query: closedRunsQuery(request) });
}
