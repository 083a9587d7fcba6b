/**
 * `quell audit list`: every run for reviewers, newest start first, open and closed together, with
 * what a review asks about (runbook version, approvers, controls). Filters, formats and paging are
 * shared with `quell list` (./list-output.ts); the page token is a cursor into the sorted listing.
 */
import type { Command } from 'commander';
import { listRunsNewestFirst } from '../../client/list-runs';
import type { CliContext } from '../context';
import { addListFlags, endProgress, filterFromFlags, listedMode, pageLimit, printNextPage, printRuns, progressReporter, runStatusText, type Column, type ListFlags } from './list-output';

export const AUDIT_LIST_COLUMNS: readonly Column[] = [
  { header: 'RUN', value: (run) => run.workflowId },
  { header: 'STATUS', value: (run) => runStatusText(run) },
  { header: 'MODE', value: listedMode },
  { header: 'RUNBOOK', value: (run) => run.runbook ?? '' },
  { header: 'VERSION', value: (run) => (run.runbookVersion !== undefined ? String(run.runbookVersion) : '') },
  { header: 'INCIDENT', value: (run) => run.incidentId ?? '' },
  { header: 'REQUESTER', value: (run) => run.requestedBy ?? '' },
  { header: 'APPROVERS', value: (run) => (run.approvers ?? []).join(' ') },
  { header: 'STARTED', value: (run) => run.startedAt },
  { header: 'CLOSED', value: (run) => run.closedAt ?? '' },
  { header: 'CONTROLS', value: (run) => (run.controls ?? []).join(' ') },
];

export function registerAuditList(audit: Command, ctx: CliContext): void {
  addListFlags(audit.command('list').description('list every run, newest first, open and closed (filters for reviewers)')).action(async (flags: ListFlags) => {
    const filter = filterFromFlags(flags, new Date(), ctx.getConfig().taskQueue);
    const onRead = progressReporter();
    const page = await listRunsNewestFirst(await ctx.getClient(), filter, {
      pageSize: pageLimit(flags),
      ...(flags.pageToken !== undefined ? { pageToken: flags.pageToken } : {}),
      ...(onRead ? { onRead } : {}),
    });
    endProgress();
    printRuns(ctx.io, page.runs, AUDIT_LIST_COLUMNS, flags);
    printNextPage(ctx.io, page.nextPageToken, 'quell audit list');
  });
}
