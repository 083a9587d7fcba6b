/**
 * The drill trend as one self-contained HTML page (the same shell, stylesheet and security policy
 * as the after-action report): a summary table, then per scenario its chart (one marker per drill),
 * its months and its drills; live incidents last, in a section of their own marked as real.
 */
import { element, escapeHtml } from './html-escape';
import { drillHtmlPage } from './html';
import { badge, html, section, table, wallClock, type Cell } from './html-parts';
import { renderTrendChart } from './svg-chart';
import type { DrillTrend, LiveIncident, PeriodFigures, ScenarioTrend, TrendDrill } from './trend';
import { chartPoints } from './trend-text';
import { counted, formatDurationMs } from './trend-stats';

const duration = (ms: number | undefined): string => formatDurationMs(ms);
const code = (text: string): Cell => html(element('code', text));

function containmentCell(item: { containmentMs?: number; containmentMeasured: boolean }): Cell {
  if (item.containmentMs !== undefined) return duration(item.containmentMs);
  return item.containmentMeasured ? badge('not contained', 'bad') : 'not measured';
}

function withinCell(drill: TrendDrill): Cell {
  if (drill.withinTarget === undefined) return undefined;
  return drill.withinTarget ? badge('yes', 'ok') : badge('no', 'bad');
}

function periodRows(periods: PeriodFigures[], withObjectives: boolean): Cell[][] {
  return periods.map((period) => [
    period.period,
    period.count,
    ...(withObjectives ? [`${period.objectivesMet ?? 0} of ${period.objectivesTotal ?? 0}`] : []),
    duration(period.containment.p50),
    duration(period.containment.p90),
    duration(period.approval.p50),
    duration(period.approval.p90),
  ]);
}

const spreadColumns = [
  { label: 'Contain p50', numeric: true },
  { label: 'Contain p90', numeric: true },
  { label: 'Approval p50', numeric: true },
  { label: 'Approval p90', numeric: true },
];

function scenarioSection(scenario: ScenarioTrend): string {
  const chart = renderTrendChart({ title: scenario.scenarioId, points: chartPoints(scenario), ...(scenario.containmentTargetMs !== undefined ? { targetMs: scenario.containmentTargetMs } : {}) });
  const drills = table(
    ['Drill', 'Launched', 'Status', 'Run', 'Objectives met', 'Time to containment', 'Within target', 'Time to approval'],
    scenario.points.map((drill): Cell[] => [
      code(drill.drillId),
      wallClock(drill.launchedAt),
      drill.status,
      drill.runStatus,
      `${drill.objectivesMet} of ${drill.objectivesTotal}`,
      containmentCell(drill),
      withinCell(drill),
      drill.approvalMs.map(duration).join(', ') || undefined,
    ]),
  );
  const lede = `${counted(scenario.drills, 'drill')} of runbook ${scenario.runbookId}; objectives met ${scenario.objectivesMet} of ${scenario.objectivesTotal}; every objective met in ${counted(scenario.drillsAllMet, 'drill')}; containment target ${duration(scenario.containmentTargetMs)}.`;
  return [
    `<section class="scenario" data-scenario="${escapeHtml(scenario.scenarioId)}">`,
    element('h3', `${scenario.title} (${scenario.scenarioId})`),
    element('p', lede, 'class="lede"'),
    `<figure style="margin:0">${chart}</figure>`,
    element('h3', 'By month'),
    table(['Month', { label: 'Drills', numeric: true }, 'Objectives met', ...spreadColumns], periodRows(scenario.periods, true)),
    element('h3', 'Drills'),
    drills,
    '</section>',
  ].join('\n');
}

function liveIncidentRow(incident: LiveIncident): Cell[] {
  return [
    code(incident.workflowId),
    incident.incidentId,
    wallClock(incident.startedAt),
    incident.status,
    containmentCell(incident),
    incident.approvalMs.map(duration).join(', ') || undefined,
  ];
}

function liveSection(trend: DrillTrend): string {
  const runbooks = table(
    ['Runbook', { label: 'Incidents', numeric: true }, 'Contained', 'Containment steps', 'Target', ...spreadColumns],
    trend.live.runbooks.map((runbook): Cell[] => [
      code(runbook.runbookId),
      runbook.incidents,
      runbook.containmentSteps.length > 0 ? `${runbook.contained} of ${runbook.incidents}` : 'not measured',
      runbook.containmentSteps.join(', ') || 'no drill of this runbook in the window measured containment',
      duration(runbook.containmentTargetMs),
      duration(runbook.containment.p50),
      duration(runbook.containment.p90),
      duration(runbook.approval.p50),
      duration(runbook.approval.p90),
    ]),
    { empty: 'No live incidents in this window.' },
  );
  const incidents = table(['Run', 'Incident', 'Started', 'Status', 'Time to containment', 'Time to approval'], trend.live.incidents.map(liveIncidentRow), { empty: 'None.' });
  return [
    '<section class="live" id="live-incidents" data-exercise="false">',
    element('h2', 'Live incidents: real, not exercises'),
    element('p', 'Shown for comparison only. No live incident is counted in any drill figure above, and no drill is counted here.', 'class="lede"'),
    runbooks,
    element('h3', 'Incidents'),
    incidents,
    '</section>',
  ].join('\n');
}

/** The trend page. */
export function renderTrendHtml(trend: DrillTrend): string {
  const window = `${trend.since ? `since ${wallClock(trend.since)}` : 'all time'}${trend.scenarioFilter ? `, scenario ${trend.scenarioFilter}` : ''}`;
  const summary = table(
    ['Scenario', { label: 'Drills', numeric: true }, 'Objectives met', 'Contained', 'Target', ...spreadColumns],
    trend.drills.scenarios.map((scenario): Cell[] => [
      code(scenario.scenarioId),
      scenario.drills,
      `${scenario.objectivesMet} of ${scenario.objectivesTotal}`,
      scenario.drillsMeasuringContainment > 0 ? `${scenario.drillsContained} of ${scenario.drillsMeasuringContainment}` : 'not measured',
      duration(scenario.containmentTargetMs),
      duration(scenario.containment.p50),
      duration(scenario.containment.p90),
      duration(scenario.approval.p50),
      duration(scenario.approval.p90),
    ]),
    { empty: 'No drills in this window.' },
  );
  const definitions = `<ul class="muted">${Object.values(trend.definitions).map((definition) => element('li', definition)).join('')}</ul>`;
  const warnings = trend.warnings.length > 0 ? `<div class="warnings"><strong>Warnings</strong><ul>${trend.warnings.map((warning) => element('li', warning)).join('')}</ul></div>` : '';
  const scenarios = trend.drills.scenarios.map((scenario) => `<div id="scenario-${escapeHtml(scenario.scenarioId)}">${scenarioSection(scenario)}</div>`).join('\n');
  const body = [
    '<header>',
    element('h1', 'Drill trend'),
    element('p', `${window}: ${counted(trend.drills.count, 'drill')}, ${counted(trend.live.count, 'live incident')}. Generated ${wallClock(trend.generatedAt)}.`, 'class="score"'),
    definitions,
    warnings,
    '</header>',
    `<div id="drills" data-exercise="true">`,
    section('drill-summary', 'Drills (exercises)', summary),
    scenarios,
    '</div>',
    liveSection(trend),
  ].join('\n');
  return drillHtmlPage({ title: `Drill trend (${window})`, body });
}
