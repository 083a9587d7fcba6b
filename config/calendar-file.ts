/**
 * The business calendar (QUELL_CALENDAR_FILE): which days count when a runbook writes a duration in
 * business days (`3bd`). Read like the other YAML config files (config/yaml-config-file.ts): size
 * and entry limits first, a strict schema, every problem at file:line:col, nothing half loaded.
 *
 * ```yaml
 * version: 1
 * time_zone: Europe/Berlin
 * workdays: [mon, tue, wed, thu, fri]   # default
 * day_start: "09:00"                    # default
 * holidays: [2026-12-24, 2026-12-25]
 * ```
 *
 * The calendar is read when a run is started and travels in the run's input, so a run keeps the
 * calendar it started with (common/business-days.ts does the counting).
 */
import path from 'node:path';
import { z } from 'zod';
import { civilDay, isDayStart, WEEKDAYS, type BusinessCalendar, type Weekday } from '../common/business-days';
import { formatConfigFileError, parseConfigText, readConfigFile, type ConfigFileError, type EntryLimit } from './yaml-config-file';

/** Whether this JavaScript runtime knows `zone` as an IANA time zone. */
function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const TimeZone = z
  .string()
  .min(1)
  .refine(knownTimeZone, { message: 'time_zone must be an IANA time zone such as Europe/Berlin, America/New_York or UTC' });

const WorkdayName = z.enum(WEEKDAYS);

// YAML 1.2 (the parser's default) keeps an unquoted 2026-12-24 as text.
const HolidayDate = z
  .string()
  .refine((text) => civilDay(text) !== undefined, { message: 'a holiday is a date written YYYY-MM-DD, e.g. 2026-12-24' });

export const CalendarFileSchema = z.strictObject({
  version: z.literal(1, { message: 'version must be 1' }),
  time_zone: TimeZone,
  workdays: z
    .array(WorkdayName)
    .refine((days) => days.length > 0, { message: 'workdays needs at least one day (e.g. [mon, tue, wed, thu, fri])' })
    .refine((days) => new Set(days).size === days.length, { message: 'workdays lists a day twice' })
    .default(['mon', 'tue', 'wed', 'thu', 'fri']),
  day_start: z
    .string()
    .refine(isDayStart, { message: 'day_start is a time of day written HH:MM (00:00 to 23:59), e.g. "09:00"' })
    .default('09:00'),
  holidays: z.array(HolidayDate).default([]),
});

const CALENDAR_ENTRY_LIMITS: readonly EntryLimit[] = [{ path: ['holidays'], limit: 'holidays' }];

export type CalendarLoadResult = { ok: true; calendar: BusinessCalendar } | { ok: false; errors: ConfigFileError[] };

/** Thrown by {@link loadCalendarOrThrow}; its message lists every problem. */
export class CalendarConfigError extends Error {
  override readonly name = 'CalendarConfigError';
  constructor(readonly errors: ConfigFileError[]) {
    super(`invalid calendar file:\n${errors.map((e) => `  ${formatConfigFileError(e)}`).join('\n')}`);
  }
}

export function loadCalendarFile(file: string): CalendarLoadResult {
  const read = readConfigFile(file, 'calendar file');
  return read.ok ? loadCalendarText(read.text, read.file) : read;
}

export function loadCalendarText(text: string, file: string): CalendarLoadResult {
  const parsed = parseConfigText(text, file, CalendarFileSchema, {
    what: 'calendar file',
    entryLimits: CALENDAR_ENTRY_LIMITS,
    credentialAdvice: () => 'the calendar file lists days and holds no secrets',
  });
  if (!parsed.ok) return parsed;
  const data = parsed.data;
  // Sorted and without repeats, so two files meaning the same calendar give the same run input.
  const holidays = [...new Set(data.holidays)].sort();
  const workdays = WEEKDAYS.filter((day): day is Weekday => data.workdays.includes(day));
  return { ok: true, calendar: { timeZone: data.time_zone, workdays, dayStart: data.day_start, holidays, file } };
}

export function loadCalendarOrThrow(file: string): BusinessCalendar {
  const result = loadCalendarFile(file);
  if (!result.ok) throw new CalendarConfigError(result.errors);
  return result.calendar;
}

/**
 * The calendar QUELL_CALENDAR_FILE names in `env`, or undefined when it is unset or empty (then
 * `bd` counts on the default calendar). @throws CalendarConfigError naming every problem.
 */
export function calendarFromEnvironment(env: NodeJS.ProcessEnv = process.env): BusinessCalendar | undefined {
  const file = env.QUELL_CALENDAR_FILE?.trim();
  return file ? loadCalendarOrThrow(path.resolve(file)) : undefined;
}
