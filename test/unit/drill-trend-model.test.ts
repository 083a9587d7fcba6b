/**
 * The drill trend's figures (reports/drill/trend.ts) from reports and live results written by
 * hand, so each number can be worked out on paper: per scenario the drills, objectives, p50/p90
 * (nearest rank) of time to containment and to approval, by month; live incidents measured on the
 * newest drill's containment steps, in their own part, never changing a drill figure; and every
 * rendering escapes what people wrote.
 */
import type { RunResult, StepState } from '../../common/run-state';
import type { DrillReport } from '../../reports/drill/report-types';
import { buildDrillTrend, liveIncidentOf, type LiveRunRecord } from '../../reports/drill/trend';
import { renderTrendHtml } from '../../reports/drill/trend-html';
import { markdownText, renderTrendMarkdown, renderTrendTable } from '../../reports/drill/trend-text';
import { PLAIN_TEXT, sampleDrillReport } from '../support/drill-report-sample';

const MIN = 60_000;

/** The sample report, launched at `launchedAt`, contained at `containedMs` (or never), with one gate closed at `approvedMs`. */
function drillAt(launchedAt: string, containedMs: number | undefined, approvedMs: number | undefined, scenario = 'credential-compromise', title = PLAIN_TEXT.title): DrillReport {
  const base = sampleDrillReport({ ...PLAIN_TEXT, title }, scenario);
  const id = `quell-drill:${scenario}:${launchedAt.replace(/[^0-9]/g, '')}`;
  const moment = (ms: number) => ({ drillMs: ms, at: new Date(Date.parse(launchedAt) + ms).toISOString(), ref: 'run#5' });
  return {
    ...base,
    drill: { ...base.drill, drillId: id },
    launch: { at: launchedAt, ref: 'drill#1' },
    score: { ...base.score, met: containedMs !== undefined ? 2 : 0 },
    figures: {
      ...base.figures,
      containment: { ...base.figures.containment, contained: containedMs !== undefined ? moment(containedMs) : undefined, withinTarget: containedMs !== undefined && containedMs <= 15 * MIN },
      gates: approvedMs !== undefined ? [{ stepId: 'approve-containment', quorum: 1, outcome: 'approved', approvedBy: ['carol'], closed: moment(approvedMs) }] : [{ stepId: 'approve-containment', quorum: 1, outcome: 'timed-out', approvedBy: [] }],
    },
  };
}

function liveRun(workflowId: string, runbookId: string, steps: Array<Partial<StepState> & { id: string; endsAfterMs?: number }>): LiveRunRecord {
  const startedAt = '2026-03-20T12:00:00.000Z';
  const state = {
    workflowId,
    runbook: { id: runbookId, version: 1, title: runbookId, sha256: 'c'.repeat(64) },
    incidentId: 'INC-1',
    mode: 'live',
    requestedBy: 'rita',
    status: 'completed',
    startedAt,
    steps: steps.map(({ endsAfterMs, ...step }) => ({
      kind: 'action',
      status: 'succeeded',
      ...step,
      ...(endsAfterMs !== undefined ? { endedAt: new Date(Date.parse(startedAt) + endsAfterMs).toISOString() } : {}),
    })),
    events: [],
  } as unknown as RunResult['state'];
  return { workflowId, runbookId, incidentId: 'INC-1', startedAt, status: 'completed', execution: 'COMPLETED', result: { status: 'completed', state } };
}

const reports = [
  drillAt('2026-03-02T09:00:00.000Z', 4 * MIN, 2 * MIN),
  drillAt('2026-01-10T09:00:00.000Z', 20 * MIN, 9 * MIN),
  drillAt('2026-02-14T09:00:00.000Z', undefined, undefined),
  drillAt('2026-02-20T09:00:00.000Z', 10 * MIN, 3 * MIN),
  drillAt('2026-02-01T09:00:00.000Z', 6 * MIN, 1 * MIN, 'vendor-breach'),
];

describe('drill trend figures', () => {
  const trend = buildDrillTrend({ reports, liveRuns: [], generatedAt: '2026-03-31T00:00:00.000Z', since: '2026-01-01T00:00:00.000Z' });

  test('per scenario: drills, objectives, containment and approval percentiles, oldest drill first', () => {
    expect(trend.drills.count).toBe(5);
    expect(trend.drills.scenarios.map((scenario) => scenario.scenarioId)).toEqual(['credential-compromise', 'vendor-breach']);
    const cc = trend.drills.scenarios[0]!;
    expect(cc.points.map((point) => point.launchedAt.slice(0, 10))).toEqual(['2026-01-10', '2026-02-14', '2026-02-20', '2026-03-02']);
    expect(cc).toMatchObject({ drills: 4, objectivesMet: 6, objectivesTotal: 12, drillsAllMet: 0, drillsMeasuringContainment: 4, drillsContained: 3, containmentTargetMs: 15 * MIN });
    // Contained in 4, 10 and 20 min: rank ceil(0.5 x 3) = 2 → 10 min; rank ceil(0.9 x 3) = 3 → 20 min.
    expect(cc.containment).toEqual({ count: 3, p50: 10 * MIN, p90: 20 * MIN });
    expect(cc.approval).toEqual({ count: 3, p50: 3 * MIN, p90: 9 * MIN });
    expect(cc.periods).toEqual([
      { period: '2026-01', count: 1, objectivesMet: 2, objectivesTotal: 3, containment: { count: 1, p50: 20 * MIN, p90: 20 * MIN }, approval: { count: 1, p50: 9 * MIN, p90: 9 * MIN } },
      { period: '2026-02', count: 2, objectivesMet: 2, objectivesTotal: 6, containment: { count: 1, p50: 10 * MIN, p90: 10 * MIN }, approval: { count: 1, p50: 3 * MIN, p90: 3 * MIN } },
      { period: '2026-03', count: 1, objectivesMet: 2, objectivesTotal: 3, containment: { count: 1, p50: 4 * MIN, p90: 4 * MIN }, approval: { count: 1, p50: 2 * MIN, p90: 2 * MIN } },
    ]);
    expect(trend.drills.scenarios[1]).toMatchObject({ scenarioId: 'vendor-breach', drills: 1, containment: { count: 1, p50: 6 * MIN, p90: 6 * MIN } });
  });

  test('live incidents are measured on the newest drill of their runbook, and never change a drill figure', () => {
    const contained = liveRun('quell:credential-compromise:INC-1', 'credential-compromise', [
      { id: 'approve-containment', kind: 'approval', endsAfterMs: 1 * MIN, approval: { outcome: 'approved' } as StepState['approval'] },
      { id: 'revoke-key', endsAfterMs: 3 * MIN },
    ]);
    const failed = liveRun('quell:credential-compromise:INC-2', 'credential-compromise', [
      { id: 'approve-containment', kind: 'approval', endsAfterMs: 2 * MIN, approval: { outcome: 'approved' } as StepState['approval'] },
      { id: 'revoke-key', status: 'failed', endsAfterMs: 4 * MIN },
    ]);
    const undrilled = liveRun('quell:offboarding:INC-3', 'offboarding', [{ id: 'deprovision', endsAfterMs: 5 * MIN }]);
    const withLive = buildDrillTrend({ reports, liveRuns: [contained, failed, undrilled], generatedAt: trend.generatedAt, since: trend.since! });

    expect(withLive.drills).toEqual(trend.drills);
    expect(withLive.live.count).toBe(3);
    expect(withLive.live.incidents.map((incident) => [incident.workflowId, incident.containmentMeasured, incident.containmentMs, incident.approvalMs])).toEqual([
      ['quell:credential-compromise:INC-1', true, 3 * MIN, [1 * MIN]],
      ['quell:credential-compromise:INC-2', true, undefined, [2 * MIN]],
      ['quell:offboarding:INC-3', false, undefined, []],
    ]);
    expect(withLive.live.runbooks).toMatchObject([
      { runbookId: 'credential-compromise', incidents: 2, contained: 1, containmentSteps: ['approve-containment', 'revoke-key'], containmentTargetMs: 15 * MIN, containment: { count: 1, p50: 3 * MIN } },
      { runbookId: 'offboarding', incidents: 1, contained: 0, containmentSteps: [] },
    ]);
  });

  test('a live run still running has no result: listed, not contained, not measured as a failure', () => {
    const running: LiveRunRecord = { workflowId: 'quell:x:INC-9', runbookId: 'x', startedAt: '2026-03-20T12:00:00.000Z', status: 'running', execution: 'RUNNING' };
    expect(liveIncidentOf(running, { steps: ['a'] })).toMatchObject({ status: 'running', containmentMeasured: true, approvalMs: [] });
    expect(liveIncidentOf(running, { steps: ['a'] }).containmentMs).toBeUndefined();
  });

  test('people-written titles are escaped in the table, the Markdown and the HTML', () => {
    const hostile = '<script>alert(1)</script> | *bold* [link](http://127.0.0.1:9/)\u202e';
    const shown = buildDrillTrend({ reports: [drillAt('2026-03-02T09:00:00.000Z', 4 * MIN, 2 * MIN, 'credential-compromise', hostile)], liveRuns: [], generatedAt: trend.generatedAt });
    const table = renderTrendTable(shown);
    expect(table.split('\n')[0]).toBe('[EXERCISE — not a real incident]');
    expect(table).toContain('<script>alert(1)</script> | *bold* [link](http://127.0.0.1:9/)\\u{202E}');
    const markdown = renderTrendMarkdown(shown);
    expect(markdown).toContain(markdownText(hostile));
    expect(markdownText(hostile)).toBe('&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| \\*bold\\* \\[link\\]\\(http://127.0.0.1:9/\\)\\\\u\\{202E\\}');
    expect(markdown).not.toContain('<script>');
    const html = renderTrendHtml(shown);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('\\u{202E}');
  });
});
