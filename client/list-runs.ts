/**
 * Lists runs through Temporal visibility, filtered on Quell's search attributes. Visibility is
 * eventually consistent: a run started a moment ago may not be listed yet, so callers that need
 * one run's truth ask it directly (getRunState).
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { RunMode, RunStatus } from '../common/run-state';
import { QuellIncident, QuellMode, QuellRequester, QuellRunbook, QuellStatus } from '../common/search-attributes';
import { LIMITS } from '../common/limits';
import { excerpt, findForbiddenCharacter } from '../common/text-safety';
import { QuellClientError } from './runs';

export interface RunSummary {
  workflowId: string;
  runbook?: string;
  incidentId?: string;
  mode?: RunMode;
  requestedBy?: string;
  /** Quell's own status (QuellStatus); absent only on runs that never set it. */
  status?: RunStatus;
  /** Temporal's view: Running, Completed, Failed, Terminated… */
  execution: string;
  startedAt: string;
  closedAt?: string;
}

export interface ListRunsFilter {
  /** Only runs on this task queue (one Quell deployment's runs). */
  taskQueue?: string;
  /** Only executions Temporal still considers running (Quell statuses running or cancelling). */
  open?: boolean;
  requestedBy?: string;
  incidentId?: string;
  runbook?: string;
  /** At most this many, newest first as visibility orders them (default 20). */
  limit?: number;
}

/** Builds the visibility query; exported for tests and for `quell`-side reuse. */
export function listRunsQuery(filter: ListRunsFilter): string {
  // Every Quell run carries QuellRunbook; other workflows in the namespace are left out.
  const clauses = ['QuellRunbook IS NOT NULL'];
  if (filter.runbook !== undefined) clauses[0] = `QuellRunbook = ${literal('runbook', filter.runbook)}`;
  if (filter.taskQueue !== undefined) clauses.push(`TaskQueue = ${literal('task queue', filter.taskQueue)}`);
  if (filter.open) clauses.push(`ExecutionStatus = 'Running'`);
  if (filter.requestedBy !== undefined) clauses.push(`QuellRequester = ${literal('requester', filter.requestedBy)}`);
  if (filter.incidentId !== undefined) clauses.push(`QuellIncident = ${literal('incident id', filter.incidentId)}`);
  return clauses.join(' AND ');
}

export async function listRuns(client: Client, filter: ListRunsFilter = {}): Promise<RunSummary[]> {
  const limit = filter.limit ?? 20;
  const runs: RunSummary[] = [];
  if (limit <= 0) return runs;
  for await (const execution of client.workflow.list({ query: listRunsQuery(filter), pageSize: Math.min(limit, 100) })) {
    runs.push(summarise(execution));
    if (runs.length >= limit) break;
  }
  return runs;
}

function summarise(execution: WorkflowExecutionInfo): RunSummary {
  const attributes = execution.typedSearchAttributes;
  const runbook = attributes.get(QuellRunbook);
  const incidentId = attributes.get(QuellIncident);
  const mode = attributes.get(QuellMode);
  const requestedBy = attributes.get(QuellRequester);
  const status = attributes.get(QuellStatus);
  return {
    workflowId: execution.workflowId,
    ...(runbook !== undefined ? { runbook } : {}),
    ...(incidentId !== undefined ? { incidentId } : {}),
    ...(mode === 'live' || mode === 'tabletop' ? { mode } : {}),
    ...(requestedBy !== undefined ? { requestedBy } : {}),
    ...(status !== undefined ? { status: status as RunStatus } : {}),
    execution: execution.status.name,
    startedAt: execution.startTime.toISOString(),
    ...(execution.closeTime ? { closedAt: execution.closeTime.toISOString() } : {}),
  };
}

/**
 * A quoted string for the visibility query. Values come from people (Slack text, CLI flags):
 * quotes, backslashes and control characters are refused rather than escaped, since no id Quell
 * makes contains them.
 */
function literal(what: string, value: string): string {
  if (/['"\\]/.test(value) || findForbiddenCharacter(value) || value.length > LIMITS.referenceLength.value) {
    throw new QuellClientError('invalid-input', `${what} "${excerpt(value, 60)}" is not valid here`);
  }
  return `'${value}'`;
}
