/**
 * Lists runs through Temporal visibility, filtered on Quell's search attributes (the query is
 * built in ./list-query.ts). Visibility is eventually consistent: a run started a moment ago may
 * not be listed yet, so callers that need one run's truth ask it directly (getRunState).
 *
 * Two orders. Visibility's own (open runs first, newest start first, then closed runs, most
 * recently closed first) streams page by page and pages with Temporal's token. Newest start first
 * across open and closed runs, what a reviewer wants, is not an order SQL visibility can sort by,
 * so it reads every match page by page and sorts here; its page token is a cursor (start time and
 * run id of the last row), and later pages read only the runs that started no later than it.
 */
import type { Client } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { temporal } from '@temporalio/proto';
import type { RunMode, RunStatus } from '../common/run-state';
import {
  QuellApprovers,
  QuellControls,
  QuellOutcome,
  QuellDrill,
  QuellIncident,
  QuellMode,
  QuellRequester,
  QuellRunbook,
  QuellRunbookVersion,
  QuellStatus,
} from '../common/search-attributes';
import { excerpt } from '../common/text-safety';
import { listRunsQuery, type ListRunsFilter } from './list-query';
import { QuellClientError } from './errors';

export { listRunsQuery, LIST_MODES, RUN_STATUSES, type ListMode, type ListRunsFilter } from './list-query';

export interface RunSummary {
  workflowId: string;
  runbook?: string;
  runbookVersion?: number;
  incidentId?: string;
  mode?: RunMode;
  /** The drill that started this run, when a drill did (the run is then an exercise). */
  drillId?: string;
  requestedBy?: string;
  /** Quell's own status (QuellStatus); absent only on runs that never set it. */
  status?: RunStatus;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, TERMINATED… */
  execution: string;
  startedAt: string;
  closedAt?: string;
  /** Everyone who approved or rejected a gate (runs recorded before the attribute have none). */
  approvers?: string[];
  /** The control ids the run's runbook declares. */
  controls?: string[];
  /** How a run an `end` step completed early says it ended (QuellOutcome), e.g. `false-positive`. */
  outcome?: string;
}

export interface RunPage {
  runs: RunSummary[];
  /** Pass back as `pageToken` for the next page; absent on the last page. */
  nextPageToken?: string;
}

export interface PageOptions {
  /** Runs per page (1–1000). */
  pageSize: number;
  pageToken?: string;
  /** Called after each page visibility returns, with the matches read so far (progress lines). */
  onRead?: (read: number) => void;
}

export const MAX_PAGE_SIZE = 1000;
const SERVER_TOKEN = 'v1.';
const CURSOR_TOKEN = 'c1.';

export async function listRuns(client: Client, filter: ListRunsFilter = {}): Promise<RunSummary[]> {
  const limit = filter.limit ?? 20;
  const runs: RunSummary[] = [];
  if (limit <= 0) return runs;
  for await (const run of streamRuns(client, filter, { pageSize: Math.min(limit, 100) })) {
    runs.push(run);
    if (runs.length >= limit) break;
  }
  return runs;
}

/** One page in visibility's order (open runs first, then the most recently closed). */
export async function listRunsPage(client: Client, filter: ListRunsFilter, options: PageOptions): Promise<RunPage> {
  const pageSize = checkedPageSize(options.pageSize);
  const token = options.pageToken === undefined ? undefined : serverToken(options.pageToken);
  const page = await readPage(client, listRunsQuery(filter), pageSize, token);
  options.onRead?.(page.runs.length);
  return { runs: page.runs, ...(page.next ? { nextPageToken: SERVER_TOKEN + page.next.toString('base64url') } : {}) };
}

/** Every match in visibility's order, page by page (for `--all`: nothing is held but one page). */
export async function* streamRuns(client: Client, filter: ListRunsFilter, options: Omit<PageOptions, 'pageToken'>): AsyncGenerator<RunSummary> {
  const pageSize = checkedPageSize(options.pageSize);
  const query = listRunsQuery(filter);
  let token: Buffer | undefined;
  let read = 0;
  do {
    const page = await readPage(client, query, pageSize, token);
    read += page.runs.length;
    options.onRead?.(read);
    yield* page.runs;
    token = page.next;
  } while (token);
}

/** One page of runs newest start first (open and closed together); `pageSize` Infinity for all. */
export async function listRunsNewestFirst(client: Client, filter: ListRunsFilter, options: PageOptions): Promise<RunPage> {
  const pageSize = options.pageSize === Infinity ? Infinity : checkedPageSize(options.pageSize);
  const cursor = options.pageToken === undefined ? undefined : cursorToken(options.pageToken);
  // Runs that started after the cursor were on earlier pages: visibility need not return them.
  const query = listRunsQuery(cursor ? { ...filter, startedBefore: earliest(filter.startedBefore, new Date(Date.parse(cursor.startedAt) + 1)) } : filter);
  const matches: RunSummary[] = [];
  let token: Buffer | undefined;
  do {
    const page = await readPage(client, query, MAX_PAGE_SIZE, token);
    matches.push(...(cursor ? page.runs.filter((run) => newerFirst(run, cursor) > 0) : page.runs));
    options.onRead?.(matches.length);
    token = page.next;
  } while (token);
  matches.sort(newerFirst);
  if (matches.length <= pageSize) return { runs: matches };
  const runs = matches.slice(0, pageSize);
  const last = runs[runs.length - 1];
  const next = Buffer.from(JSON.stringify({ startedAt: last.startedAt, workflowId: last.workflowId })).toString('base64url');
  return { runs, nextPageToken: CURSOR_TOKEN + next };
}

/** Sort order of newest-first listings: later start first, then run id, so equal times page stably. */
function newerFirst(a: Pick<RunSummary, 'startedAt' | 'workflowId'>, b: Pick<RunSummary, 'startedAt' | 'workflowId'>): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
  return a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : 0;
}

function earliest(a: Date | undefined, b: Date): Date {
  return a !== undefined && a.getTime() < b.getTime() ? a : b;
}

async function readPage(client: Client, query: string, pageSize: number, token: Buffer | undefined): Promise<{ runs: RunSummary[]; next?: Buffer }> {
  let response: temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
  try {
    response = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize, ...(token ? { nextPageToken: token } : {}) });
  } catch (error) {
    // A token visibility cannot read (cut short, or from another server) is the caller's input.
    if (token && /token/i.test((error as Error).message)) throw new QuellClientError('invalid-input', `page token is not valid here: ${(error as Error).message}`);
    throw error;
  }
  const next = response.nextPageToken && response.nextPageToken.length > 0 ? Buffer.from(response.nextPageToken) : undefined;
  return { runs: response.executions.map(summarise), ...(next ? { next } : {}) };
}

const STATUS_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(temporal.api.enums.v1.WorkflowExecutionStatus)
    .filter(([, code]) => typeof code === 'number')
    // The SDK's spelling (WorkflowExecutionInfo.status.name): RUNNING, COMPLETED, CANCELLED…
    .map(([name, code]) => [code, name.replace('WORKFLOW_EXECUTION_STATUS_', '').replace(/^CANCELED$/, 'CANCELLED')]),
);

function summarise(raw: temporal.api.workflow.v1.IWorkflowExecutionInfo): RunSummary {
  const attributes = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
  const runbook = attributes.get(QuellRunbook);
  const runbookVersion = attributes.get(QuellRunbookVersion);
  const incidentId = attributes.get(QuellIncident);
  const mode = attributes.get(QuellMode);
  const drillId = attributes.get(QuellDrill);
  const requestedBy = attributes.get(QuellRequester);
  const status = attributes.get(QuellStatus);
  const approvers = attributes.get(QuellApprovers);
  const controls = attributes.get(QuellControls);
  const outcome = attributes.get(QuellOutcome);
  const closedAt = timestamp(raw.closeTime);
  return {
    workflowId: raw.execution?.workflowId ?? '',
    ...(runbook !== undefined ? { runbook } : {}),
    ...(runbookVersion !== undefined ? { runbookVersion } : {}),
    ...(incidentId !== undefined ? { incidentId } : {}),
    ...(mode === 'live' || mode === 'tabletop' ? { mode } : {}),
    ...(drillId !== undefined ? { drillId } : {}),
    ...(requestedBy !== undefined ? { requestedBy } : {}),
    ...(status !== undefined ? { status: status as RunStatus } : {}),
    execution: STATUS_NAMES[raw.status ?? 0] ?? 'UNSPECIFIED',
    startedAt: timestamp(raw.startTime) ?? '',
    ...(closedAt !== undefined ? { closedAt } : {}),
    ...(approvers && approvers.length > 0 ? { approvers: [...approvers].sort() } : {}),
    ...(controls && controls.length > 0 ? { controls: [...controls].sort() } : {}),
    ...(outcome !== undefined ? { outcome } : {}),
  };
}

function timestamp(value: temporal.api.workflow.v1.IWorkflowExecutionInfo['startTime']): string | undefined {
  if (!value || value.seconds === null || value.seconds === undefined) return undefined;
  const ms = Number(value.seconds) * 1000 + Math.floor((value.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}

function checkedPageSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new QuellClientError('invalid-input', `page size ${String(size)} is not a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return size;
}

const TOKEN_BODY = /^[A-Za-z0-9_-]{1,4000}$/;

function serverToken(token: string): Buffer {
  const body = token.startsWith(SERVER_TOKEN) ? token.slice(SERVER_TOKEN.length) : undefined;
  if (body === undefined || !TOKEN_BODY.test(body)) throw badToken(token, 'quell list');
  return Buffer.from(body, 'base64url');
}

function cursorToken(token: string): { startedAt: string; workflowId: string } {
  const body = token.startsWith(CURSOR_TOKEN) ? token.slice(CURSOR_TOKEN.length) : undefined;
  if (body !== undefined && TOKEN_BODY.test(body)) {
    try {
      const cursor = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { startedAt?: unknown; workflowId?: unknown };
      if (typeof cursor.startedAt === 'string' && !Number.isNaN(Date.parse(cursor.startedAt)) && typeof cursor.workflowId === 'string') {
        return { startedAt: cursor.startedAt, workflowId: cursor.workflowId };
      }
    } catch {
      // Falls through to the refusal below.
    }
  }
  throw badToken(token, 'quell audit list');
}

function badToken(token: string, listing: string): QuellClientError {
  return new QuellClientError('invalid-input', `page token "${excerpt(token, 40)}" is not one ${listing} printed`);
}
