/**
 * Gathers what `quell drill report` shows: the drills in a window (listed through visibility by
 * their QuellDrill search attribute, each turned into its DrillReport from its histories), and,
 * for the separate live section, the live runs in the same window with their final results.
 *
 * A drill is a `runDrill` workflow carrying QuellDrill; its runs carry QuellDrill too and are left
 * out here (they belong to their drill's report). A live run is QuellMode=live without QuellDrill.
 * Visibility is eventually consistent: a drill closed a moment ago may be listed a moment later.
 */
import type { Client } from '@temporalio/client';
import type { RunResult, RunStatus } from '../common/run-state';
import { QuellDrill, QuellIncident, QuellRunbook, QuellStatus } from '../common/search-attributes';
import { excerpt } from '../common/text-safety';
import type { DrillReport } from '../reports/drill/report-types';
import { buildDrillTrend, type DrillTrend, type LiveRunRecord } from '../reports/drill/trend';
import { getDrillReport } from './drill-report';
import { QuellClientError } from './errors';

/** Scenario and runbook ids are kebab-case: nothing else can be one, so nothing else is sent. */
const KEBAB_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export interface TrendWindow {
  /** Only drills (and live runs) of this scenario (and its runbooks). */
  scenario?: string;
  /** Only those started at or after this time. */
  since?: Date;
  /** Only those on this task queue: one Quell deployment's. */
  taskQueue?: string;
}

export interface TrendProgress {
  stage: 'listing' | 'reports' | 'live';
  done: number;
  total: number;
}

export interface DrillTrendRequest extends TrendWindow {
  /** Builds one drill's report from its histories (default: client/drill-report.ts, as of `now`). */
  buildReport?: (client: Client, drillId: string) => Promise<DrillReport>;
  /** At most this many drills, newest first (default 500); more are reported as a warning. */
  maxDrills?: number;
  /** Reports built at once (default 4): each reads two to four histories. */
  concurrency?: number;
  onProgress?: (progress: TrendProgress) => void;
  now?: Date;
}

function checkedId(what: string, value: string): string {
  if (!KEBAB_ID.test(value) || value.length > 100) throw new QuellClientError('invalid-input', `${what} "${excerpt(value, 60)}" is not a valid id: use lowercase letters, digits and single hyphens`);
  return value;
}

function windowClauses(window: TrendWindow): string[] {
  const clauses: string[] = [];
  if (window.taskQueue !== undefined) {
    if (/['"\\]/.test(window.taskQueue)) throw new QuellClientError('invalid-input', `task queue "${excerpt(window.taskQueue, 60)}" is not valid here`);
    clauses.push(`TaskQueue = '${window.taskQueue}'`);
  }
  if (window.since !== undefined) {
    if (Number.isNaN(window.since.getTime())) throw new QuellClientError('invalid-input', 'since is not a valid time');
    clauses.push(`StartTime >= '${window.since.toISOString()}'`);
  }
  return clauses;
}

/** The visibility query for the drills in a window. */
export function drillListQuery(window: TrendWindow): string {
  const clauses = ['QuellDrill IS NOT NULL', "WorkflowType = 'runDrill'", ...windowClauses(window)];
  if (window.scenario !== undefined) clauses.push(`QuellDrill STARTS_WITH 'quell-drill:${checkedId('scenario', window.scenario)}:'`);
  return clauses.join(' AND ');
}

/** The visibility query for live runs in a window, of the given runbooks when there are some. */
export function liveRunsQuery(window: TrendWindow, runbooks?: readonly string[]): string {
  const clauses = ["QuellMode = 'live'", 'QuellDrill IS NULL', "WorkflowType = 'runRunbook'", ...windowClauses(window)];
  if (runbooks && runbooks.length > 0) clauses.push(`QuellRunbook IN (${runbooks.map((id) => `'${checkedId('runbook', id)}'`).join(', ')})`);
  return clauses.join(' AND ');
}

/** Drill ids in the window, newest first, at most `max`; `more` says whether some were left out. */
export async function listTrendDrills(client: Client, window: TrendWindow, max = 500): Promise<{ drillIds: string[]; more: boolean }> {
  const drillIds: string[] = [];
  const prefix = window.scenario !== undefined ? `quell-drill:${window.scenario}:` : undefined;
  for await (const execution of client.workflow.list({ query: drillListQuery(window), pageSize: 100 })) {
    // The attribute's prefix was asked for; the id itself is checked too, as the drill names itself by it.
    if (prefix && !execution.workflowId.startsWith(prefix)) continue;
    if (drillIds.length >= max) return { drillIds, more: true };
    drillIds.push(execution.workflowId);
  }
  return { drillIds, more: false };
}

/** Live runs in the window with their results (closed runs only: a running one has none yet). */
export async function listLiveRuns(client: Client, window: TrendWindow, runbooks: readonly string[] | undefined, warnings: string[], max = 500): Promise<LiveRunRecord[]> {
  const records: LiveRunRecord[] = [];
  for await (const execution of client.workflow.list({ query: liveRunsQuery(window, runbooks), pageSize: 100 })) {
    if (records.length >= max) {
      warnings.push(`more than ${max} live runs in the window: only the newest ${max} are shown`);
      break;
    }
    const attributes = execution.typedSearchAttributes;
    if (attributes.get(QuellDrill) !== undefined) continue;
    const incidentId = attributes.get(QuellIncident);
    const status = attributes.get(QuellStatus) as RunStatus | undefined;
    const record: LiveRunRecord = {
      workflowId: execution.workflowId,
      runbookId: attributes.get(QuellRunbook) ?? 'unknown',
      ...(incidentId !== undefined ? { incidentId } : {}),
      startedAt: execution.startTime.toISOString(),
      ...(status !== undefined ? { status } : {}),
      execution: execution.status.name,
    };
    if (execution.status.name !== 'RUNNING') {
      try {
        record.result = (await client.workflow.getHandle(execution.workflowId, execution.runId).result()) as RunResult;
      } catch (error) {
        warnings.push(`live run ${execution.workflowId}: no result (${execution.status.name.toLowerCase()}): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    records.push(record);
  }
  return records;
}

/** Runs `work` over `items` with at most `limit` at once, keeping the order of the results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Everything the trend needs, gathered and computed. */
export async function collectDrillTrend(client: Client, request: DrillTrendRequest): Promise<DrillTrend> {
  const warnings: string[] = [];
  const progress = request.onProgress ?? (() => undefined);
  progress({ stage: 'listing', done: 0, total: 0 });
  const max = request.maxDrills ?? 500;
  const { drillIds, more } = await listTrendDrills(client, request, max);
  if (more) warnings.push(`more than ${max} drills in the window: only the newest ${max} are counted`);

  const now = request.now ?? new Date();
  const buildReport = request.buildReport ?? ((reportClient: Client, drillId: string) => getDrillReport(reportClient, drillId, { generatedAt: now }));
  let done = 0;
  progress({ stage: 'reports', done, total: drillIds.length });
  const built = await mapLimited(drillIds, request.concurrency ?? 4, async (drillId) => {
    try {
      return await buildReport(client, drillId);
    } catch (error) {
      warnings.push(`drill ${drillId} is left out: its report could not be built: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      done += 1;
      progress({ stage: 'reports', done, total: drillIds.length });
    }
  });
  const reports = built.filter((report): report is DrillReport => report !== undefined);

  // With a scenario, the live section shows incidents of that scenario's runbooks only.
  const runbooks = request.scenario !== undefined ? [...new Set(reports.map((report) => report.runbook.id))] : undefined;
  let liveRuns: LiveRunRecord[] = [];
  if (runbooks !== undefined && runbooks.length === 0) {
    warnings.push(`no drill of scenario ${request.scenario} in the window, so no runbook to show live incidents of`);
  } else {
    progress({ stage: 'live', done: 0, total: 0 });
    liveRuns = await listLiveRuns(client, request, runbooks, warnings);
  }
  return buildDrillTrend({
    reports,
    liveRuns,
    generatedAt: now.toISOString(),
    ...(request.since ? { since: request.since.toISOString() } : {}),
    ...(request.scenario !== undefined ? { scenarioFilter: request.scenario } : {}),
    warnings,
  });
}
