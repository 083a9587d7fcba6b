/**
 * `quell drill report`: the drill trend over a window, per scenario (drills run, objectives met,
 * p50/p90 time to containment and to approval, by month, with a chart in Markdown and HTML), and
 * live incidents in a section of their own. Only this deployment's drills (its task queue).
 *
 * Building a report reads each drill's histories, so many drills take a while: progress goes to
 * stderr, marked as an exercise like every line about drills, and the result to stdout or --out.
 */
import type { Command } from 'commander';
import { collectDrillTrend, type TrendProgress } from '../../client/drill-trend';
import { parseDuration } from '../../common/duration';
import { withExerciseMark } from '../../common/exercise';
import { excerpt } from '../../common/text-safety';
import type { DrillTrend } from '../../reports/drill/trend';
import { counted } from '../../reports/drill/trend-stats';
import { renderTrendHtml } from '../../reports/drill/trend-html';
import { renderTrendMarkdown, renderTrendTable } from '../../reports/drill/trend-text';
import type { CliContext } from '../context';
import { writeOutFile } from '../out-file';
import { usageFailure } from '../failure';

const FORMATS = ['table', 'md', 'html', 'json'] as const;
type TrendFormat = (typeof FORMATS)[number];

const SCENARIO_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z)?$/;

interface ReportOptions {
  scenario?: string;
  since?: string;
  format?: string;
  out?: string;
}

/** `90d` (a duration back from now) or `2026-01-31` / `2026-01-31T08:00:00Z` (UTC); refused naming --since. */
export function parseSince(text: string, now: Date): Date {
  const trimmed = text.trim();
  if (CALENDAR_DATE.test(trimmed)) {
    const at = new Date(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
    if (!Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === trimmed.slice(0, 10)) return at;
    throw usageFailure(`--since "${excerpt(text, 40)}" is not a real date`);
  }
  const parsed = parseDuration(trimmed);
  if (!parsed.ok) throw usageFailure(`--since "${excerpt(text, 40)}" is neither a duration back from now (90d, 2w, 12h) nor a UTC date (2026-01-31): ${parsed.message}`);
  if (parsed.ms <= 0) throw usageFailure('--since must reach back: a duration greater than zero');
  return new Date(now.getTime() - parsed.ms);
}

function render(trend: DrillTrend, format: TrendFormat): string {
  switch (format) {
    case 'table':
      return renderTrendTable(trend);
    case 'md':
      return renderTrendMarkdown(trend);
    case 'html':
      return renderTrendHtml(trend);
    case 'json':
      return JSON.stringify(trend, null, 2);
  }
}

/** Progress on stderr: what is being done, then at most one count per second while reports are built. */
function progressReporter(say: (line: string) => void): (progress: TrendProgress) => void {
  let lastShown = 0;
  return (progress) => {
    if (progress.stage === 'listing') return say(withExerciseMark('tabletop', 'listing drills…'));
    if (progress.stage === 'live') return say(withExerciseMark('tabletop', 'listing live incidents for comparison…'));
    if (progress.done === 0) return progress.total > 0 ? say(withExerciseMark('tabletop', `building ${progress.total} drill reports from their histories…`)) : undefined;
    const now = Date.now();
    if (progress.done === progress.total || now - lastShown >= 1000) {
      lastShown = now;
      say(withExerciseMark('tabletop', `drill reports built: ${progress.done}/${progress.total}`));
    }
  };
}

export function registerDrillReport(drill: Command, ctx: CliContext): void {
  drill
    .command('report')
    .description('the drill trend per scenario (drills run, objectives met, p50/p90 time to containment and to approval), with live incidents apart')
    .option('--scenario <id>', 'only drills of this scenario (and live incidents of its runbook)')
    .option('--since <when>', 'only drills launched since: a duration back from now (90d, 2w) or a UTC date (2026-01-31)', '90d')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--out <file>', 'write the report to this file instead of printing it')
    .action(async (options: ReportOptions) => {
      const format = options.format ?? 'table';
      if (!(FORMATS as readonly string[]).includes(format)) throw usageFailure(`--format "${excerpt(format, 20)}" is not one of ${FORMATS.join(', ')}`);
      if (options.scenario !== undefined && !SCENARIO_ID.test(options.scenario)) {
        throw usageFailure(`--scenario "${excerpt(options.scenario, 60)}" is not a scenario id: use lowercase letters, digits and single hyphens`);
      }
      const now = new Date();
      const since = parseSince(options.since ?? '90d', now);
      const config = ctx.getConfig();
      const trend = await collectDrillTrend(await ctx.getClient(), {
        ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
        since,
        taskQueue: config.taskQueue,
        onProgress: progressReporter(ctx.io.stderr),
        now,
      });
      const text = render(trend, format as TrendFormat);
      if (options.out === undefined) return ctx.io.stdout(text);
      const file = writeOutFile(options.out, text);
      ctx.io.stdout(withExerciseMark('tabletop', `drill trend written to ${file}: ${counted(trend.drills.count, 'drill')}, ${counted(trend.live.count, 'live incident')} (${format})`));
    });
}
