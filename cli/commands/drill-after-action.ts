/**
 * `quell drill after-action <drillId>`: the after-action report of a drill (scorecard, figures,
 * injects, timeline, notes, improvement plan), built from Temporal histories only, as Markdown,
 * JSON (docs/drill-report.schema.json) or a self-contained HTML page.
 *
 * `quell drill plan add|list <drillId>`: the improvement plan facilitators fill in after a drill
 * (finding, corrective action, owner, due date, optionally the objective it is about).
 *
 * Every line printed is marked as an exercise; the reports carry the banner themselves.
 */
import type { Command } from 'commander';
import { addPlanItem, listPlanItems } from '../../client/drill-debrief';
import { getDrillReport } from '../../client/drill-report';
import { QuellClientError } from '../../client/errors';
import { EXERCISE_BANNER } from '../../common/exercise';
import { excerpt } from '../../common/text-safety';
import { renderDrillReportHtml } from '../../reports/drill/html';
import { renderDrillReportMarkdown } from '../../reports/drill/markdown';
import type { ImprovementPlan } from '../../reports/drill/report-types';
import { PlanItemRequest } from '../../workflows/drill-debrief';
import { checkedReference } from '../checks';
import type { CliContext } from '../context';
import { writeOutFile } from '../out-file';
import { jsonForTerminal, shownLine } from '../display';
import { usageFailure } from '../failure';
import { renderControl } from './drill-render';

const FORMATS = ['md', 'json', 'html'] as const;
type ReportFormat = (typeof FORMATS)[number];

/** The flag that sets each field of a plan item, for refusals that name what was typed. */
const PLAN_FLAGS: Record<string, string> = { finding: '--finding', action: '--action', owner: '--owner', due: '--due', objectiveId: '--objective', actor: '--as', via: '--via' };

interface PlanAddOptions {
  finding: string;
  action: string;
  owner: string;
  due: string;
  objective?: string;
  as?: string;
  json?: boolean;
}

export function registerDrillAfterAction(drill: Command, ctx: CliContext): void {
  drill
    .command('after-action <drillId>')
    .description("a drill's after-action report from its Temporal histories: scorecard, figures, injects, timeline, notes, improvement plan")
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'md')
    .option('--out <file>', 'write the report to this file instead of printing it')
    .action(async (drillId: string, options: { format?: string; out?: string }) => {
      checkedReference('<drillId>', drillId);
      const format = options.format ?? 'md';
      if (!(FORMATS as readonly string[]).includes(format)) throw usageFailure(`--format "${excerpt(format, 20)}" is not one of ${FORMATS.join(', ')}`);
      if (options.out !== undefined && options.out.trim() === '') throw usageFailure('--out is empty: give a file');
      const report = await getDrillReport(await ctx.getClient(), drillId);
      const text = format === 'json' ? jsonForTerminal(report) : format === 'html' ? renderDrillReportHtml(report) : renderDrillReportMarkdown(report);
      if (options.out === undefined) return ctx.io.stdout(text.replace(/\n$/, ''));
      const file = writeOutFile(options.out, text);
      ctx.io.stdout(renderControl(`after-action report of ${drillId} written to ${shownLine(file)} (${format as ReportFormat}): ${report.score.met}/${report.score.total} objectives met`));
    });

  const plan = drill.command('plan').description('the improvement plan facilitators fill in after a drill');
  plan
    .command('add <drillId>')
    .description('add an item to the improvement plan of a drill (the first item starts the plan)')
    .requiredOption('--finding <text>', 'what the drill showed')
    .requiredOption('--action <text>', 'the corrective action')
    .requiredOption('--owner <name>', 'who will do it')
    .requiredOption('--due <YYYY-MM-DD>', 'by when')
    .option('--objective <id>', 'the scenario objective the finding is about')
    .option('--as <user>', 'who adds it (default: $QUELL_USER or $USER)')
    .option('--json', 'print the stored item as JSON')
    .action(async (drillId: string, options: PlanAddOptions) => {
      checkedReference('<drillId>', drillId);
      const request: PlanItemRequest = {
        finding: options.finding,
        action: options.action,
        owner: options.owner,
        due: options.due,
        ...(options.objective !== undefined ? { objectiveId: options.objective } : {}),
        actor: ctx.actor(options.as),
        via: 'cli',
      };
      const checked = PlanItemRequest.safeParse(request);
      if (!checked.success) {
        throw usageFailure(checked.error.issues.map((issue) => `${PLAN_FLAGS[String(issue.path[0])] ?? String(issue.path[0])} ${issue.message}`).join('; '));
      }
      const item = await addPlanItem(await ctx.getClient(), drillId, checked.data, { taskQueue: ctx.getConfig().taskQueue }).catch((error: unknown) => {
        // The objective is checked against the drill's scenario once it is read: name the flag.
        if (error instanceof QuellClientError && error.message.startsWith('objectiveId: ')) throw usageFailure(`--objective: ${error.message.slice('objectiveId: '.length)}`);
        throw error;
      });
      ctx.io.stdout(
        options.json
          ? jsonForTerminal({ exercise: true, drillId, ...item })
          : renderControl(`plan item ${item.id} added to ${drillId}: ${shownLine(item.finding)} → ${shownLine(item.action)} (${shownLine(item.owner)}, due ${item.due})`),
      );
    });
  plan
    .command('list <drillId>')
    .description('show the improvement plan of a drill')
    .option('--json', 'print the plan as JSON')
    .action(async (drillId: string, options: { json?: boolean }) => {
      checkedReference('<drillId>', drillId);
      const found = await listPlanItems(await ctx.getClient(), drillId);
      ctx.io.stdout(options.json ? jsonForTerminal({ exercise: true, drillId, ...found }) : renderPlan(drillId, found));
    });
}

function renderPlan(drillId: string, plan: ImprovementPlan): string {
  const status = plan.status === 'not-started' ? 'no items yet' : plan.status === 'closed' ? `closed by ${shownLine(plan.closedBy ?? 'unknown')}` : 'open';
  const lines = [`[${EXERCISE_BANNER}]`, `improvement plan of ${drillId}: ${status}`];
  for (const item of plan.items) {
    lines.push(`  ${item.id}. ${shownLine(item.finding)}`, `     action: ${shownLine(item.action)}`, `     owner: ${shownLine(item.owner)}; due ${item.due}${item.objectiveId ? `; objective ${shownLine(item.objectiveId)}` : ''}; added by ${shownLine(item.addedBy)}`);
  }
  return lines.join('\n');
}
