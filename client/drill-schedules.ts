/**
 * Drills on a timetable, as Temporal Schedules: Temporal itself starts each drill (no cron in a
 * process of ours), so a drill is due even when no Quell process is up, and a missed or skipped
 * one is counted by the server where a listing can show it.
 *
 * One schedule per scenario (and optional name), under a deterministic id: creating it twice is
 * refused, never doubled. The scenario and its runbook are frozen into the schedule when it is
 * created (their hashes are in its memo); to play an edited scenario, delete and create again.
 * A schedule never runs two of its drills at once: ticks that come while one of its drills still
 * runs are skipped and counted, and `triggerDrillSchedule` obeys the same rule (it refuses while
 * a drill of the schedule runs), so a facilitator never finds two copies of the same exercise.
 */
import { Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleDescription, type ScheduleSpec } from '@temporalio/client';
import { parseDuration } from '../common/duration';
import { identityProblem } from '../common/identity';
import { excerpt } from '../common/text-safety';
import type { runDrill } from '../workflows';
import type { RunDrillInput } from '../workflows/drill/state';
import { freeTextProblem, referenceProblem } from '../workflows/messages';
import { buildDrillInput, EXERCISE_ID_PATTERN, EXERCISE_ID_RULE, type StartDrillRequest } from './drills';
import { QuellClientError } from './errors';

export const DRILL_SCHEDULE_PREFIX = 'quell-drill-schedule:';
/**
 * How late Temporal may still start a drill it could not start on time (server down). A tabletop
 * exercise started hours late finds nobody in the room, so later than this it is counted as
 * missed (and shown by the listing) instead of being sprung on people.
 */
export const DRILL_CATCHUP_WINDOW = '15m';
/** Newest drills a listing shows per schedule (Temporal keeps the last ten). */
const RECENT_DRILLS_SHOWN = 5;
const MEMO_KEY = 'quellDrillSchedule';
const CRON_MAX_LENGTH = 200;

export function drillScheduleId(scenarioId: string, name?: string): string {
  return `${DRILL_SCHEDULE_PREFIX}${scenarioId}${name ? `:${name}` : ''}`;
}

/**
 * The workflow id the schedule starts drills under. Temporal appends the scheduled time, so a drill
 * reads `quell-drill:<scenario>:scheduled-2026-01-05T09:00:00Z` (or `scheduled-<name>-…`).
 */
export function scheduledDrillWorkflowId(scenarioId: string, name?: string): string {
  return `quell-drill:${scenarioId}:scheduled${name ? `-${name}` : ''}`;
}

/** When drills run, as typed: exactly one of `every` (a Quell duration) and `cron` (Temporal's cron string). */
export interface DrillScheduleTiming {
  every?: string;
  cron?: string;
  /** Each drill starts up to this much later, at random. */
  jitter?: string;
}

/** The timing as Quell remembers it (in the memo): what the person typed, and where `every` counts from. */
export interface RecordedTiming {
  every?: string;
  cron?: string;
  jitter?: string;
  /** `every` counts from here: the schedule's creation, to the second. */
  from?: string;
}

/**
 * Checks the timing and turns it into a Temporal spec; refused with the flag named. A cron string
 * is only checked for shape here: Temporal's own parser is the authority, and its refusal is
 * reported naming --cron when the schedule is created (nothing is created then).
 */
export function checkDrillScheduleTiming(timing: DrillScheduleTiming, nowMs = Date.now()): { spec: ScheduleSpec; recorded: RecordedTiming } {
  if (timing.every !== undefined && timing.cron !== undefined) throw invalid('give either --every or --cron, not both');
  if (timing.every === undefined && timing.cron === undefined) {
    throw invalid('say when the drill runs: --every <duration> (e.g. 1w) or --cron "<expression>" (e.g. "0 9 * * 1")');
  }
  const jitterMs = timing.jitter === undefined ? undefined : wholeSeconds('--jitter', timing.jitter);
  const jitter = jitterMs === undefined ? {} : { jitter: jitterMs };
  const recordedJitter = timing.jitter === undefined ? {} : { jitter: timing.jitter.trim() };
  if (timing.every !== undefined) {
    const everyMs = wholeSeconds('--every', timing.every);
    if (jitterMs !== undefined && jitterMs >= everyMs) {
      throw invalid(`--jitter ${timing.jitter!.trim()} must be shorter than --every ${timing.every.trim()}: drills could otherwise bunch up or be skipped`);
    }
    // Temporal counts intervals from the Unix epoch; offsetting by now makes "every 1d" mean
    // "daily at this time of day", as a person means it, not "daily at 00:00 UTC".
    const fromMs = Math.floor(nowMs / 1000) * 1000;
    return {
      spec: { intervals: [{ every: everyMs, offset: fromMs % everyMs }], ...jitter },
      recorded: { every: timing.every.trim(), ...recordedJitter, from: new Date(fromMs).toISOString() },
    };
  }
  const cron = (timing.cron ?? '').trim();
  if (!cron) throw invalid('--cron is empty: write e.g. "0 9 * * 1" (09:00 UTC every Monday)');
  if (cron.length > CRON_MAX_LENGTH || !/^[\x20-\x7e]+$/.test(cron)) {
    throw invalid(`--cron "${excerpt(cron, 60)}" must be one line of at most ${CRON_MAX_LENGTH} plain characters`);
  }
  return { spec: { cronExpressions: [cron], ...jitter }, recorded: { cron, ...recordedJitter } };
}

/** The timing in words: "every 1d, counted from 2026-12-05T14:05:00Z (jitter up to 10m)". */
export function describeTiming(timing: RecordedTiming): string {
  const jitter = timing.jitter ? ` (jitter up to ${timing.jitter})` : '';
  if (timing.every) return `every ${timing.every}${timing.from ? `, counted from ${shortTime(timing.from)}` : ''}${jitter}`;
  if (timing.cron) return `cron "${timing.cron}"${/^(CRON_)?TZ=/.test(timing.cron) ? '' : ' (UTC)'}${jitter}`;
  return 'unknown timing';
}

/**
 * What a drill started by hand is given (scenario, runbook, requester, …; see StartDrillRequest),
 * less the exercise id, which Temporal's scheduled time takes the place of. The drills the schedule
 * starts are requested in `requestedBy`'s name.
 */
export interface CreateDrillScheduleRequest extends Omit<StartDrillRequest, 'exerciseId'>, DrillScheduleTiming {
  /** Tells two schedules of the same scenario apart (e.g. `weekly`, `quarterly`). */
  name?: string;
  /** Shown with the schedule (why it exists, who runs the drills). */
  note?: string;
}

/** A drill a schedule started. `status` is Temporal's (running, completed, terminated, …) when it could be read. */
export interface ScheduledDrill {
  drillId: string;
  scheduledFor: string;
  startedAt: string;
  status?: string;
}

export interface DrillScheduleView {
  scheduleId: string;
  scenario: { id: string; title?: string; version?: number; sha256?: string };
  runbook?: { id: string; sha256: string };
  /** The scenario's facilitator groups, frozen into the drills' input: who may steer the schedule. */
  facilitators: string[];
  timing: RecordedTiming;
  /** {@link describeTiming} of `timing`. */
  timingWords: string;
  paused: boolean;
  note?: string;
  createdBy?: string;
  createdAt: string;
  /** Upcoming start times; none while paused. */
  nextRuns: string[];
  /** Newest first. */
  recentDrills: ScheduledDrill[];
  runningDrills: string[];
  drillsStarted: number;
  /** Ticks Temporal could not act on within the catch-up window (e.g. the server was down). */
  missedCatchupWindow: number;
  /** Ticks skipped because a drill of this schedule was still running. */
  skippedOverlap: number;
  catchupWindowMs: number;
}

export async function createDrillSchedule(client: Client, request: CreateDrillScheduleRequest): Promise<DrillScheduleView> {
  const { spec, recorded } = checkDrillScheduleTiming(request);
  if (request.name !== undefined && !EXERCISE_ID_PATTERN.test(request.name)) {
    throw invalid(`--name "${excerpt(request.name, 60)}" is not valid: ${EXERCISE_ID_RULE}`);
  }
  const noteProblem = request.note === undefined ? undefined : freeTextProblem(request.note);
  if (noteProblem) throw invalid(`--note ${noteProblem}`);
  // The same checks as a drill started by hand: scenario matches runbook, requester, inputs.
  const input = buildDrillInput(request);
  const { scenario, runbook } = request;
  const scheduleId = drillScheduleId(scenario.scenario, request.name);
  const memo: DrillScheduleMemo = {
    scenario: { id: scenario.scenario, title: scenario.title, version: scenario.version, sha256: request.scenarioSha256 },
    runbook: { id: runbook.id, sha256: request.runbookSha256 },
    createdBy: input.requestedBy,
    createdVia: request.requestedVia,
    timing: recorded,
  };
  try {
    await client.schedule.create<typeof runDrill>({
      scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: 'runDrill',
        taskQueue: request.taskQueue,
        workflowId: scheduledDrillWorkflowId(scenario.scenario, request.name),
        args: [input],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: DRILL_CATCHUP_WINDOW },
      memo: { [MEMO_KEY]: memo },
      ...(request.note?.trim() ? { state: { note: request.note.trim() } } : {}),
    });
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) {
      throw new QuellClientError(
        'already-exists',
        `drill schedule ${scheduleId} already exists; refusing to create it twice. See: quell drill schedule list ` +
          `(delete it first to change it, or give this one another --name)`,
        { cause: error },
      );
    }
    // The SDK turns the server's "Invalid schedule spec" into a TypeError with the parser's words.
    if (recorded.cron !== undefined && error instanceof Error && error.name === 'TypeError') {
      throw invalid(`--cron "${excerpt(recorded.cron, 60)}" is not a cron expression Temporal accepts: ${error.message}`, error);
    }
    throw error;
  }
  return describeDrillSchedule(client, scheduleId);
}

/** Quell's drill schedules (ids starting `quell-drill-schedule:`), each described; sorted by id. */
export async function listDrillSchedules(client: Client): Promise<DrillScheduleView[]> {
  const ids: string[] = [];
  for await (const summary of client.schedule.list()) {
    if (summary.scheduleId.startsWith(DRILL_SCHEDULE_PREFIX)) ids.push(summary.scheduleId);
  }
  // The listing is eventually consistent: one deleted a moment ago may still be listed.
  const views = await Promise.all(ids.map((id) => describeDrillSchedule(client, id).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)))));
  return views.filter((view): view is DrillScheduleView => view !== undefined).sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

export async function describeDrillSchedule(client: Client, scheduleId: string): Promise<DrillScheduleView> {
  const description = await describe(client, scheduleId);
  return viewOf(client, description);
}

export async function pauseDrillSchedule(client: Client, scheduleId: string, request: { actor: string; note?: string }): Promise<void> {
  const actor = checkedActor(request.actor);
  const noteProblem = request.note === undefined ? undefined : freeTextProblem(request.note);
  if (noteProblem) throw invalid(`--note ${noteProblem}`);
  const description = await describe(client, scheduleId);
  if (description.state.paused) {
    throw new QuellClientError('refused', `drill schedule ${scheduleId} is already paused${description.state.note ? ` (${description.state.note})` : ''}`);
  }
  const note = request.note?.trim();
  await withScheduleErrors(scheduleId, () => client.schedule.getHandle(scheduleId).pause(`paused by ${actor}${note ? `: ${note}` : ''}`));
}

export async function resumeDrillSchedule(client: Client, scheduleId: string, request: { actor: string }): Promise<void> {
  const actor = checkedActor(request.actor);
  const description = await describe(client, scheduleId);
  if (!description.state.paused) throw new QuellClientError('refused', `drill schedule ${scheduleId} is not paused`);
  await withScheduleErrors(scheduleId, () => client.schedule.getHandle(scheduleId).unpause(`resumed by ${actor}`));
}

/**
 * Starts one drill of the schedule now, paused or not. It obeys the schedule's overlap rule: while
 * a drill of this schedule runs it is refused (naming that drill), and Temporal is asked to skip
 * too, should one start in between. Waits up to `waitMs` for the drill to appear and returns its
 * id; `drillId` is missing if Temporal had not started it by then.
 */
export async function triggerDrillSchedule(client: Client, scheduleId: string, options: { waitMs?: number } = {}): Promise<{ scheduleId: string; drillId?: string }> {
  const before = await describe(client, scheduleId);
  const running = before.info.runningActions.map((action) => action.workflow.workflowId);
  if (running.length > 0) {
    throw new QuellClientError(
      'refused',
      `drill schedule ${scheduleId} already has a drill running (${running.join(', ')}); it never runs two at once. ` +
        `End it first: quell drill end ${running[0]}`,
    );
  }
  const seen = new Set(before.info.recentActions.map((action) => action.action.workflow.workflowId));
  await withScheduleErrors(scheduleId, () => client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.SKIP));
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  for (;;) {
    const after = await describe(client, scheduleId);
    const started = after.info.recentActions.find((action) => !seen.has(action.action.workflow.workflowId));
    if (started) return { scheduleId, drillId: started.action.workflow.workflowId };
    if (Date.now() > deadline) return { scheduleId };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Deletes the schedule. Drills it already started keep running; their ids are returned. */
export async function deleteDrillSchedule(client: Client, scheduleId: string): Promise<{ scheduleId: string; runningDrills: string[] }> {
  const description = await describe(client, scheduleId);
  await withScheduleErrors(scheduleId, () => client.schedule.getHandle(scheduleId).delete());
  return { scheduleId, runningDrills: description.info.runningActions.map((action) => action.workflow.workflowId) };
}

async function describe(client: Client, scheduleId: string): Promise<ScheduleDescription> {
  checkDrillScheduleId(scheduleId);
  return withScheduleErrors(scheduleId, () => client.schedule.getHandle(scheduleId).describe());
}

async function viewOf(client: Client, description: ScheduleDescription): Promise<DrillScheduleView> {
  const memo = readMemo(description.memo?.[MEMO_KEY]);
  const { info, state } = description;
  const timing = memo.timing ?? timingFromSpec(description);
  const recent = info.recentActions.slice(-RECENT_DRILLS_SHOWN).reverse();
  const statuses = await Promise.all(recent.map((action) => drillStatus(client, action.action.workflow.workflowId)));
  return {
    scheduleId: description.scheduleId,
    scenario: memo.scenario ?? { id: description.scheduleId.slice(DRILL_SCHEDULE_PREFIX.length).split(':')[0] },
    ...(memo.runbook ? { runbook: memo.runbook } : {}),
    facilitators: frozenFacilitators(description),
    timing,
    timingWords: describeTiming(timing),
    paused: state.paused,
    ...(state.note ? { note: state.note } : {}),
    ...(memo.createdBy !== undefined ? { createdBy: memo.createdBy } : {}),
    createdAt: info.createdAt.toISOString(),
    // Temporal lists upcoming times even while paused; none of them will happen then.
    nextRuns: state.paused ? [] : info.nextActionTimes.slice(0, 3).map((time) => time.toISOString()),
    recentDrills: recent.map((action, index) => ({
      drillId: action.action.workflow.workflowId,
      scheduledFor: action.scheduledAt.toISOString(),
      startedAt: action.takenAt.toISOString(),
      ...(statuses[index] ? { status: statuses[index] } : {}),
    })),
    runningDrills: info.runningActions.map((action) => action.workflow.workflowId),
    drillsStarted: info.numActionsTaken,
    missedCatchupWindow: info.numActionsMissedCatchupWindow,
    skippedOverlap: info.numActionsSkippedOverlap,
    catchupWindowMs: description.policies.catchupWindow,
  };
}

/** Temporal's status of a drill ("running", "completed", …); undefined once its history is gone. */
async function drillStatus(client: Client, drillId: string): Promise<string | undefined> {
  try {
    return (await client.workflow.getHandle(drillId).describe()).status.name.toLowerCase();
  } catch {
    return undefined;
  }
}

/** What Quell keeps in the schedule's memo, so a listing needs no file to say what it drills. */
interface DrillScheduleMemo {
  scenario: DrillScheduleView['scenario'];
  runbook: { id: string; sha256: string };
  createdBy: string;
  createdVia: StartDrillRequest['requestedVia'];
  timing: RecordedTiming;
}

/** The memo as createDrillSchedule wrote it; a schedule made by other means under the prefix may lack any of it. */
function readMemo(value: unknown): Partial<DrillScheduleMemo> {
  const isRecord = (item: unknown): item is Record<string, unknown> => typeof item === 'object' && item !== null;
  const memo = isRecord(value) ? value : {};
  return {
    ...(isRecord(memo.scenario) && typeof memo.scenario.id === 'string' ? { scenario: memo.scenario as DrillScheduleMemo['scenario'] } : {}),
    ...(isRecord(memo.runbook) && typeof memo.runbook.id === 'string' ? { runbook: memo.runbook as DrillScheduleMemo['runbook'] } : {}),
    ...(typeof memo.createdBy === 'string' ? { createdBy: memo.createdBy } : {}),
    ...(isRecord(memo.timing) ? { timing: memo.timing as RecordedTiming } : {}),
  };
}

/** The facilitator groups in the input the schedule starts drills with; none when it is not a drill's input. */
function frozenFacilitators(description: ScheduleDescription): string[] {
  const input = description.action.type === 'startWorkflow' ? (description.action.args?.[0] as Partial<RunDrillInput> | undefined) : undefined;
  const groups: unknown = input?.participants?.facilitators;
  return Array.isArray(groups) ? groups.filter((group): group is string => typeof group === 'string') : [];
}

/** Without Quell's memo, the interval can still be read back from the spec; a calendar cannot be put back into cron. */
function timingFromSpec(description: ScheduleDescription): RecordedTiming {
  const interval = description.spec.intervals?.[0];
  if (interval) return { every: `${Math.round(interval.every / 1000)}s` };
  return {};
}

/** Refuses, before anything is sent, an id that could not name one of Quell's drill schedules. */
export function checkDrillScheduleId(scheduleId: string): void {
  const problem = referenceProblem(scheduleId);
  if (problem) throw invalid(`schedule id ${problem}`);
  if (!scheduleId.startsWith(DRILL_SCHEDULE_PREFIX)) {
    throw invalid(`"${excerpt(scheduleId, 80)}" is not a drill schedule id (they start with ${DRILL_SCHEDULE_PREFIX}); see: quell drill schedule list`);
  }
}

function checkedActor(actor: string): string {
  const problem = identityProblem(actor);
  if (problem) throw invalid(`--as ${problem}`);
  return actor.trim();
}

async function withScheduleErrors<T>(scheduleId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) throw new QuellClientError('not-found', `no drill schedule ${scheduleId}; see: quell drill schedule list`, { cause: error });
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ScheduleNotFoundError || (error instanceof QuellClientError && error.code === 'not-found');
}

/** A Quell duration that Temporal can keep exactly: whole seconds (it rounds anything finer). */
function wholeSeconds(flag: string, text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw invalid(`${flag} ${parsed.message}`);
  if (parsed.ms % 1000 !== 0) throw invalid(`${flag} "${excerpt(text, 40)}" must be whole seconds: Temporal schedules count in seconds`);
  return parsed.ms;
}

function invalid(message: string, cause?: unknown): QuellClientError {
  return new QuellClientError('invalid-input', message, cause === undefined ? undefined : { cause });
}

function shortTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}
