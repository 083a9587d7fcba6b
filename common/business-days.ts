/**
 * Business-day arithmetic for durations written with `bd` (`3bd`, `1bd4h`), on a calendar of
 * workdays, holidays and a time zone.
 *
 * The rule, exactly: take the start instant's local date and time of day in the calendar's time
 * zone. A working day is a date whose weekday is one of the calendar's workdays and that is not
 * one of its holidays. If the start's date is not a working day, counting begins instead on the
 * next working day at the calendar's start of business (`day_start`, 09:00 by default). From that
 * date, step forward N working days and take the same local time of day on the N-th one (N = 0
 * keeps the start itself, or that next start of business). Then the smaller units (`4h` of
 * `1bd4h`) are added as elapsed time.
 *
 * A local time that does not exist on the landing day (the hour skipped when clocks go forward)
 * is moved forward by the length of the gap; one that happens twice (clocks go back) is the first
 * of the two. This is what JavaScript's Temporal API calls the "compatible" choice.
 *
 * Workflow-safe: pure functions over numbers and Intl.DateTimeFormat with a fixed time zone, which
 * gives the same answer for the same instant on every replay. No zod, no Node imports, no clock.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessCalendar {
  /** IANA time zone in which dates and times of day are read (`Europe/Berlin`, `UTC`). */
  timeZone: string;
  /** Weekdays that are working days unless they are holidays; at least one. */
  workdays: Weekday[];
  /** Start of business, `HH:MM` local time: where counting begins when a run starts off a working day. */
  dayStart: string;
  /** Dates (`YYYY-MM-DD`, local to the time zone) that are never working days. */
  holidays: string[];
  /** The calendar file it was read from (absolute path), kept in the run's history for the record. */
  file?: string;
}

/** Used when no calendar file is configured: Monday to Friday, UTC, no holidays. */
export const DEFAULT_CALENDAR: BusinessCalendar = Object.freeze({
  timeZone: 'UTC',
  workdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  dayStart: '09:00',
  holidays: [],
}) as BusinessCalendar;

/** A duration counted partly in business days: `1bd4h` is `{ businessDays: 1, ms: 14_400_000 }`. */
export interface BusinessDuration {
  businessDays: number;
  /** Elapsed time added after landing on the N-th working day. */
  ms: number;
}

const DAY_MS = 86_400_000;
const DAY_START = /^([01]\d|2[0-3]):([0-5]\d)$/;
const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant at which `duration` ends when counted from `startMs` on `calendar`. */
export function businessDeadline(calendar: BusinessCalendar, startMs: number, duration: BusinessDuration): number {
  return addBusinessDays(calendar, startMs, duration.businessDays) + duration.ms;
}

/** `startMs` moved forward by `days` working days, keeping the local time of day (see the module comment). */
export function addBusinessDays(calendar: BusinessCalendar, startMs: number, days: number): number {
  if (!Number.isInteger(days) || days < 0) throw new Error(`business days must be a whole number of at least 0, not ${days}`);
  const working = workingDayTest(calendar);
  const zone = zoneOf(calendar.timeZone);
  const local = zone.wallClock(startMs);
  let day = Math.floor(local / DAY_MS);
  let timeOfDay = local - day * DAY_MS;
  const onWorkingDay = working(day);
  if (!onWorkingDay) {
    day = nextWorkingDay(day, working, calendar);
    timeOfDay = dayStartMs(calendar.dayStart);
  } else if (days === 0) {
    // Converting back could pick the other occurrence of a repeated hour: the start is the answer.
    return startMs;
  }
  for (let counted = 0; counted < days; counted += 1) day = nextWorkingDay(day, working, calendar);
  return zone.instant(day * DAY_MS + timeOfDay);
}

/** Whether the local date of `instantMs` is a working day on `calendar`. */
export function isWorkingDate(calendar: BusinessCalendar, instantMs: number): boolean {
  return workingDayTest(calendar)(Math.floor(zoneOf(calendar.timeZone).wallClock(instantMs) / DAY_MS));
}

/** The local date (`YYYY-MM-DD`) of `instantMs` in `timeZone`. */
export function localDate(timeZone: string, instantMs: number): string {
  const day = Math.floor(zoneOf(timeZone).wallClock(instantMs) / DAY_MS);
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar in words, for a run's record: `Mon–Fri in UTC, no holidays`. */
export function describeCalendar(calendar: BusinessCalendar): string {
  const days = WEEKDAYS.filter((day) => calendar.workdays.includes(day)).join(', ');
  const holidays = calendar.holidays.length === 0 ? 'no holidays' : `${calendar.holidays.length} ${calendar.holidays.length === 1 ? 'holiday' : 'holidays'}`;
  return `${days} in ${calendar.timeZone} from ${calendar.dayStart}, ${holidays}`;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date, or undefined when it is no real date. */
export function civilDay(text: string): number | undefined {
  const match = CIVIL_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== date) return undefined;
  return ms / DAY_MS;
}

/** Whether `text` is a start of business as calendars write it (`09:00`). */
export function isDayStart(text: string): boolean {
  return DAY_START.test(text);
}

function dayStartMs(text: string): number {
  const match = DAY_START.exec(text);
  if (!match) throw new Error(`day_start "${text}" is not a time of day (HH:MM)`);
  return (Number(match[1]) * 60 + Number(match[2])) * 60_000;
}

function workingDayTest(calendar: BusinessCalendar): (day: number) => boolean {
  if (calendar.workdays.length === 0) throw new Error('a business calendar needs at least one workday');
  const weekdays = new Set(calendar.workdays.map((name) => WEEKDAYS.indexOf(name)));
  const holidays = new Set<number>();
  for (const text of calendar.holidays) {
    const day = civilDay(text);
    if (day === undefined) throw new Error(`holiday "${text}" is not a date (YYYY-MM-DD)`);
    holidays.add(day);
  }
  // 1970-01-01 was a Thursday (index 4 in WEEKDAYS).
  return (day) => weekdays.has((((day + 4) % 7) + 7) % 7) && !holidays.has(day);
}

/**
 * The first working day after `day`. Between two working days lie at most six other weekdays plus
 * every holiday, so the search is bounded by the calendar itself.
 */
function nextWorkingDay(day: number, working: (day: number) => boolean, calendar: BusinessCalendar): number {
  const last = day + 7 + calendar.holidays.length;
  for (let next = day + 1; next <= last; next += 1) if (working(next)) return next;
  throw new Error('internal: no working day found in the calendar');
}

interface Zone {
  /** The local date and time of `instantMs`, as milliseconds since 1970-01-01T00:00 local. */
  wallClock(instantMs: number): number;
  /** The instant at which the local clock shows `wallClockMs` (see the module comment for gaps and repeats). */
  instant(wallClockMs: number): number;
}

// Formatters are costly to build and a run may resolve many durations on one calendar.
const zones = new Map<string, Zone>();

function zoneOf(timeZone: string): Zone {
  const known = zones.get(timeZone);
  if (known) return known;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const wallClock = (instantMs: number): number => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(instantMs))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const subSecond = ((instantMs % 1000) + 1000) % 1000;
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) + subSecond;
  };
  const offset = (instantMs: number): number => wallClock(instantMs) - instantMs;
  const instant = (wallClockMs: number): number => {
    // The offsets in force a day before and a day after cover any one change of the clocks.
    const before = wallClockMs - offset(wallClockMs - DAY_MS);
    const after = wallClockMs - offset(wallClockMs + DAY_MS);
    const fits = (candidate: number) => wallClock(candidate) === wallClockMs;
    if (fits(before) && fits(after)) return Math.min(before, after);
    if (fits(before)) return before;
    if (fits(after)) return after;
    // Skipped by the clocks: read with the earlier offset, which lands past the gap by its length.
    return before;
  };
  const zone = { wallClock, instant };
  zones.set(timeZone, zone);
  return zone;
}
