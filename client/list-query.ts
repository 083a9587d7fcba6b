/**
 * The visibility query behind every run listing (`quell list`, `quell audit list`, Slack's lists):
 * one clause per filter, over Quell's search attributes and Temporal's own time fields.
 *
 * Values come from people (CLI flags, Slack text) and are placed in the query as quoted literals.
 * Quotes, backslashes and control characters are refused rather than escaped, since no id, name or
 * control Quell makes contains them; a refusal names the filter.
 */
import type { RunMode, RunStatus } from '../common/run-state';
import { LIMITS } from '../common/limits';
import { excerpt, findForbiddenCharacter } from '../common/text-safety';
import { QuellClientError } from './errors';

/** A run's mode as listings filter it: a drill's runs (tabletop, carrying QuellDrill) are their own kind. */
export type ListMode = RunMode | 'drill';
export const LIST_MODES: readonly ListMode[] = ['live', 'tabletop', 'drill'];
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'cancelling', 'completed', 'failed', 'rejected', 'cancelled'];

export interface ListRunsFilter {
  /** Only runs on this task queue (one Quell deployment's runs). */
  taskQueue?: string;
  /** Only executions Temporal still considers running (Quell statuses running or cancelling). */
  open?: boolean;
  requestedBy?: string;
  incidentId?: string;
  /** Incidents whose id starts with this (a batch of related incidents, or one test's runs). */
  incidentPrefix?: string;
  runbook?: string;
  runbookVersion?: number;
  /** live: real runs; tabletop: exercises started by hand; drill: runs a drill started. */
  mode?: ListMode;
  /** Someone who approved or rejected a gate of the run. */
  approver?: string;
  /** Quell's own status (QuellStatus). */
  status?: RunStatus;
  /** A control id one of the run's steps declares (QuellControls). */
  control?: string;
  startedAfter?: Date;
  startedBefore?: Date;
  closedAfter?: Date;
  closedBefore?: Date;
  /** At most this many, in visibility's order (default 20). */
  limit?: number;
}

/** Builds the visibility query; exported for tests and for reuse by every listing surface. */
export function listRunsQuery(filter: ListRunsFilter): string {
  // Every Quell run carries QuellRunbook; other workflows in the namespace (drills themselves) are left out.
  const clauses = [filter.runbook !== undefined ? `QuellRunbook = ${literal('runbook', filter.runbook)}` : 'QuellRunbook IS NOT NULL'];
  if (filter.taskQueue !== undefined) clauses.push(`TaskQueue = ${literal('task queue', filter.taskQueue)}`);
  if (filter.open) clauses.push(`ExecutionStatus = 'Running'`);
  if (filter.requestedBy !== undefined) clauses.push(`QuellRequester = ${literal('requester', filter.requestedBy)}`);
  if (filter.incidentId !== undefined) clauses.push(`QuellIncident = ${literal('incident id', filter.incidentId)}`);
  if (filter.incidentPrefix !== undefined) clauses.push(`QuellIncident STARTS_WITH ${literal('incident prefix', filter.incidentPrefix)}`);
  if (filter.runbookVersion !== undefined) clauses.push(`QuellRunbookVersion = ${version(filter.runbookVersion)}`);
  if (filter.mode !== undefined) clauses.push(...modeClauses(filter.mode));
  if (filter.approver !== undefined) clauses.push(`QuellApprovers = ${literal('approver', filter.approver)}`);
  if (filter.status !== undefined) {
    if (!RUN_STATUSES.includes(filter.status)) throw invalid(`status "${excerpt(String(filter.status), 40)}" is not one of ${RUN_STATUSES.join(', ')}`);
    clauses.push(`QuellStatus = '${filter.status}'`);
  }
  if (filter.control !== undefined) clauses.push(`QuellControls = ${literal('control', filter.control)}`);
  if (filter.startedAfter !== undefined) clauses.push(`StartTime >= ${time('started-after', filter.startedAfter)}`);
  if (filter.startedBefore !== undefined) clauses.push(`StartTime < ${time('started-before', filter.startedBefore)}`);
  if (filter.closedAfter !== undefined || filter.closedBefore !== undefined) {
    // SQL visibility keeps open runs' close time as the far future: a lower bound alone would match them.
    clauses.push(`ExecutionStatus != 'Running'`);
    if (filter.closedAfter !== undefined) clauses.push(`CloseTime >= ${time('closed-after', filter.closedAfter)}`);
    if (filter.closedBefore !== undefined) clauses.push(`CloseTime < ${time('closed-before', filter.closedBefore)}`);
  }
  return clauses.join(' AND ');
}

function modeClauses(mode: ListMode): string[] {
  switch (mode) {
    case 'live':
      return [`QuellMode = 'live'`];
    case 'tabletop':
      return [`QuellMode = 'tabletop'`, 'QuellDrill IS NULL'];
    case 'drill':
      return ['QuellDrill IS NOT NULL'];
    default:
      throw invalid(`mode "${excerpt(String(mode), 40)}" is not one of ${LIST_MODES.join(', ')}`);
  }
}

/** A quoted string for the visibility query, or a refusal naming `what`. */
export function literal(what: string, value: string): string {
  if (/['"\\]/.test(value) || findForbiddenCharacter(value) || value.length > LIMITS.referenceLength.value) {
    throw invalid(`${what} "${excerpt(value, 60)}" is not valid here`);
  }
  return `'${value}'`;
}

function version(value: number): string {
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(`runbook version ${String(value)} is not a whole number of at least 1`);
  return String(value);
}

function time(what: string, value: Date): string {
  if (Number.isNaN(value.getTime())) throw invalid(`${what} is not a valid time`);
  return `'${value.toISOString()}'`;
}

function invalid(message: string): QuellClientError {
  return new QuellClientError('invalid-input', message);
}
