/**
 * `quell list`: runs for responders, open ones first, then the most recently closed (visibility's
 * own order), on this deployment's task queue. Filters, formats and paging are shared with
 * `quell audit list` (./list-output.ts).
 */
import type { Command } from 'commander';
import { listRunsPage, streamRuns, MAX_PAGE_SIZE, type RunSummary } from '../../client/list-runs';
import type { CliContext } from '../context';
import {
  addListFlags,
  csvField,
  endProgress,
  filterFromFlags,
  listedMode,
  runStatusText,
  pageLimit,
  printNextPage,
  printRuns,
  progressReporter,
  type Column,
  type ListFlags,
} from './list-output';

export const LIST_COLUMNS: readonly Column[] = [
  { header: 'RUN', value: (run) => run.workflowId },
  { header: 'STATUS', value: (run) => runStatusText(run) },
  { header: 'MODE', value: listedMode },
  { header: 'RUNBOOK', value: (run) => run.runbook ?? '' },
  { header: 'INCIDENT', value: (run) => run.incidentId ?? '' },
  { header: 'REQUESTER', value: (run) => run.requestedBy ?? '' },
  { header: 'STARTED', value: (run) => run.startedAt },
  { header: 'CLOSED', value: (run) => run.closedAt ?? '' },
];

export function registerList(program: Command, ctx: CliContext): void {
  addListFlags(program.command('list').description('list runs: open ones first, then the most recently closed')).action(async (flags: ListFlags) => {
    const filter = filterFromFlags(flags, new Date(), ctx.getConfig().taskQueue);
    const limit = pageLimit(flags);
    const client = await ctx.getClient();
    if (limit !== Infinity) {
      const page = await listRunsPage(client, filter, { pageSize: limit, ...(flags.pageToken !== undefined ? { pageToken: flags.pageToken } : {}) });
      printRuns(ctx.io, page.runs, LIST_COLUMNS, flags);
      printNextPage(ctx.io, page.nextPageToken, 'quell list');
      return;
    }
    const onRead = progressReporter();
    const runs = streamRuns(client, filter, { pageSize: MAX_PAGE_SIZE, ...(onRead ? { onRead } : {}) });
    if (flags.csv) {
      // CSV goes out page by page: thousands of runs are never held at once.
      ctx.io.stdout(`${LIST_COLUMNS.map((column) => csvField(column.header)).join(',')}\r`);
      for await (const run of runs) ctx.io.stdout(`${LIST_COLUMNS.map((column) => csvField(column.value(run))).join(',')}\r`);
      endProgress();
      return;
    }
    const all: RunSummary[] = [];
    for await (const run of runs) all.push(run);
    endProgress();
    printRuns(ctx.io, all, LIST_COLUMNS, flags);
  });
}
