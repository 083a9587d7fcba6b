/**
 * Durations in business days on the dev server. Workflow time is real time, so the test cannot
 * choose when a run starts; instead it gives the run a calendar whose holidays are today and
 * tomorrow, and checks that the approval gate's deadline is exactly what common/business-days.ts
 * computes from the gate's start on that calendar, that it skips those days, that the run really
 * waits that long (the timer in its history), and that the calendar travels in the run's input so
 * the history replays. Without a calendar the default one is used and the run says so; a broken
 * calendar file refuses the start with file:line:col.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { getRunState, startRun } from '../../client/runs';
import { addBusinessDays, DEFAULT_CALENDAR, isWorkingDate, localDate, type BusinessCalendar } from '../../common/business-days';
import type { RunState, StepState } from '../../common/run-state';
import { loadCalendarOrThrow } from '../../config/calendar-file';
import type { RunRunbookInput } from '../../workflows/input';
import { waitForState } from '../support/run-driver';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, startTestWorker, testServer, uniqueTaskQueue, type TestWorker } from '../support/temporal';

const RUNBOOK = 'test/fixtures/runbooks/business-days.yaml';
const ZONE = 'Europe/Berlin';
const DAY_MS = 86_400_000;

let client: Client;
let worker: TestWorker;
let taskQueue: string;
let dir: string;

beforeAll(async () => {
  client = await connectTestClient();
  taskQueue = uniqueTaskQueue('business-days');
  worker = await startTestWorker({ taskQueue });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-calendar-'));
});
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The date after `date` (both `YYYY-MM-DD`), by the calendar rather than by adding 24 hours. */
function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

async function start(incident: string, calendarFile?: string) {
  const { runbook, sha256 } = await loadTestRunbook(RUNBOOK);
  return startRun(client, {
    runbook,
    runbookSha256: sha256,
    inputs: {},
    mode: 'tabletop',
    requestedBy: 'rita',
    requestedVia: 'cli',
    incidentId: `${incident}-${Date.now()}`,
    taskQueue,
    ...(calendarFile ? { calendarFile } : {}),
  });
}

/** The gate once it is open: its deadline and start are set in the same workflow task. */
async function openGate(workflowId: string): Promise<{ state: RunState; gate: StepState }> {
  const state = await waitForState(
    () => getRunState(client, workflowId),
    (s) => s.steps[0]?.status === 'waiting' && s.steps[0].approval !== undefined && s.steps[0].startedAt !== undefined,
  );
  return { state, gate: state.steps[0] };
}

test('an approval timeout of 1bd ends one working day after the gate opens, skipping the holidays of the run\'s calendar', async () => {
  const today = localDate(ZONE, Date.now());
  const tomorrow = nextDate(today);
  const file = path.join(dir, 'calendar.yaml');
  // Every weekday works here, so only the holidays can be skipped (whatever day the test runs on).
  fs.writeFileSync(file, `version: 1\ntime_zone: ${ZONE}\nworkdays: [mon, tue, wed, thu, fri, sat, sun]\nday_start: "08:30"\nholidays: [${today}, ${tomorrow}]\n`);
  const calendar: BusinessCalendar = loadCalendarOrThrow(file);

  const handle = await start('BD-CALENDAR', file);
  try {
    const { state, gate } = await openGate(handle.workflowId);
    const startedMs = Date.parse(gate.startedAt!);
    const deadlineMs = Date.parse(gate.approval!.deadline);
    expect(gate.approval!.deadline).toBe(new Date(addBusinessDays(calendar, startedMs, 1)).toISOString());

    // Today and tomorrow are holidays: the gate started on one (tomorrow, if midnight passed), so
    // it counts from the day after tomorrow at 08:30 and lands one working day later.
    expect(isWorkingDate(calendar, startedMs)).toBe(false);
    const deadlineDate = localDate(ZONE, deadlineMs);
    expect(deadlineDate).toBe(nextDate(nextDate(tomorrow)));
    expect(isWorkingDate(calendar, deadlineMs)).toBe(true);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' }).format(deadlineMs)).toBe('08:30');
    expect(deadlineMs - startedMs).toBeGreaterThan(2 * DAY_MS);

    // The run says how it counted, naming the calendar file.
    const counted = state.events.find((event) => event.kind === 'duration.business-days');
    expect(counted).toMatchObject({ step: 'approve', detail: expect.stringContaining(`timeout 1bd ends ${gate.approval!.deadline}, counted on the calendar of ${file}`) });

    // What the run actually waits: the gate's timer in the history is the same length.
    const history = await handle.fetchHistory();
    const timers = (history.events ?? []).flatMap((event) => {
      const fire = event.timerStartedEventAttributes?.startToFireTimeout;
      return fire ? [Number(fire.seconds ?? 0) * 1000 + Math.round((fire.nanos ?? 0) / 1e6)] : [];
    });
    expect(timers).toContain(deadlineMs - startedMs);

    // The calendar is part of the run's input, so the history replays to the same instants.
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(payload).toBeDefined();
    expect(defaultPayloadConverter.fromPayload<RunRunbookInput>(payload!).calendar).toEqual(calendar);
    await Worker.runReplayHistory({ workflowBundle: { code: fs.readFileSync(testServer().bundlePath, 'utf8') } }, history, handle.workflowId);
  } finally {
    await handle.terminate('test done');
  }
}, 60_000);

test('without a calendar file, bd counts Monday to Friday in UTC and the run records that it used the default', async () => {
  const saved = process.env.QUELL_CALENDAR_FILE;
  delete process.env.QUELL_CALENDAR_FILE;
  let handle: Awaited<ReturnType<typeof start>>;
  try {
    handle = await start('BD-DEFAULT');
  } finally {
    if (saved !== undefined) process.env.QUELL_CALENDAR_FILE = saved;
  }
  try {
    const { state, gate } = await openGate(handle.workflowId);
    expect(gate.approval!.deadline).toBe(new Date(addBusinessDays(DEFAULT_CALENDAR, Date.parse(gate.startedAt!), 1)).toISOString());
    const counted = state.events.find((event) => event.kind === 'duration.business-days');
    expect(counted?.detail).toContain('counted on the default calendar (mon, tue, wed, thu, fri in UTC from 09:00, no holidays): no calendar file (QUELL_CALENDAR_FILE)');
  } finally {
    await handle.terminate('test done');
  }
}, 60_000);

test('a broken calendar file refuses the start, naming the problem at file:line:col', async () => {
  const file = path.join(dir, 'broken.yaml');
  fs.writeFileSync(file, 'version: 1\ntime_zone: Mars/Olympus_Mons\n');
  await expect(start('BD-BROKEN', file)).rejects.toMatchObject({
    name: 'QuellClientError',
    code: 'invalid-input',
    message: `invalid calendar file:\n  ${file}:2:12: time_zone must be an IANA time zone such as Europe/Berlin, America/New_York or UTC`,
  });
});
