/**
 * The drill trend: how a team's drills of each scenario went over time, and, kept apart, how its
 * live incidents went. Built from DrillReports (one per drill) and the final results of live runs;
 * rendered by ./trend-text.ts (table, Markdown) and ./trend-html.ts, printed as JSON as it is.
 *
 * Definitions (the same words appear in every rendering):
 * - Time to containment: a drill's figures.containment.contained (drill time since launch at which
 *   the last step of every objective aimed at contain_within succeeded). A live incident uses the
 *   same steps (from the newest drill of its runbook in the window that measured containment) and
 *   the wall time from the run's start to the last of them succeeding; with no such drill it is
 *   not measured. A drill or incident that never got there has no value and is counted apart.
 * - Time to approval: for every approval gate closed by a decision (approved or rejected), the time
 *   from launch (drill time; for a live incident, wall time from the run's start) to that decision.
 *   Gates that timed out, stayed open or were never reached give no value.
 * - p50 and p90: nearest-rank percentiles (./trend-stats.ts) over the values present.
 * - Periods: calendar months in UTC, by the drill's (or incident's) launch.
 * Live incidents never enter a scenario's figures, and drills never enter the live ones.
 */
import type { RunResult, RunStatus, StepState } from '../../common/run-state';
import type { DrillReport } from './report-types';
import { spreadOf, type Spread } from './trend-stats';

export const DRILL_TREND_SCHEMA_VERSION = 1;

export const TREND_DEFINITIONS = {
  containment:
    'Time to containment: drill time from launch until the last step of every objective aimed at contain_within succeeded. Live incidents: the same steps, wall time from the run start.',
  approval: 'Time to approval: time from launch (run start) to the decision that closed each approval gate; gates that timed out or stayed open are not counted.',
  percentiles: 'p50 and p90 are nearest-rank percentiles: the value at rank ceil(p/100 x n) of the n values sorted ascending (always an observed value).',
  periods: 'Periods are calendar months (UTC) of the launch.',
} as const;

/** One drill as the trend sees it. */
export interface TrendDrill {
  drillId: string;
  scenarioId: string;
  scenarioTitle: string;
  runbookId: string;
  launchedAt: string;
  period: string;
  status: DrillReport['drill']['status'];
  runStatus: DrillReport['run']['status'];
  objectivesMet: number;
  objectivesTotal: number;
  /** Whether the scenario has an objective aimed at contain_within. */
  containmentMeasured: boolean;
  containmentMs?: number;
  containmentTargetMs?: number;
  withinTarget?: boolean;
  approvalMs: number[];
}

export interface PeriodFigures {
  period: string;
  count: number;
  objectivesMet?: number;
  objectivesTotal?: number;
  containment: Spread;
  approval: Spread;
}

export interface ScenarioTrend {
  scenarioId: string;
  title: string;
  runbookId: string;
  drills: number;
  /** Drills whose every objective was met. */
  drillsAllMet: number;
  objectivesMet: number;
  objectivesTotal: number;
  /** Drills that measured containment and reached it. */
  drillsContained: number;
  drillsMeasuringContainment: number;
  containmentTargetMs?: number;
  containment: Spread;
  approval: Spread;
  periods: PeriodFigures[];
  /** Oldest first: one chart point each. */
  points: TrendDrill[];
}

/** A live run as listed by visibility, with its final result once it has closed. */
export interface LiveRunRecord {
  workflowId: string;
  runbookId: string;
  incidentId?: string;
  startedAt: string;
  status?: RunStatus;
  /** Temporal's view (Running, Completed, Terminated…). */
  execution: string;
  result?: RunResult;
}

export interface LiveIncident {
  workflowId: string;
  runbookId: string;
  incidentId?: string;
  startedAt: string;
  period: string;
  status: string;
  containmentMeasured: boolean;
  containmentMs?: number;
  containmentTargetMs?: number;
  approvalMs: number[];
}

export interface LiveRunbookTrend {
  runbookId: string;
  incidents: number;
  contained: number;
  containmentSteps: string[];
  containmentTargetMs?: number;
  containment: Spread;
  approval: Spread;
  periods: PeriodFigures[];
}

export interface DrillTrend {
  schemaVersion: typeof DRILL_TREND_SCHEMA_VERSION;
  generatedAt: string;
  since?: string;
  scenarioFilter?: string;
  percentileMethod: 'nearest-rank';
  definitions: typeof TREND_DEFINITIONS;
  drills: { exercise: true; count: number; scenarios: ScenarioTrend[] };
  live: { exercise: false; count: number; runbooks: LiveRunbookTrend[]; incidents: LiveIncident[] };
  warnings: string[];
}

export interface TrendInput {
  reports: readonly DrillReport[];
  liveRuns: readonly LiveRunRecord[];
  generatedAt: string;
  since?: string;
  scenarioFilter?: string;
  warnings?: readonly string[];
}

const periodOf = (iso: string): string => iso.slice(0, 7);

/** The gates a decision closed: drill time since launch of each closing decision. */
function approvalTimes(report: DrillReport): number[] {
  return report.figures.gates.filter((gate) => (gate.outcome === 'approved' || gate.outcome === 'rejected') && gate.closed).map((gate) => gate.closed!.drillMs);
}

export function trendDrillOf(report: DrillReport): TrendDrill {
  const containment = report.figures.containment;
  return {
    drillId: report.drill.drillId,
    scenarioId: report.scenario.id,
    scenarioTitle: report.scenario.title,
    runbookId: report.runbook.id,
    launchedAt: report.launch.at,
    period: periodOf(report.launch.at),
    status: report.drill.status,
    runStatus: report.run.status,
    objectivesMet: report.score.met,
    objectivesTotal: report.score.total,
    containmentMeasured: containment.measured,
    ...(containment.contained ? { containmentMs: containment.contained.drillMs } : {}),
    ...(containment.targetMs !== undefined ? { containmentTargetMs: containment.targetMs } : {}),
    ...(containment.withinTarget !== undefined ? { withinTarget: containment.withinTarget } : {}),
    approvalMs: approvalTimes(report),
  };
}

function periodsOf<T extends { period: string; containmentMs?: number; approvalMs: number[] }>(items: readonly T[], objectives?: (items: T[]) => { met: number; total: number }): PeriodFigures[] {
  const byPeriod = new Map<string, T[]>();
  for (const item of items) byPeriod.set(item.period, [...(byPeriod.get(item.period) ?? []), item]);
  return [...byPeriod.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, group]) => {
      const score = objectives?.(group);
      return {
        period,
        count: group.length,
        ...(score ? { objectivesMet: score.met, objectivesTotal: score.total } : {}),
        containment: spreadOf(group.map((item) => item.containmentMs)),
        approval: spreadOf(group.flatMap((item) => item.approvalMs)),
      };
    });
}

const objectiveScore = (drills: TrendDrill[]) => ({
  met: drills.reduce((sum, drill) => sum + drill.objectivesMet, 0),
  total: drills.reduce((sum, drill) => sum + drill.objectivesTotal, 0),
});

function scenarioTrend(drills: TrendDrill[]): ScenarioTrend {
  const points = [...drills].sort((a, b) => Date.parse(a.launchedAt) - Date.parse(b.launchedAt) || a.drillId.localeCompare(b.drillId));
  const newest = points[points.length - 1]!;
  const score = objectiveScore(points);
  const measuring = points.filter((drill) => drill.containmentMeasured);
  return {
    scenarioId: newest.scenarioId,
    title: newest.scenarioTitle,
    runbookId: newest.runbookId,
    drills: points.length,
    drillsAllMet: points.filter((drill) => drill.objectivesTotal > 0 && drill.objectivesMet === drill.objectivesTotal).length,
    objectivesMet: score.met,
    objectivesTotal: score.total,
    drillsContained: measuring.filter((drill) => drill.containmentMs !== undefined).length,
    drillsMeasuringContainment: measuring.length,
    ...(newest.containmentTargetMs !== undefined ? { containmentTargetMs: newest.containmentTargetMs } : {}),
    containment: spreadOf(points.map((drill) => drill.containmentMs)),
    approval: spreadOf(points.flatMap((drill) => drill.approvalMs)),
    periods: periodsOf(points, objectiveScore),
    points,
  };
}

/** Per runbook: the containment steps and target of its newest drill in the window that measured containment. */
function containmentYardsticks(reports: readonly DrillReport[]): Map<string, { steps: string[]; targetMs?: number }> {
  const newestFirst = [...reports].sort((a, b) => Date.parse(b.launch.at) - Date.parse(a.launch.at));
  const yardsticks = new Map<string, { steps: string[]; targetMs?: number }>();
  for (const report of newestFirst) {
    const containment = report.figures.containment;
    if (!containment.measured || containment.steps.length === 0 || yardsticks.has(report.runbook.id)) continue;
    yardsticks.set(report.runbook.id, { steps: containment.steps, ...(containment.targetMs !== undefined ? { targetMs: containment.targetMs } : {}) });
  }
  return yardsticks;
}

const doneAt = (step: StepState | undefined): number | undefined =>
  step && (step.status === 'succeeded' || step.status === 'compensated') && step.endedAt ? Date.parse(step.endedAt) : undefined;

export function liveIncidentOf(run: LiveRunRecord, yardstick: { steps: string[]; targetMs?: number } | undefined): LiveIncident {
  const state = run.result?.state;
  const start = Date.parse(state?.startedAt ?? run.startedAt);
  let containmentMs: number | undefined;
  if (state && yardstick) {
    const ends = yardstick.steps.map((id) => doneAt(state.steps.find((step) => step.id === id)));
    if (ends.every((end) => end !== undefined)) containmentMs = Math.max(start, ...(ends as number[])) - start;
  }
  const approvalMs = (state?.steps ?? [])
    .filter((step) => step.kind === 'approval' && (step.approval?.outcome === 'approved' || step.approval?.outcome === 'rejected') && step.endedAt)
    .map((step) => Date.parse(step.endedAt!) - start);
  return {
    workflowId: run.workflowId,
    runbookId: run.runbookId,
    ...(run.incidentId ? { incidentId: run.incidentId } : {}),
    startedAt: run.startedAt,
    period: periodOf(run.startedAt),
    status: run.result?.status ?? run.status ?? run.execution.toLowerCase(),
    containmentMeasured: yardstick !== undefined,
    ...(containmentMs !== undefined ? { containmentMs } : {}),
    ...(yardstick?.targetMs !== undefined ? { containmentTargetMs: yardstick.targetMs } : {}),
    approvalMs,
  };
}

export function buildDrillTrend(input: TrendInput): DrillTrend {
  const drills = input.reports.map(trendDrillOf);
  const byScenario = new Map<string, TrendDrill[]>();
  for (const drill of drills) byScenario.set(drill.scenarioId, [...(byScenario.get(drill.scenarioId) ?? []), drill]);
  const scenarios = [...byScenario.values()].map(scenarioTrend).sort((a, b) => a.scenarioId.localeCompare(b.scenarioId));

  const yardsticks = containmentYardsticks(input.reports);
  const incidents = input.liveRuns.map((run) => liveIncidentOf(run, yardsticks.get(run.runbookId))).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.workflowId.localeCompare(b.workflowId));
  const byRunbook = new Map<string, LiveIncident[]>();
  for (const incident of incidents) byRunbook.set(incident.runbookId, [...(byRunbook.get(incident.runbookId) ?? []), incident]);
  const runbooks = [...byRunbook.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([runbookId, group]): LiveRunbookTrend => {
      const yardstick = yardsticks.get(runbookId);
      return {
        runbookId,
        incidents: group.length,
        contained: group.filter((incident) => incident.containmentMs !== undefined).length,
        containmentSteps: yardstick?.steps ?? [],
        ...(yardstick?.targetMs !== undefined ? { containmentTargetMs: yardstick.targetMs } : {}),
        containment: spreadOf(group.map((incident) => incident.containmentMs)),
        approval: spreadOf(group.flatMap((incident) => incident.approvalMs)),
        periods: periodsOf(group),
      };
    });

  return {
    schemaVersion: DRILL_TREND_SCHEMA_VERSION,
    generatedAt: input.generatedAt,
    ...(input.since ? { since: input.since } : {}),
    ...(input.scenarioFilter ? { scenarioFilter: input.scenarioFilter } : {}),
    percentileMethod: 'nearest-rank',
    definitions: TREND_DEFINITIONS,
    drills: { exercise: true, count: drills.length, scenarios },
    live: { exercise: false, count: incidents.length, runbooks, incidents },
    warnings: [...(input.warnings ?? [])],
  };
}
