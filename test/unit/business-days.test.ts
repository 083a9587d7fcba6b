/**
 * Durations in business days (`3bd`, `1bd4h`): the calendar arithmetic (weekends, holidays, time
 * zones, clock changes), the parser that accepts `bd` only in a step's duration, lint refusing it
 * elsewhere with the field's name, and the calendar file (QUELL_CALENDAR_FILE).
 *
 * Expected instants are worked out by hand from the calendar (2026-12-04 is a Friday; Berlin is
 * UTC+1 in winter, UTC+2 in summer; its clocks go forward on 2026-03-29 and back on 2026-10-25).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  addBusinessDays,
  businessDeadline,
  DEFAULT_CALENDAR,
  isWorkingDate,
  localDate,
  WEEKDAYS,
  type BusinessCalendar,
} from '../../common/business-days';
import { BUSINESS_DAYS_REFUSED, parseDuration, parseStepDuration } from '../../common/duration';
import { loadCalendarFile, loadCalendarText } from '../../config/calendar-file';
import { loadRunbookText } from '../../runbooks/load';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

const BERLIN: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  workdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  dayStart: '09:00',
  holidays: ['2026-12-24', '2026-12-25', '2026-12-31', '2027-01-01'],
};
const BERLIN_EVERY_DAY: BusinessCalendar = { ...BERLIN, workdays: [...WEEKDAYS], holidays: [] };

describe('addBusinessDays on the default calendar (Monday to Friday, UTC)', () => {
  it('skips the weekend and keeps the time of day', () => {
    expect(iso(addBusinessDays(DEFAULT_CALENDAR, at('2026-12-04T10:00:00Z'), 1))).toBe('2026-12-07T10:00:00.000Z');
    expect(iso(addBusinessDays(DEFAULT_CALENDAR, at('2026-12-07T10:00:00Z'), 5))).toBe('2026-12-14T10:00:00.000Z');
    expect(iso(addBusinessDays(DEFAULT_CALENDAR, at('2026-12-09T16:45:00Z'), 3))).toBe('2026-12-14T16:45:00.000Z');
  });

  it('keeps seconds and milliseconds of the start', () => {
    expect(iso(addBusinessDays(DEFAULT_CALENDAR, at('2026-12-07T10:00:05.250Z'), 1))).toBe('2026-12-08T10:00:05.250Z');
  });

  it('from a weekend, counts from the next working day at the start of business', () => {
    expect(iso(addBusinessDays(DEFAULT_CALENDAR, at('2026-12-05T15:30:00Z'), 0))).toBe('2026-12-07T09:00:00.000Z');
    expect(iso(addBusinessDays(DEFAULT_CALENDAR, at('2026-12-05T15:30:00Z'), 1))).toBe('2026-12-08T09:00:00.000Z');
    expect(iso(addBusinessDays(DEFAULT_CALENDAR, at('2026-12-06T23:59:59Z'), 2))).toBe('2026-12-09T09:00:00.000Z');
  });

  it('N = 0 on a working day is the start itself', () => {
    const start = at('2026-12-08T13:14:15.678Z');
    expect(addBusinessDays(DEFAULT_CALENDAR, start, 0)).toBe(start);
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addBusinessDays(DEFAULT_CALENDAR, at('2026-12-08T10:00:00Z'), -1)).toThrow('business days must be a whole number');
    expect(() => addBusinessDays(DEFAULT_CALENDAR, at('2026-12-08T10:00:00Z'), 1.5)).toThrow('business days must be a whole number');
  });
});

describe('addBusinessDays in Europe/Berlin with holidays', () => {
  it('a start on a Friday evening lands on Monday evening', () => {
    // 19:30 in Berlin (UTC+1) is 18:30Z.
    expect(iso(addBusinessDays(BERLIN, at('2026-12-04T18:30:00Z'), 1))).toBe('2026-12-07T18:30:00.000Z');
    // 23:30 Friday in Berlin is still Friday there, though 22:30Z.
    expect(iso(addBusinessDays(BERLIN, at('2026-12-04T22:30:00Z'), 1))).toBe('2026-12-07T22:30:00.000Z');
  });

  it('reads the day in the calendar\'s time zone, not in UTC', () => {
    // Friday 23:30Z is Saturday 00:30 in Berlin: counting starts Monday 09:00 Berlin (08:00Z).
    const start = at('2026-12-04T23:30:00Z');
    expect(isWorkingDate(BERLIN, start)).toBe(false);
    expect(isWorkingDate(DEFAULT_CALENDAR, start)).toBe(true);
    expect(iso(addBusinessDays(BERLIN, start, 1))).toBe('2026-12-08T08:00:00.000Z');
    expect(iso(addBusinessDays(DEFAULT_CALENDAR, start, 1))).toBe('2026-12-07T23:30:00.000Z');
  });

  it('skips holidays as well as weekends', () => {
    // Wednesday 23rd, 16:00 Berlin: the 24th and 25th are holidays, then a weekend.
    const start = at('2026-12-23T15:00:00Z');
    expect(iso(addBusinessDays(BERLIN, start, 1))).toBe('2026-12-28T15:00:00.000Z');
    expect(iso(addBusinessDays(BERLIN, start, 3))).toBe('2026-12-30T15:00:00.000Z');
    // The 31st and New Year's Day are holidays, the 2nd and 3rd a weekend.
    expect(iso(addBusinessDays(BERLIN, start, 4))).toBe('2027-01-04T15:00:00.000Z');
  });

  it('a start on a holiday counts from the next working day\'s start of business', () => {
    const start = at('2026-12-24T10:00:00Z');
    expect(iso(addBusinessDays(BERLIN, start, 0))).toBe('2026-12-28T08:00:00.000Z');
    expect(iso(addBusinessDays(BERLIN, start, 1))).toBe('2026-12-29T08:00:00.000Z');
    expect(iso(addBusinessDays({ ...BERLIN, dayStart: '07:30' }, start, 1))).toBe('2026-12-29T06:30:00.000Z');
  });

  it('keeps the local time of day across the change to summer time', () => {
    // Friday 10:00 CET (09:00Z) to Monday 10:00 CEST (08:00Z): 71 hours, not 72.
    const start = at('2026-03-27T09:00:00Z');
    const end = addBusinessDays(BERLIN, start, 1);
    expect(iso(end)).toBe('2026-03-30T08:00:00.000Z');
    expect(end - start).toBe(71 * HOUR);
  });

  it('keeps the local time of day across the change back to winter time', () => {
    const start = at('2026-10-23T08:00:00Z');
    const end = addBusinessDays(BERLIN, start, 1);
    expect(iso(end)).toBe('2026-10-26T09:00:00.000Z');
    expect(end - start).toBe(73 * HOUR);
  });

  it('moves a time the clocks skip forward by the gap, and takes the first of a repeated time', () => {
    // 02:30 on Saturday 28 March (01:30Z); on the 29th 02:30 does not exist: 03:30 CEST (01:30Z).
    expect(iso(addBusinessDays(BERLIN_EVERY_DAY, at('2026-03-28T01:30:00Z'), 1))).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 on Saturday 24 October (CEST, 00:30Z); on the 25th 02:30 happens twice: the first is 00:30Z.
    expect(iso(addBusinessDays(BERLIN_EVERY_DAY, at('2026-10-24T00:30:00Z'), 1))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('1bd4h lands on the next working day, then adds four hours of elapsed time', () => {
    const parsed = parseStepDuration('1bd4h');
    expect(parsed).toEqual({ ok: true, businessDays: 1, ms: 4 * HOUR });
    if (!parsed.ok || parsed.businessDays === undefined) throw new Error('unreachable');
    const end = businessDeadline(BERLIN, at('2026-12-04T18:30:00Z'), { businessDays: parsed.businessDays, ms: parsed.ms });
    expect(iso(end)).toBe('2026-12-07T22:30:00.000Z');
  });

  it('gives the local date of an instant', () => {
    expect(localDate('Europe/Berlin', at('2026-12-04T23:30:00Z'))).toBe('2026-12-05');
    expect(localDate('UTC', at('2026-12-04T23:30:00Z'))).toBe('2026-12-04');
  });
});

describe('parseStepDuration and parseDuration', () => {
  it('reads business days alone or followed by shorter units', () => {
    expect(parseStepDuration('3bd')).toEqual({ ok: true, businessDays: 3, ms: 0 });
    expect(parseStepDuration(' 2bd30m ')).toEqual({ ok: true, businessDays: 2, ms: 30 * 60_000 });
    expect(parseStepDuration('0bd30m')).toEqual({ ok: true, businessDays: 0, ms: 30 * 60_000 });
    expect(parseStepDuration('90s')).toEqual({ ok: true, ms: 90_000 });
  });

  it('refuses what it cannot count', () => {
    expect(parseStepDuration('0bd')).toEqual({ ok: false, message: '"0bd" must be longer than zero' });
    expect(parseStepDuration('1bd2d')).toEqual({ ok: false, message: '"1bd2d" is not a duration: after business days (bd) only h, m, s or ms may follow, e.g. 3bd or 1bd4h' });
    expect(parseStepDuration('1bd30m1h')).toMatchObject({ ok: false, message: expect.stringContaining('put larger units first') });
    expect(parseStepDuration('367bd')).toEqual({ ok: false, message: '"367bd" is too long: durations may be at most 366 days' });
    expect(parseStepDuration('bd')).toMatchObject({ ok: false, message: expect.stringContaining('is not a duration') });
  });

  it('a plain duration refuses business days with a clear message', () => {
    expect(parseDuration('3bd')).toEqual({ ok: false, message: `"3bd" ${BUSINESS_DAYS_REFUSED}` });
    expect(parseDuration('1bd4h')).toEqual({ ok: false, message: `"1bd4h" ${BUSINESS_DAYS_REFUSED}` });
  });
});

describe('runbooks: bd where a step duration is decided, refused elsewhere', () => {
  const HEADER = 'id: sample\nversion: 1\ntitle: Sample\nseverity: low\nsteps:\n';
  const errorsOf = (steps: string): string[] => {
    const result = loadRunbookText(HEADER + steps, 'sample.yaml');
    return result.ok ? [] : result.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
  };

  it('accepts bd in every step duration, severity tables included', () => {
    expect(errorsOf('  - id: gate\n    approval: { approvers: [sre], timeout: 3bd, summary: Go? }\n')).toEqual([]);
    expect(errorsOf('  - id: ask\n    decision: { question: Which?, options: { a: A, b: B }, deciders: [sre], timeout: { high: 1bd, default: 2bd4h } }\n')).toEqual([]);
    expect(errorsOf('  - id: hold\n    wait: { event: vendor-reply, timeout: 3bd }\n')).toEqual([]);
    expect(errorsOf('  - id: nap\n    sleep: { for: 1bd }\n')).toEqual([]);
    expect(errorsOf('  - id: tell\n    action: notify\n    with: { message: hi }\n    timeout: 1bd\n')).toEqual([]);
  });

  it('refuses bd in retry intervals, reminders and observe windows, naming the field', () => {
    expect(errorsOf('  - id: tell\n    action: notify\n    with: { message: hi }\n    retry: { initial_interval: 1bd, max_attempts: 3 }\n')).toEqual([
      `9:32: initial_interval ${BUSINESS_DAYS_REFUSED}; got "1bd"`,
    ]);
    expect(errorsOf('  - id: hold\n    wait: { event: vendor-reply, timeout: 3bd, remind_every: 1bd }\n')).toEqual([
      `7:62: remind_every ${BUSINESS_DAYS_REFUSED}; got "1bd"`,
    ]);
  });
});

describe('the calendar file', () => {
  const FILE = '/etc/quell/calendar.yaml';
  const errorsOf = (text: string): string[] => {
    const result = loadCalendarText(text, FILE);
    return result.ok ? [] : result.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
  };

  it('reads a calendar, holidays sorted and without repeats', () => {
    const text = 'version: 1\ntime_zone: Europe/Berlin\nworkdays: [fri, mon, tue]\nday_start: "08:30"\nholidays: [2026-12-25, 2026-12-24, 2026-12-25]\n';
    expect(loadCalendarText(text, FILE)).toEqual({
      ok: true,
      calendar: { timeZone: 'Europe/Berlin', workdays: ['mon', 'tue', 'fri'], dayStart: '08:30', holidays: ['2026-12-24', '2026-12-25'], file: FILE },
    });
  });

  it('defaults to Monday to Friday from 09:00 with no holidays', () => {
    expect(loadCalendarText('version: 1\ntime_zone: UTC\n', FILE)).toEqual({
      ok: true,
      calendar: { timeZone: 'UTC', workdays: ['mon', 'tue', 'wed', 'thu', 'fri'], dayStart: '09:00', holidays: [], file: FILE },
    });
  });

  it('names each problem at its line and column', () => {
    expect(errorsOf('version: 1\ntime_zone: Europe/Berlín\n')).toEqual(['2:12: time_zone must be an IANA time zone such as Europe/Berlin, America/New_York or UTC']);
    expect(errorsOf('version: 1\ntime_zone: UTC\nholidays:\n  - 2026-12-24\n  - 2026-02-30\n')).toEqual(['5:5: a holiday is a date written YYYY-MM-DD, e.g. 2026-12-24']);
    expect(errorsOf('version: 1\ntime_zone: UTC\nday_start: "9:00"\n')).toEqual(['3:12: day_start is a time of day written HH:MM (00:00 to 23:59), e.g. "09:00"']);
    expect(errorsOf('version: 1\ntime_zone: UTC\nworkdays: []\n')).toEqual(['3:11: workdays needs at least one day (e.g. [mon, tue, wed, thu, fri])']);
    expect(errorsOf('version: 1\ntime_zone: UTC\nworkdays: [mon, mon]\n')).toEqual(['3:11: workdays lists a day twice']);
    expect(errorsOf('version: 1\ntime_zone: UTC\nworkdays: [monday]\n')[0]).toBe('3:12: workdays[0] must be one of sun, mon, tue, wed, thu, fri, sat; got "monday"');
    expect(errorsOf('version: 2\ntime_zone: UTC\n')).toEqual(['1:10: version must be one of 1; got 2']);
    expect(errorsOf('version: 1\ntime_zone: UTC\nholiday: [2026-12-24]\n')[0]).toMatch(/^3:1: unknown key "holiday" \(did you mean "holidays"\?\)/);
    expect(errorsOf('version: 1\n')).toEqual(['1:1: missing required key "time_zone"']);
  });

  it('holds holidays to 1,000 entries, pointing at the first one past the limit', () => {
    const days = Array.from({ length: 1_001 }, (_, index) => new Date(Date.UTC(2026, 0, 1) + index * 86_400_000).toISOString().slice(0, 10));
    const text = `version: 1\ntime_zone: UTC\nholidays:\n${days.map((day) => `  - ${day}\n`).join('')}`;
    expect(errorsOf(text)).toEqual([`${4 + 1_000}:5: holidays has too many entries: 1,001 entries where the limit is 1,000 entries (holidays in the calendar file)`]);
  });

  it('a missing file is one error at 1:1', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'quell-calendar-'));
    try {
      const missing = path.join(dir, 'none.yaml');
      const result = loadCalendarFile(missing);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toEqual([{ file: missing, line: 1, col: 1, message: expect.stringMatching(/^cannot read calendar file: /) }]);
      writeFileSync(path.join(dir, 'ok.yaml'), 'version: 1\ntime_zone: America/New_York\n');
      expect(loadCalendarFile(path.join(dir, 'ok.yaml'))).toMatchObject({ ok: true, calendar: { timeZone: 'America/New_York' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
