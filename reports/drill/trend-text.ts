/**
 * The drill trend for the terminal (a table) and as Markdown. The drill part opens with the
 * exercise banner; live incidents follow in their own part, labelled as real, never mixed into
 * the drills' figures. The Markdown carries each scenario's chart as inline SVG (an HTML block,
 * shown by renderers that allow inline SVG, and harmless text elsewhere).
 */
import { EXERCISE_BANNER } from '../../common/exercise';
import { neutraliseForDisplay } from '../../common/text-safety';
import { renderTrendChart } from './svg-chart';
import type { DrillTrend, LiveRunbookTrend, ScenarioTrend } from './trend';
import { counted, formatDurationMs, type Spread } from './trend-stats';

const LIVE_HEADING = 'LIVE incidents (real, not exercises; never counted in the drill figures above)';

/** One line of plain text: people's text with control characters made visible. */
const plain = (text: string): string => neutraliseForDisplay(text);

const p50p90 = (spread: Spread): [string, string] => [formatDurationMs(spread.p50), formatDurationMs(spread.p90)];
const ratio = (part: number, whole: number): string => `${part}/${whole}`;

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  ')).join('\n');
}

function scenarioRow(scenario: ScenarioTrend): string[] {
  return [
    plain(scenario.scenarioId),
    String(scenario.drills),
    ratio(scenario.objectivesMet, scenario.objectivesTotal),
    scenario.drillsMeasuringContainment > 0 ? ratio(scenario.drillsContained, scenario.drillsMeasuringContainment) : 'not measured',
    ...p50p90(scenario.containment),
    formatDurationMs(scenario.containmentTargetMs),
    ...p50p90(scenario.approval),
  ];
}

function liveRow(runbook: LiveRunbookTrend): string[] {
  return [
    plain(runbook.runbookId),
    String(runbook.incidents),
    runbook.containmentSteps.length > 0 ? ratio(runbook.contained, runbook.incidents) : 'not measured',
    ...p50p90(runbook.containment),
    formatDurationMs(runbook.containmentTargetMs),
    ...p50p90(runbook.approval),
  ];
}

function windowText(trend: DrillTrend): string {
  const since = trend.since ? `since ${trend.since}` : 'all time';
  return `${since}${trend.scenarioFilter ? `, scenario ${plain(trend.scenarioFilter)}` : ''}`;
}

/** The trend as aligned columns for a terminal. */
export function renderTrendTable(trend: DrillTrend): string {
  const lines = [`[${EXERCISE_BANNER}]`, `drill trend, ${windowText(trend)}: ${counted(trend.drills.count, 'drill')} (p50/p90 are nearest-rank percentiles)`];
  if (trend.drills.scenarios.length === 0) lines.push('no drills in this window');
  else {
    const header = ['SCENARIO', 'DRILLS', 'OBJECTIVES MET', 'CONTAINED', 'CONTAIN p50', 'CONTAIN p90', 'TARGET', 'APPROVAL p50', 'APPROVAL p90'];
    lines.push(columns([header, ...trend.drills.scenarios.map(scenarioRow)]));
    for (const scenario of trend.drills.scenarios) {
      lines.push('', `${plain(scenario.scenarioId)}: ${plain(scenario.title)}`);
      const periodRows = scenario.periods.map((period) => [
        `  ${period.period}`,
        counted(period.count, 'drill'),
        `objectives ${ratio(period.objectivesMet ?? 0, period.objectivesTotal ?? 0)}`,
        `containment p50 ${formatDurationMs(period.containment.p50)} p90 ${formatDurationMs(period.containment.p90)}`,
        `approval p50 ${formatDurationMs(period.approval.p50)} p90 ${formatDurationMs(period.approval.p90)}`,
      ]);
      lines.push(columns(periodRows));
    }
  }
  lines.push('', LIVE_HEADING);
  if (trend.live.runbooks.length === 0) lines.push('no live incidents in this window');
  else lines.push(columns([['RUNBOOK', 'INCIDENTS', 'CONTAINED', 'CONTAIN p50', 'CONTAIN p90', 'TARGET', 'APPROVAL p50', 'APPROVAL p90'], ...trend.live.runbooks.map(liveRow)]));
  for (const warning of trend.warnings) lines.push(`warning: ${plain(warning)}`);
  return lines.join('\n');
}

/** Text safe in a Markdown table cell or paragraph: markup characters escaped, never interpreted. */
export function markdownText(text: string): string {
  return neutraliseForDisplay(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#|~])/g, '\\$1');
}

function markdownTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function scenarioMarkdown(scenario: ScenarioTrend): string {
  const drills = scenario.points.map((drill) => [
    `\`${drill.drillId.replace(/`/g, "'")}\``,
    drill.launchedAt.slice(0, 19).replace('T', ' '),
    markdownText(drill.status),
    ratio(drill.objectivesMet, drill.objectivesTotal),
    drill.containmentMs !== undefined ? formatDurationMs(drill.containmentMs) : drill.containmentMeasured ? 'not contained' : 'not measured',
    drill.withinTarget === undefined ? '—' : drill.withinTarget ? 'yes' : 'no',
    drill.approvalMs.map((ms) => formatDurationMs(ms)).join(', ') || '—',
  ]);
  const periods = scenario.periods.map((period) => [period.period, String(period.count), ratio(period.objectivesMet ?? 0, period.objectivesTotal ?? 0), ...p50p90(period.containment), ...p50p90(period.approval)]);
  return [
    `### ${markdownText(scenario.title)} (\`${scenario.scenarioId}\`)`,
    '',
    `${counted(scenario.drills, 'drill')} of runbook \`${scenario.runbookId}\`; objectives met ${ratio(scenario.objectivesMet, scenario.objectivesTotal)}; containment target ${formatDurationMs(scenario.containmentTargetMs)}.`,
    '',
    renderTrendChart({ title: scenario.scenarioId, points: chartPoints(scenario), ...(scenario.containmentTargetMs !== undefined ? { targetMs: scenario.containmentTargetMs } : {}) }),
    '',
    markdownTable(['Month', 'Drills', 'Objectives met', 'Contain p50', 'Contain p90', 'Approval p50', 'Approval p90'], periods),
    '',
    markdownTable(['Drill', 'Launched (UTC)', 'Status', 'Objectives met', 'Time to containment', 'Within target', 'Time to approval'], drills),
  ].join('\n');
}

/** The chart points of a scenario: one per drill. */
export function chartPoints(scenario: ScenarioTrend) {
  return scenario.points.map((drill) => ({
    id: drill.drillId,
    at: Date.parse(drill.launchedAt),
    ...(drill.containmentMs !== undefined ? { valueMs: drill.containmentMs } : {}),
    label: `${drill.drillId} — ${drill.launchedAt.slice(0, 16).replace('T', ' ')} UTC — ${drill.containmentMs !== undefined ? `contained in ${formatDurationMs(drill.containmentMs)}` : 'not contained'}`,
  }));
}

/** The trend as a Markdown document. */
export function renderTrendMarkdown(trend: DrillTrend): string {
  const parts = [
    `> **${EXERCISE_BANNER}**`,
    '',
    `# Drill trend`,
    '',
    `${markdownText(windowText(trend))}: ${counted(trend.drills.count, 'drill')}. Generated ${trend.generatedAt}.`,
    '',
    ...Object.values(trend.definitions).map((definition) => `- ${markdownText(definition)}`),
    '',
    '## Drills (exercises)',
    '',
    trend.drills.scenarios.length > 0
      ? markdownTable(
          ['Scenario', 'Drills', 'Objectives met', 'Contained', 'Contain p50', 'Contain p90', 'Target', 'Approval p50', 'Approval p90'],
          trend.drills.scenarios.map((scenario) => scenarioRow(scenario).map((cell, index) => (index === 0 ? `\`${scenario.scenarioId}\`` : markdownText(cell)))),
        )
      : '_No drills in this window._',
    ...trend.drills.scenarios.flatMap((scenario) => ['', scenarioMarkdown(scenario)]),
    '',
    `## ${markdownText(LIVE_HEADING)}`,
    '',
    trend.live.runbooks.length > 0
      ? markdownTable(
          ['Runbook', 'Incidents', 'Contained', 'Contain p50', 'Contain p90', 'Target', 'Approval p50', 'Approval p90'],
          trend.live.runbooks.map((runbook) => liveRow(runbook).map((cell) => markdownText(cell))),
        )
      : '_No live incidents in this window._',
    ...trend.warnings.map((warning) => `\n> warning: ${markdownText(warning)}`),
    '',
  ];
  return parts.join('\n');
}
