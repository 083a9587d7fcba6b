/**
 * The scheduled archive: one pass of `quell audit archive` run by the worker (which holds the
 * store credentials and the signing key), over the runs that closed in the last `windowMs`. A
 * Temporal Schedule starts it (client/audit-archive-schedule.ts); a window longer than the
 * schedule's interval lets a missed pass be caught up by the next, and the archive's idempotence
 * makes the overlap free.
 *
 * Workflow-safe: Date.now() is the workflow's deterministic clock.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { QuellActivities } from '../activities';
import type { AuditArchiveResult } from '../activities/audit-archive';
import { NON_RETRYABLE_ERROR_TYPES } from '../common/errors';

export interface AuditArchiveInput {
  windowMs: number;
  store?: string;
  /** Visibility query of the runs in scope, without the time window (client/list-query.ts builds it). */
  scopeQuery: string;
}

const { archiveClosedRunsActivity } = proxyActivities<QuellActivities>({
  startToCloseTimeout: '2h',
  // Each run takes well under a minute; silence for longer means the worker died.
  heartbeatTimeout: '2m',
  retry: { initialInterval: '30s', backoffCoefficient: 2, maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

export async function auditArchive(input: AuditArchiveInput): Promise<AuditArchiveResult> {
  const closedAfter = new Date(Date.now() - input.windowMs).toISOString();
  const query = `${input.scopeQuery} AND ExecutionStatus != 'Running' AND CloseTime >= '${closedAfter}'`;
  return archiveClosedRunsActivity({ closedAfter, query, ...(input.store ? { store: input.store } : {}) });
}
