/**
 * `quell audit controls --since 90d [--control SOC2:CC7.4]`: per control, every run in the window
 * whose steps declare it, how those steps ended and the evidence (SHA-256) they kept, read from
 * each run's history. Table, `--json` or `--csv` (one row per run and control).
 */
import type { Command } from 'commander';
import { controlsReport, type ControlReport } from '../../client/audit-controls';
import { excerpt } from '../../common/text-safety';
import type { CliContext } from '../context';
import { jsonForTerminal, shownLine } from '../display';
import { usageFailure } from '../failure';
import { csvRecords, pointInTime } from './list-output';

const CONTROL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.:_/-]{0,63}$/;

function renderText(reports: readonly ControlReport[], since: Date): string {
  if (reports.length === 0) return `no run since ${since.toISOString()} declares that control`;
  return reports
    .map((report) =>
      [
        `${shownLine(report.control)}: ${report.runs.length} run(s) since ${since.toISOString()}`,
        ...report.runs.map((run) =>
          [
            `  ${run.startedAt.slice(0, 19).replace('T', ' ')}  ${shownLine(run.workflowId)}  ${shownLine(run.runbook)}  ${run.mode}  ${run.status}`,
            `    steps: ${run.steps.map((step) => `${shownLine(step.stepId)} (${step.status})`).join(', ')}`,
            ...(run.evidence.length ? [`    evidence: ${run.evidence.map((item) => `${shownLine(item.name)} sha256:${item.sha256}`).join(', ')}`] : []),
          ].join('\n'),
        ),
      ].join('\n'),
    )
    .join('\n\n');
}

function renderCsv(reports: readonly ControlReport[]): string {
  const rows = reports.flatMap((report) =>
    report.runs.map((run) => [
      report.control,
      run.workflowId,
      run.runbook,
      run.incidentId,
      run.mode,
      run.status,
      run.startedAt,
      run.steps.map((step) => `${step.stepId}:${step.status}`).join(' '),
      run.evidence.map((item) => `${item.name}@${item.sha256}`).join(' '),
    ]),
  );
  return csvRecords(['control', 'workflow_id', 'runbook', 'incident', 'mode', 'status', 'started_at', 'steps', 'evidence'], rows).join('\n');
}

export function registerAuditControls(audit: Command, ctx: CliContext): void {
  audit
    .command('controls')
    .description('per control: the runs whose steps declare it, how those steps ended and the evidence they kept')
    .requiredOption('--since <time>', 'runs started since then: how long ago (90d) or an ISO time')
    .option('--control <id>', 'one control (e.g. SOC2:CC7.4); default: every control declared in the window')
    .option('--all-task-queues', "every Quell run in the namespace, not only this deployment's task queue")
    .option('--json', 'print the report as JSON')
    .option('--csv', 'print one CSV row per run and control')
    .action(async (options: { since: string; control?: string; allTaskQueues?: boolean; json?: boolean; csv?: boolean }) => {
      if (options.json && options.csv) throw usageFailure('choose one of --json and --csv');
      if (options.control !== undefined && !CONTROL_PATTERN.test(options.control)) {
        throw usageFailure(`--control "${excerpt(options.control, 60)}" is not a control id: letters, digits and . : _ / - (up to 64)`);
      }
      const since = pointInTime('--since', options.since, new Date());
      const reports = await controlsReport(await ctx.getClient(), {
        since,
        ...(options.control ? { control: options.control } : {}),
        ...(options.allTaskQueues ? {} : { taskQueue: ctx.getConfig().taskQueue }),
        onRun: (seen) => {
          if (seen % 25 === 0) ctx.io.stderr(`… ${seen} runs read`);
        },
      });
      ctx.io.stdout(options.json ? jsonForTerminal(reports) : options.csv ? renderCsv(reports) : renderText(reports, since));
    });
}
