/**
 * What `quell list` and `quell audit list` share: their filter flags, turned into a checked
 * ListRunsFilter (a bad value is refused naming its flag), and the three ways to print runs: an
 * aligned table, a JSON array, and CSV (RFC 4180: a header row, fields quoted when they hold a
 * comma, quote or line break, quotes doubled, every record ended by CRLF).
 */
import type { Command } from 'commander';
import { LIST_MODES, RUN_STATUSES, type ListMode, type ListRunsFilter, type RunSummary } from '../../client/list-runs';
import { parseDuration } from '../../common/duration';
import { EXERCISE_MARK } from '../../common/exercise';
import type { RunStatus } from '../../common/run-state';
import { excerpt } from '../../common/text-safety';
import { checkedIdentity, checkedIncident } from '../checks';
import type { CliIo } from '../context';
import { jsonForTerminal, shownLine } from '../display';
import { usageFailure } from '../failure';

export interface ListFlags {
  runbook?: string;
  runbookVersion?: string;
  incident?: string;
  incidentPrefix?: string;
  mode?: string;
  requester?: string;
  approver?: string;
  status?: string;
  control?: string;
  startedAfter?: string;
  startedBefore?: string;
  closedAfter?: string;
  closedBefore?: string;
  limit?: string;
  all?: boolean;
  pageToken?: string;
  json?: boolean;
  csv?: boolean;
}

export const DEFAULT_LIMIT = 50;

/** Adds the shared filter, paging and format flags to a listing command. */
export function addListFlags(command: Command): Command {
  return command
    .option('--runbook <id>', 'only runs of this runbook')
    .option('--runbook-version <n>', 'only runs of this runbook version')
    .option('--incident <id>', 'only runs for this incident')
    .option('--incident-prefix <text>', 'only runs whose incident id starts with this')
    .option('--mode <mode>', `only ${LIST_MODES.join(' | ')} runs (drill: runs a drill started; tabletop: the others)`)
    .option('--requester <who>', 'only runs this person requested')
    .option('--approver <who>', 'only runs where this person approved or rejected a gate')
    .option('--status <status>', `only runs in this Quell status (${RUN_STATUSES.join(', ')})`)
    .option('--control <id>', 'only runs whose runbook maps a step to this control (e.g. SOC2:CC7.4)')
    .option('--started-after <time>', 'started at or after: ISO time, or how long ago (90d, 12h)')
    .option('--started-before <time>', 'started before: ISO time, or how long ago')
    .option('--closed-after <time>', 'closed at or after: ISO time, or how long ago')
    .option('--closed-before <time>', 'closed before: ISO time, or how long ago')
    .option('--limit <n>', `at most this many runs (default ${DEFAULT_LIMIT})`)
    .option('--all', 'every matching run, page by page (overrides --limit)')
    .option('--page-token <token>', 'continue after the page that printed this token')
    .option('--json', 'print a JSON array')
    .option('--csv', 'print CSV with a header row');
}

/** The checked filter, or a usage failure naming the flag. `now` anchors relative times. */
export function filterFromFlags(flags: ListFlags, now: Date, taskQueue?: string): ListRunsFilter {
  if (flags.json && flags.csv) throw usageFailure('--json and --csv cannot be combined: choose one format');
  if (flags.all && flags.pageToken !== undefined) throw usageFailure('--all lists every run from the start: drop --page-token');
  const filter: ListRunsFilter = taskQueue !== undefined ? { taskQueue } : {};
  if (flags.runbook !== undefined) filter.runbook = plain('--runbook', flags.runbook);
  if (flags.runbookVersion !== undefined) filter.runbookVersion = wholeNumber('--runbook-version', flags.runbookVersion);
  if (flags.incident !== undefined) filter.incidentId = checkedIncident(flags.incident);
  if (flags.incidentPrefix !== undefined) filter.incidentPrefix = plain('--incident-prefix', flags.incidentPrefix);
  if (flags.mode !== undefined) filter.mode = oneOf('--mode', flags.mode, LIST_MODES) as ListMode;
  if (flags.requester !== undefined) filter.requestedBy = checkedIdentity('--requester', flags.requester);
  if (flags.approver !== undefined) filter.approver = checkedIdentity('--approver', flags.approver);
  if (flags.status !== undefined) filter.status = oneOf('--status', flags.status, RUN_STATUSES) as RunStatus;
  if (flags.control !== undefined) filter.control = plain('--control', flags.control, /^[A-Za-z0-9][A-Za-z0-9.:_/-]{0,63}$/, 'letters, digits and . : _ - / (e.g. SOC2:CC7.4)');
  if (flags.startedAfter !== undefined) filter.startedAfter = pointInTime('--started-after', flags.startedAfter, now);
  if (flags.startedBefore !== undefined) filter.startedBefore = pointInTime('--started-before', flags.startedBefore, now);
  if (flags.closedAfter !== undefined) filter.closedAfter = pointInTime('--closed-after', flags.closedAfter, now);
  if (flags.closedBefore !== undefined) filter.closedBefore = pointInTime('--closed-before', flags.closedBefore, now);
  return filter;
}

/** Runs per page asked for: --limit (default 50), or every run with --all. */
export function pageLimit(flags: ListFlags): number {
  if (flags.all) return Infinity;
  return flags.limit === undefined ? DEFAULT_LIMIT : wholeNumber('--limit', flags.limit, 1000);
}

/** An ISO date or time, or a duration meaning that long before `now`. */
export function pointInTime(flag: string, text: string, now: Date): Date {
  const value = text.trim();
  if (/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const at = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(at.getTime())) return at;
  } else if (parseDuration(value).ok) {
    return new Date(now.getTime() - (parseDuration(value) as { ms: number }).ms);
  }
  throw usageFailure(`${flag} "${excerpt(text, 60)}" is not a time: write an ISO time (2026-01-31, 2026-01-31T12:00:00Z) or how long ago (90d, 12h, 30m)`);
}

function wholeNumber(flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > max) throw usageFailure(`${flag} "${excerpt(text, 40)}" must be a whole number from 1 to ${max}`);
  return value;
}

function oneOf(flag: string, text: string, allowed: readonly string[]): string {
  if (!allowed.includes(text)) throw usageFailure(`${flag} "${excerpt(text, 40)}" must be one of: ${allowed.join(', ')}`);
  return text;
}

function plain(flag: string, text: string, pattern = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/, rule = 'letters, digits and . _ : @ / -'): string {
  if (!pattern.test(text)) throw usageFailure(`${flag} "${excerpt(text, 60)}" is not valid: use ${rule}`);
  return text;
}

/** A listing column: its header and how a run fills it. */
export interface Column {
  header: string;
  value: (run: RunSummary) => string;
}

/** `drill` for a run a drill started, else the run's own mode. */
export function listedMode(run: RunSummary): string {
  return run.drillId !== undefined ? 'drill' : (run.mode ?? '');
}

/** Quell's status, with the outcome an `end` step gave (`completed: false-positive`); Temporal's when Quell set none. */
export function runStatusText(run: RunSummary): string {
  const status = run.status ?? run.execution.toLowerCase();
  return run.outcome ? `${status}: ${run.outcome}` : status;
}

/** Prints `runs` as the flags ask: JSON array, CSV or an aligned table (exercises marked). */
export function printRuns(io: CliIo, runs: readonly RunSummary[], columns: readonly Column[], flags: Pick<ListFlags, 'json' | 'csv'>): void {
  if (flags.json) {
    io.stdout(jsonForTerminal(runs));
    return;
  }
  if (flags.csv) {
    // io.stdout ends each record with LF: with the CR added here, every record ends CRLF.
    for (const record of csvRecords(columns.map((column) => column.header), runs.map((run) => columns.map((column) => column.value(run))))) io.stdout(`${record}\r`);
    return;
  }
  if (runs.length === 0) {
    io.stdout('no runs match');
    return;
  }
  const rows = runs.map((run) => columns.map((column) => shownLine(column.value(run)) || '-'));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...rows.map((row) => row[index].length)));
  const line = (cells: string[]) => cells.map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index]))).join('  ').trimEnd();
  const markWidth = EXERCISE_MARK.length + 2;
  io.stdout(`${' '.repeat(markWidth + 1)}${line(columns.map((column) => column.header))}`);
  runs.forEach((run, index) => {
    // Every line about an exercise says so; live runs carry blank space in its place.
    const mark = run.mode === 'tabletop' || run.drillId !== undefined ? `[${EXERCISE_MARK}]` : '';
    io.stdout(`${mark.padEnd(markWidth)} ${line(rows[index])}`);
  });
}

/** CSV records (header first), each field quoted only when it must be. */
export function csvRecords(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [header, ...rows].map((fields) => fields.map(csvField).join(','));
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Says how to get the next page (on stderr, so stdout stays one JSON array or one CSV table). */
export function printNextPage(io: CliIo, token: string | undefined, command: string): void {
  if (token !== undefined) io.stderr(`more runs: ${command} … --page-token ${token}`);
}

/** A progress line for long listings, only where a person watches (stderr is a terminal). */
export function progressReporter(): ((read: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (read) => {
    if (read >= 1000) process.stderr.write(`\rread ${read} runs…`);
  };
}

/** Ends a progress line so the next output starts on a fresh line. */
export function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}
