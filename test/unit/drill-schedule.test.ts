/**
 * The pure parts of drill schedules: how --every/--cron/--jitter become a Temporal spec (or a
 * refusal naming the flag), the timing in words, and the ids of schedules and of the drills they
 * start, as Temporal finally names them (scheduled time appended).
 */
import {
  checkDrillScheduleId,
  checkDrillScheduleTiming,
  describeTiming,
  drillScheduleId,
  scheduledDrillWorkflowId,
  type DrillScheduleTiming,
} from '../../client/drill-schedules';
import { checkWorkflowId } from '../../client/runs';
import { drillIncidentId, drillRunWorkflowId } from '../../common/drill-state';
import { INCIDENT_ID_PATTERN } from '../../workflows/ids';

const NOW = Date.parse('2026-12-05T14:05:07.250Z');

describe('checkDrillScheduleTiming', () => {
  test('--every is an interval counted from now (to the second), so "1d" keeps the time of day', () => {
    const { spec, recorded } = checkDrillScheduleTiming({ every: '1d', jitter: '10m' }, NOW);
    expect(spec).toEqual({ intervals: [{ every: 86_400_000, offset: ((14 * 60 + 5) * 60 + 7) * 1000 }], jitter: 600_000 });
    expect(recorded).toEqual({ every: '1d', jitter: '10m', from: '2026-12-05T14:05:07.000Z' });
    expect(describeTiming(recorded)).toBe('every 1d, counted from 2026-12-05T14:05:07Z (jitter up to 10m)');
  });

  test.each(['2s', '90s', '1h30m', '1w', '2w', '30d'])('every %s: Temporal times (epoch + n·every + offset) include now', (every) => {
    const interval = checkDrillScheduleTiming({ every }, NOW).spec.intervals?.[0] as { every: number; offset: number };
    const nowSecond = Math.floor(NOW / 1000) * 1000;
    expect(interval.offset).toBeGreaterThanOrEqual(0);
    expect(interval.offset).toBeLessThan(interval.every);
    expect((nowSecond - interval.offset) % interval.every).toBe(0);
  });

  test('--cron is passed to Temporal as written; UTC unless it names a zone', () => {
    const { spec, recorded } = checkDrillScheduleTiming({ cron: ' 0 9 * * 1 ' }, NOW);
    expect(spec).toEqual({ cronExpressions: ['0 9 * * 1'] });
    expect(describeTiming(recorded)).toBe('cron "0 9 * * 1" (UTC)');
    const zoned = checkDrillScheduleTiming({ cron: 'CRON_TZ=Europe/Berlin 0 9 * * 1', jitter: '5m' }, NOW);
    expect(zoned.spec).toEqual({ cronExpressions: ['CRON_TZ=Europe/Berlin 0 9 * * 1'], jitter: 300_000 });
    expect(describeTiming(zoned.recorded)).toBe('cron "CRON_TZ=Europe/Berlin 0 9 * * 1" (jitter up to 5m)');
  });

  test.each<[DrillScheduleTiming, string]>([
    [{}, 'say when the drill runs: --every <duration> (e.g. 1w) or --cron "<expression>" (e.g. "0 9 * * 1")'],
    [{ jitter: '5m' }, 'say when the drill runs'],
    [{ every: '1d', cron: '0 9 * * 1' }, 'give either --every or --cron, not both'],
    [{ every: '', cron: '' }, 'give either --every or --cron, not both'],
    [{ every: '' }, '--every "" is not a duration'],
    [{ every: 'weekly' }, '--every "weekly" is not a duration: write e.g. 30s, 15m, 1h30m, 7d'],
    [{ every: '0s' }, '--every "0s" must be longer than zero'],
    [{ every: '1500ms' }, '--every "1500ms" must be whole seconds: Temporal schedules count in seconds'],
    [{ every: '400d' }, '--every "400d" is too long'],
    [{ every: '1h', jitter: '1h' }, '--jitter 1h must be shorter than --every 1h'],
    [{ every: '1h', jitter: 'a bit' }, '--jitter "a bit" is not a duration'],
    [{ cron: '0 9 * * 1', jitter: '250ms' }, '--jitter "250ms" must be whole seconds'],
    [{ cron: '   ' }, '--cron is empty: write e.g. "0 9 * * 1"'],
    [{ cron: '0 9 * * 1\n0 10 * * 1' }, 'must be one line of at most 200 plain characters'],
    [{ cron: `0 9 * * 1 #${'x'.repeat(200)}` }, 'must be one line of at most 200 plain characters'],
  ])('%j is refused: %s', (timing, message) => {
    expect(() => checkDrillScheduleTiming(timing, NOW)).toThrow(expect.objectContaining({ name: 'QuellClientError', code: 'invalid-input', message: expect.stringContaining(message) }));
  });
});

describe('schedule and drill ids', () => {
  test('a schedule is named by its scenario and optional name', () => {
    expect(drillScheduleId('drill-hold')).toBe('quell-drill-schedule:drill-hold');
    expect(drillScheduleId('drill-hold', 'weekly')).toBe('quell-drill-schedule:drill-hold:weekly');
    expect(scheduledDrillWorkflowId('drill-hold')).toBe('quell-drill:drill-hold:scheduled');
    expect(scheduledDrillWorkflowId('drill-hold', 'weekly')).toBe('quell-drill:drill-hold:scheduled-weekly');
  });

  test('only ids of drill schedules are accepted', () => {
    expect(() => checkDrillScheduleId('quell-drill-schedule:drill-hold:weekly')).not.toThrow();
    expect(() => checkDrillScheduleId('quell-drill:drill-hold:ex1')).toThrow(expect.objectContaining({ code: 'invalid-input', message: expect.stringContaining('is not a drill schedule id') }));
    expect(() => checkDrillScheduleId('')).toThrow(expect.objectContaining({ code: 'invalid-input', message: 'schedule id is required' }));
  });

  test('a drill as Temporal names it is a valid run id, and its incident id is unique per tick', () => {
    // Temporal appends "-" and the scheduled time (RFC 3339, UTC) to the schedule's workflow id.
    const monday = `${scheduledDrillWorkflowId('drill-hold', 'weekly')}-2026-01-05T09:00:00Z`;
    const nextMonday = `${scheduledDrillWorkflowId('drill-hold', 'weekly')}-2026-01-12T09:00:00Z`;
    expect(() => checkWorkflowId(monday)).not.toThrow();
    expect(() => checkWorkflowId(drillRunWorkflowId(monday))).not.toThrow();
    expect(drillIncidentId(undefined, monday)).toBe('drill-scheduled-weekly-2026-01-05T090000Z');
    expect(drillIncidentId(undefined, nextMonday)).not.toBe(drillIncidentId(undefined, monday));
    expect(drillIncidentId(undefined, `${scheduledDrillWorkflowId('drill-hold', 'x'.repeat(40))}-2026-01-05T09:00:00Z`)).toMatch(/^drill-x+-2026-01-05T090000Z$/);
    for (const id of [monday, `${scheduledDrillWorkflowId('a')}-2026-01-05T09:00:00Z`]) expect(drillIncidentId(undefined, id)).toMatch(INCIDENT_ID_PATTERN);
    // Drills started by hand keep their given or exercise-derived incident.
    expect(drillIncidentId('drill-ex1', 'quell-drill:drill-hold:ex1')).toBe('drill-ex1');
    expect(drillIncidentId(undefined, 'quell-drill:drill-hold:ex1')).toBe('drill-ex1');
  });
});
