/**
 * `quell audit archive-schedule set|show|delete`: runs the archive on a Temporal Schedule, by the
 * worker of this deployment's task queue (which needs the connectors file's evidence store and
 * QUELL_AUDIT_SIGNING_KEY). `set` replaces the timing of an existing schedule.
 */
import type { Command } from 'commander';
import { deleteArchiveSchedule, describeArchiveSchedule, setArchiveSchedule, type ArchiveScheduleView } from '../../client/audit-archive-schedule';
import type { CliContext } from '../context';
import { jsonForTerminal, shownLine } from '../display';

function render(view: ArchiveScheduleView): string {
  return [
    `archive schedule ${shownLine(view.scheduleId)}${view.paused ? ' (PAUSED)' : ''}: every ${view.every}, each pass looks back ${view.window}${view.store ? `, into ${shownLine(view.store)}` : ''}`,
    `  next passes: ${view.nextRuns.join(', ') || 'none'}`,
    `  recent passes: ${view.recentRuns.map((run) => `${run.at} (${shownLine(run.workflowId)})`).join(', ') || 'none yet'}`,
  ].join('\n');
}

export function registerAuditArchiveSchedule(audit: Command, ctx: CliContext): void {
  const schedule = audit.command('archive-schedule').description('run quell audit archive on a Temporal Schedule, by the worker');
  schedule
    .command('set')
    .description('create or replace the archive schedule of this task queue')
    .option('--every <duration>', 'how often a pass starts', '24h')
    .option('--window <duration>', 'how far back each pass looks (longer than --every, so a missed pass is covered)', '72h')
    .option('--to <store>', 'the evidence store to archive into (when the worker has several)')
    .option('--json', 'print the schedule as JSON')
    .action(async (options: { every: string; window: string; to?: string; json?: boolean }) => {
      const view = await setArchiveSchedule(await ctx.getClient(), { taskQueue: ctx.getConfig().taskQueue, every: options.every, window: options.window, ...(options.to ? { store: options.to } : {}) });
      ctx.io.stdout(options.json ? jsonForTerminal(view) : render(view));
    });
  schedule
    .command('show')
    .description('the archive schedule of this task queue: timing, next and recent passes')
    .option('--json', 'print the schedule as JSON')
    .action(async (options: { json?: boolean }) => {
      const view = await describeArchiveSchedule(await ctx.getClient(), ctx.getConfig().taskQueue);
      ctx.io.stdout(options.json ? jsonForTerminal(view) : render(view));
    });
  schedule
    .command('delete')
    .description('stop archiving on a schedule (archived dossiers stay where they are)')
    .action(async () => {
      const { taskQueue } = ctx.getConfig();
      await deleteArchiveSchedule(await ctx.getClient(), taskQueue);
      ctx.io.stdout(`archive schedule of ${shownLine(taskQueue)} deleted`);
    });
}
