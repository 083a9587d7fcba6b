/**
 * A short plain-text summary of a drill for its end: objectives met x/y, containment time against
 * the target, and the notable misses. Plain lines (no Markdown, no Slack markup, people's text
 * neutralised) for whoever posts it: a Slack section per line, or one message of `text`. Led by
 * the exercise banner, as everything said about a drill is.
 */
import { EXERCISE_BANNER } from '../../common/exercise';
import { neutraliseForDisplay } from '../../common/text-safety';
import { formatDrillMs } from './drill-time';
import type { DrillReport } from './report-types';

export interface DrillSummary {
  /** One line: banner, scenario, outcome. */
  headline: string;
  /** The facts, one per line. */
  lines: string[];
  /** headline and lines joined, for a single message. */
  text: string;
}

/** At most this many misses are listed; the rest are counted. */
const MAX_MISSES = 5;

const shown = (text: string): string => neutraliseForDisplay(text);

export function summarizeDrillReport(report: DrillReport): DrillSummary {
  const { score, figures, drill } = report;
  const state = drill.status === 'running' || drill.status === 'paused' ? `is ${drill.status}` : drill.status === 'ended' ? 'was ended' : 'is over';
  const headline = `[${EXERCISE_BANNER}] Drill "${shown(report.scenario.title)}" ${state}: ${score.met}/${score.total} objectives met`;
  const lines = [
    `Objectives met ${score.met}/${score.total}` + [score.partlyMet && `${score.partlyMet} partly met`, score.notMet && `${score.notMet} not met`, score.open && `${score.open} still open`].filter(Boolean).map((part) => `, ${part}`).join(''),
    containmentLine(report),
    `Drill time ${formatDrillMs(report.drillTime.totalMs)}${report.pauses.length > 0 ? ` (paused ${formatDrillMs(report.drillTime.pausedMs)})` : ''}; run ${report.run.status}${report.run.ended ? `: ${report.run.ended.outcome}` : ''}`,
    ...(figures.firstAction ? [`First action at ${formatDrillMs(figures.firstAction.drillMs)} (${shown(figures.firstAction.actor)})`] : ['No player acted on the run']),
  ];
  const misses = notableMisses(report);
  if (misses.length > 0) {
    lines.push('Notable misses:');
    lines.push(...misses.slice(0, MAX_MISSES).map((miss) => `- ${miss}`));
    if (misses.length > MAX_MISSES) lines.push(`- and ${misses.length - MAX_MISSES} more`);
  }
  lines.push(`Full report: quell drill after-action ${shown(drill.drillId)}`);
  return { headline, lines, text: [headline, ...lines].join('\n') };
}

function containmentLine(report: DrillReport): string {
  const c = report.figures.containment;
  if (!c.measured) return 'Containment not measured (no objective is aimed at contain_within)';
  if (!c.contained) return `Not contained${c.target ? ` (target ${c.target})` : ''}`;
  if (c.marginMs === undefined) return `Contained at ${formatDrillMs(c.contained.drillMs)} (the runbook sets no target)`;
  return `Contained at ${formatDrillMs(c.contained.drillMs)} against a target of ${c.target}: ${c.marginMs >= 0 ? `${formatDrillMs(c.marginMs)} to spare` : `${formatDrillMs(-c.marginMs)} late`}`;
}

/** Objectives not met, a missed target, steps that failed or ran out of time, injects nobody answered. */
function notableMisses(report: DrillReport): string[] {
  const misses: string[] = [];
  for (const objective of report.objectives) {
    if (objective.verdict === 'not-met' || objective.verdict === 'partly-met') misses.push(`${shown(objective.id)} ${objective.verdict === 'not-met' ? 'not met' : 'partly met'}: ${shown(objective.reason)}`);
  }
  const { figures } = report;
  for (const mark of figures.stepsFailed) misses.push(`step ${mark.stepId} failed: ${shown(mark.detail)}`);
  for (const mark of figures.stepsTimedOut) misses.push(`step ${mark.stepId} timed out`);
  for (const inject of report.injects) {
    if (inject.handling?.kind === 'fault' && inject.handling.outcome === 'failed') misses.push(`fault ${inject.id}: ${inject.handling.stepId} failed after ${inject.handling.attempts ?? '?'} attempts`);
    if (inject.handling?.kind === 'unavailable' && (inject.handling.resolution === 'timed-out' || inject.handling.resolution === 'still-open')) misses.push(`${inject.id}: gate ${inject.handling.gateStepId} ${inject.handling.resolution.replace('-', ' ')} without the unavailable approver`);
    if (inject.handling?.kind === 'twist' && !inject.handling.followUpStarted) misses.push(`twist ${inject.id}: the follow-up run was not started`);
  }
  return misses;
}
