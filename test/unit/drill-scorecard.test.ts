/**
 * The pure parts of the drill report on small synthetic histories: drill time leaves paused time
 * out; objectives are met at exactly their limit and not a millisecond after, partly met when some
 * steps are in time, not met when none are (late, failed, or a target the runbook does not set),
 * and open only while the drill runs and the limit is still ahead; containment is measured against
 * the runbook's target; retries count attempts beyond the first. Also: a committed recording of a
 * real drill builds a schema-valid report whose every reference names an event of its history.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { buildDrillReport, type DrillHistories } from '../../reports/drill/build';
import { dueDateProblem } from '../../reports/drill/debrief-record';
import { formatDrillMs, HistoryDrillClock } from '../../reports/drill/drill-time';
import { mdText, renderDrillReportMarkdown } from '../../reports/drill/markdown';
import { DrillReportSchema, parseEventRef } from '../../reports/drill/report-types';
import { summarizeDrillReport } from '../../reports/drill/summary';
import type { Runbook } from '../../runbooks/schema';
import { loadRecordedDrillHistories } from '../support/recorded-histories';

type RawEvent = temporal.api.history.v1.IHistoryEvent;

const T0 = Date.UTC(2030, 0, 15, 9, 0, 0);
const payloads = (...values: unknown[]) => ({ payloads: values.map((value) => defaultPayloadConverter.toPayload(value)) });
const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 }) as unknown as RawEvent['eventTime'];

/** A history of `events`, ids assigned in order; each entry is [wall time ms, attributes]. */
function history(events: Array<[number, Partial<RawEvent>]>): temporal.api.history.v1.IHistory {
  return { events: events.map(([ms, attributes], index) => ({ eventId: index + 1, eventTime: at(ms), ...attributes }) as unknown as RawEvent) };
}
const started = (input: unknown): Partial<RawEvent> => ({ workflowExecutionStartedEventAttributes: { input: payloads(input) } });
const completed = (result: unknown): Partial<RawEvent> => ({ workflowExecutionCompletedEventAttributes: { result: payloads(result) } });
const update = (name: string, args: unknown): Partial<RawEvent> => ({ workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { meta: { updateId: `${name}-${Math.random()}` }, input: { name, args: payloads(args) } } } });
const updateDone = (acceptedEventId: number, result: unknown): Partial<RawEvent> => ({ workflowExecutionUpdateCompletedEventAttributes: { acceptedEventId: acceptedEventId as never, outcome: { success: payloads(result) } } });
const scheduled = (stepId: string, action = 'notify'): Partial<RawEvent> => ({ activityTaskScheduledEventAttributes: { activityType: { name: action }, input: payloads({ stepId, action, purpose: 'perform' }) } });
const attempt = (scheduledEventId: number, number: number): Partial<RawEvent> => ({ activityTaskStartedEventAttributes: { scheduledEventId: scheduledEventId as never, attempt: number } });
const activityDone = (scheduledEventId: number): Partial<RawEvent> => ({ activityTaskCompletedEventAttributes: { scheduledEventId: scheduledEventId as never, result: payloads({ output: {} }) } });

const RUNBOOK = {
  id: 'synthetic',
  version: 2,
  title: 'Synthetic',
  severity: 'low',
  inputs: {},
  targets: { contain_within: '1m' },
  steps: [
    { id: 'approve', approval: { approvers: ['oncall'], quorum: 1, timeout: '1h', on_timeout: 'reject', summary: 'go' } },
    { id: 'act-a', action: 'notify', with: { message: 'a' } },
    { id: 'act-b', action: 'notify', with: { message: 'b' } },
    { id: 'act-c', action: 'notify', with: { message: 'c' } },
  ],
} as unknown as Runbook;

function drillInput(objectives: Array<{ id: string; steps: string[]; within?: string; target?: string }>, runbook: Runbook = RUNBOOK) {
  return {
    scenario: { id: 'synthetic', version: 1, title: 'Synthetic drill', sha256: 'a'.repeat(64) },
    runbook,
    runbookSha256: 'b'.repeat(64),
    inputs: {},
    injects: [],
    objectives: objectives.map((objective) => ({ description: `objective ${objective.id}`, ...objective })),
    participants: { facilitators: ['leads'], players: ['oncall'] },
    requestedBy: 'rita',
    requestedVia: 'cli',
  };
}

/**
 * A drill launched at T0, paused from +30 s to +50 s (20 s of wall time), whose run approves at
 * +5 s, finishes act-a at +20 s (second attempt) and act-b at +80 s, i.e. 60 s of drill time.
 */
function playedDrill(objectives: Parameters<typeof drillInput>[0], options: { until?: number; runbook?: Runbook; actCStatus?: string } = {}): DrillHistories {
  // A drill still going: its histories end at `until` (nothing later has happened yet).
  const closed = options.until === undefined;
  const upTo = (events: Array<[number, Partial<RawEvent>]>) => events.filter(([ms]) => options.until === undefined || ms <= options.until);
  const steps = [
    { id: 'approve', kind: 'approval', status: 'succeeded', endedAt: new Date(T0 + 5_000).toISOString() },
    { id: 'act-a', kind: 'action', status: 'succeeded', endedAt: new Date(T0 + 20_000).toISOString() },
    { id: 'act-b', kind: 'action', status: 'compensated', endedAt: new Date(T0 + 80_000).toISOString() },
    { id: 'act-c', kind: 'action', status: options.actCStatus ?? 'failed', error: { message: 'notify failed: nope' } },
  ];
  const drill: Array<[number, Partial<RawEvent>]> = [
    [T0, started(drillInput(objectives, options.runbook))],
    [T0 + 30_000, update('pauseDrill', { actor: 'lee', via: 'cli' })],
    [T0 + 30_000, updateDone(2, {})],
    [T0 + 50_000, update('resumeDrill', { actor: 'lee', via: 'cli' })],
    [T0 + 50_000, updateDone(4, {})],
  ];
  drill.push([T0 + 55_000, update('noteDrill', { text: 'Bob | Alice\n| --- |\n<img src=x> **done**', actor: 'lee', via: 'cli' })]);
  if (closed) drill.push([T0 + 100_000, completed({ status: 'completed', injects: [] })]);
  const gate = { outcome: 'approved', decisions: [{ actor: 'bob', person: 'Bob B.', decision: 'approve', at: new Date(T0 + 5_000).toISOString(), via: 'cli' }] };
  const run: Array<[number, Partial<RawEvent>]> = [
    [T0 + 1_000, started({ runbook: options.runbook ?? RUNBOOK, runbookSha256: 'b'.repeat(64), requestedBy: 'rita', requestedVia: 'cli', incidentId: 'drill-x', mode: 'tabletop' })],
    [T0 + 5_000, update('decideApproval', { stepId: 'approve', actor: 'bob', decision: 'approve', via: 'cli', summarySha256: 'c'.repeat(64) })],
    [T0 + 5_000, updateDone(2, gate)],
    [T0 + 6_000, scheduled('act-a')],
    [T0 + 20_000, attempt(4, 2)],
    [T0 + 20_000, activityDone(4)],
    [T0 + 21_000, scheduled('act-b')],
    [T0 + 80_000, attempt(7, 1)],
    [T0 + 80_000, activityDone(7)],
  ];
  if (closed) run.push([T0 + 90_000, completed({ status: 'cancelled', state: { steps, events: [] } })]);
  return { drillId: 'quell-drill:synthetic:x', drill: history(upTo(drill)), run: history(upTo(run)) };
}

describe('drill time', () => {
  const clock = new HistoryDrillClock(T0, [{ startMs: T0 + 30_000, endMs: T0 + 50_000 }, { startMs: T0 + 90_000 }]);
  test('leaves paused time out, places events inside a pause at its start, and runs on after a resume', () => {
    expect(clock.drillMs(T0 + 29_999)).toBe(29_999);
    expect(clock.drillMs(T0 + 40_000)).toBe(30_000);
    expect(clock.drillMs(T0 + 50_000)).toBe(30_000);
    expect(clock.drillMs(T0 + 80_000)).toBe(60_000);
    // An open pause (never resumed) stops drill time for good.
    expect(clock.drillMs(T0 + 500_000)).toBe(70_000);
  });
  test('formats drill times for people', () => {
    expect([0, 1_500, 60_000, 90_500, 3_723_000, -2_000].map(formatDrillMs)).toEqual(['0s', '1.5s', '1m', '1m 30.5s', '1h 2m 3s', '-2s']);
  });
});

describe('objective verdicts', () => {
  test('met at exactly the limit in drill time (the pause is not counted); one millisecond less is partly met; none in time is not met', () => {
    const report = buildDrillReport(
      playedDrill([
        { id: 'edge', steps: ['act-a', 'act-b'], within: '1m' },
        { id: 'tight', steps: ['act-a', 'act-b'], within: '59999ms' },
        { id: 'late', steps: ['act-b'], within: '30s' },
      ]),
    );
    expect(report.objectives.map(({ id, verdict, stepsInTime }) => ({ id, verdict, stepsInTime }))).toEqual([
      { id: 'edge', verdict: 'met', stepsInTime: 2 },
      { id: 'tight', verdict: 'partly-met', stepsInTime: 1 },
      { id: 'late', verdict: 'not-met', stepsInTime: 0 },
    ]);
    // act-b finished 80 s after launch, 20 s of which were paused, and it was undone later: it still counts.
    expect(report.objectives[0]!.completed).toEqual({ drillMs: 60_000, at: new Date(T0 + 80_000).toISOString(), ref: 'run#9' });
    expect(report.objectives[2]!.reason).toBe('0 of 1 step done within 30s; not done in time: act-b (done late, at 1m)');
    expect(report.score).toEqual({ met: 1, partlyMet: 1, notMet: 1, open: 0, total: 3 });
  });

  test('a failed step is not done; a target the runbook does not set cannot be met', () => {
    const noTargets = { ...RUNBOOK, targets: undefined } as unknown as Runbook;
    const report = buildDrillReport(
      playedDrill(
        [
          { id: 'failed', steps: ['act-a', 'act-c'], within: '10m' },
          { id: 'unset', steps: ['act-a'], target: 'resolve_within' },
        ],
        { runbook: noTargets },
      ),
    );
    expect(report.objectives.map((objective) => objective.verdict)).toEqual(['partly-met', 'not-met']);
    expect(report.objectives[0]!.reason).toContain('act-c (failed)');
    expect(report.objectives[1]!.reason).toBe('runbook synthetic sets no resolve_within, so the objective cannot be met');
    expect(report.figures.stepsFailed).toEqual([{ stepId: 'act-c', detail: 'notify failed: nope' }]);
    expect(report.figures.containment).toMatchObject({ measured: false });
  });

  test('while the drill runs, an objective whose limit is ahead is open; one whose limit has passed is judged', () => {
    const objectives = [
      { id: 'ahead', steps: ['act-a', 'act-b'], within: '45s' },
      { id: 'passed', steps: ['act-a', 'act-b'], within: '25s' },
      { id: 'done', steps: ['approve', 'act-a'], within: '45s' },
    ];
    // 60 s after launch, resumed: 40 s of drill time; act-b is still being tried.
    const running = buildDrillReport(playedDrill(objectives, { until: T0 + 60_000 }), { generatedAt: new Date(T0 + 60_000) });
    expect(running.drillTime).toEqual({ totalMs: 40_000, pausedMs: 20_000, wallMs: 60_000, final: false });
    expect(running.drill.status).toBe('running');
    expect(running.objectives.map((objective) => objective.verdict)).toEqual(['open', 'partly-met', 'met']);
    expect(running.objectives[0]!.reason).toBe('1 of 2 steps done within 45s so far; not done in time: act-b (still running)');
    expect(running.warnings).toEqual([expect.stringContaining('the drill is still running'), 'the run is still open: step outcomes are read from events so far']);
    // 40 s after launch, inside the pause: drill time stands at 30 s.
    const paused = buildDrillReport(playedDrill(objectives, { until: T0 + 40_000 }), { generatedAt: new Date(T0 + 40_000) });
    expect(paused.drillTime).toEqual({ totalMs: 30_000, pausedMs: 10_000, wallMs: 40_000, final: false });
    expect(paused.drill.status).toBe('paused');
    expect(paused.pauses[0]).toMatchObject({ pausedBy: 'lee', durationMs: 10_000 });
    expect(paused.pauses[0]!.resumed).toBeUndefined();
  });
});

describe('figures', () => {
  test('containment against the target, approvals with the person, first action and retries', () => {
    const report = buildDrillReport(playedDrill([{ id: 'contained', steps: ['approve', 'act-a', 'act-b'], target: 'contain_within' }]));
    expect(report.figures.containment).toEqual({
      measured: true,
      steps: ['approve', 'act-a', 'act-b'],
      target: '1m',
      targetMs: 60_000,
      contained: { drillMs: 60_000, at: new Date(T0 + 80_000).toISOString(), ref: 'run#9' },
      withinTarget: true,
      marginMs: 0,
      reason: 'contained at 1m against a target of 1m (0s to spare)',
    });
    expect(report.figures.firstAction).toMatchObject({ drillMs: 5_000, ref: 'run#2', actor: 'bob', what: 'decideApproval' });
    expect(report.figures.approvals).toEqual([{ drillMs: 5_000, at: new Date(T0 + 5_000).toISOString(), ref: 'run#2', actor: 'bob', via: 'cli', what: 'decideApproval', stepId: 'approve', decision: 'approve', person: 'Bob B.' }]);
    expect(report.figures.gates).toEqual([{ stepId: 'approve', quorum: 1, outcome: 'approved', approvedBy: ['Bob B.'], closed: { drillMs: 5_000, at: new Date(T0 + 5_000).toISOString(), ref: 'run#3' } }]);
    expect(report.figures.retriesTotal).toBe(1);
    expect(report.figures.retries).toEqual([{ stepId: 'act-a', action: 'notify', purpose: 'perform', attempts: 2, retries: 1, outcome: 'succeeded', ref: 'run#4' }]);
    expect(report.pauses).toEqual([
      { paused: { drillMs: 30_000, at: new Date(T0 + 30_000).toISOString(), ref: 'drill#2' }, pausedBy: 'lee', resumed: { drillMs: 30_000, at: new Date(T0 + 50_000).toISOString(), ref: 'drill#4' }, resumedBy: 'lee', durationMs: 20_000 },
    ]);
    expect(DrillReportSchema.safeParse(report).success).toBe(true);
  });

  test('containment missed: late by the margin, and said so in the summary', () => {
    const tight = { ...RUNBOOK, targets: { contain_within: '50s' } } as unknown as Runbook;
    const report = buildDrillReport(playedDrill([{ id: 'contained', steps: ['act-a', 'act-b'], target: 'contain_within' }], { runbook: tight }));
    expect(report.figures.containment).toMatchObject({ withinTarget: false, marginMs: -10_000 });
    const summary = summarizeDrillReport(report);
    expect(summary.lines).toContain('Contained at 1m against a target of 50s: 10s late');
    expect(summary.headline).toBe('[EXERCISE — not a real incident] Drill "Synthetic drill" is over: 0/1 objectives met');
  });
});

describe('the Markdown report', () => {
  test('is marked as an exercise and shows hostile text inert: no table break, no markup, no control characters', () => {
    expect(mdText('a | b <script>x</script>\nnext\u202E')).toBe('a \\| b \\<script\\>x\\</script\\> next\\\\u{202E}');
    const report = buildDrillReport(playedDrill([{ id: 'edge', steps: ['act-a'], within: '1m' }]));
    const markdown = renderDrillReportMarkdown(report);
    expect(markdown.split('\n')[0]).toBe('> **EXERCISE — not a real incident** — after-action report of a tabletop drill.');
    expect(markdown).toContain('| **edge** objective edge | within 1m | ✅ met | 1/1 |');
    expect(markdown.trimEnd().split('\n').pop()).toMatch(/^\*EXERCISE — not a real incident\.\*/);
    // The note's pipes, line breaks and markup stay inside its own line and cell.
    expect(markdown).toContain('- 35s lee (drill#6): Bob \\| Alice \\| --- \\| \\<img src=x\\> \\*\\*done\\*\\*');
    expect(markdown).not.toMatch(/(?:^|[^\\])<img/m);
    const problems: string[] = [];
    let header: number | undefined;
    for (const line of markdown.split('\n')) {
      if (!line.startsWith('|')) {
        header = undefined;
        continue;
      }
      const cells = line.replace(/\\./g, '').split('|').length - 2;
      if (header === undefined) header = cells;
      else if (cells !== header) problems.push(line);
    }
    expect(problems).toEqual([]);
  });
});

describe('due dates of plan items', () => {
  test.each([
    ['2030-01-31', undefined],
    ['2028-02-29', undefined],
    ['2027-02-29', '2027-02-29 is not a day of the calendar'],
    ['2030-13-01', '2030-13-01 is not a day of the calendar'],
    ['31/01/2030', '"31/01/2030" is not a date: write YYYY-MM-DD, e.g. 2030-01-31'],
  ])('%s', (due, problem) => {
    expect(dueDateProblem(due)).toBe(problem);
  });
});

describe('a recorded real drill', () => {
  test('builds a schema-valid report whose every reference names an event of the history it cites', () => {
    const recorded = loadRecordedDrillHistories().filter((entry) => entry.recording === 'drill-kinds');
    const drill = recorded.find((entry) => entry.role === 'drill')!;
    const run = recorded.find((entry) => entry.role === 'run')!;
    const followUp = recorded.find((entry) => entry.role === 'follow-up')!;
    const report = buildDrillReport({ drillId: drill.workflowId, drill: drill.history, run: run.history, followUps: { 'second-key': followUp.history } }, { generatedAt: new Date(T0) });
    expect(DrillReportSchema.safeParse(report).success).toBe(true);
    const events: Record<string, RawEvent[]> = { drill: drill.history.events ?? [], run: run.history.events ?? [], 'follow-up:second-key': followUp.history.events ?? [] };
    const refs = JSON.stringify(report).match(/"ref":"[^"]+"/g)!.map((match) => match.slice(7, -1));
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const { source, eventId } = parseEventRef(ref);
      expect({ ref, found: events[source]?.some((event) => Number(event.eventId) === eventId) }).toEqual({ ref, found: true });
    }
    // The recorded drill played one inject of each kind: each fired, and the fault cost two retries.
    expect(report.injects.map((inject) => [inject.id, inject.status])).toEqual(report.injects.map((inject) => [inject.id, 'fired']));
    expect(report.figures.retriesTotal).toBe(2);
  });
});
