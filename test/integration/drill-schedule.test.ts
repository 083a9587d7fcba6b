/**
 * `quell drill schedule` through the real CLI on the dev server: a schedule created from the CLI
 * starts drills on its own (named from Temporal's scheduled time, carrying QuellDrill and the
 * schedule's id in their state), skips ticks while one of its drills still runs and shows the
 * count, starts none while paused, runs one on `trigger`, and is gone after `delete`. Bad flags
 * are refused naming the flag, and nothing is created for them.
 *
 * Short intervals (2 s) keep the wall time to well under a minute; every drill the schedule
 * starts is ended with endDrill, and the schedule deleted, so nothing keeps running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { deleteDrillSchedule, describeDrillSchedule, type DrillScheduleView } from '../../client/drill-schedules';
import { endDrill } from '../../client/drills';
import type { DrillState } from '../../common/drill-state';
import { EXERCISE_BANNER, EXERCISE_MARK } from '../../common/exercise';
import { QuellDrill, QuellIncident } from '../../common/search-attributes';
import { quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { DRILL_RUNBOOKS_DIR } from '../support/drills';
import { eventually } from '../support/eventually';
import { connectTestClient, startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

const INTERVAL_MS = 2_000;
const SCHEDULED_TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';

describe('quell drill schedule', () => {
  let env: CliEnvironment;
  let work: string;
  let client: Client;
  let stopWorker: () => Promise<void>;
  // Everything the tests create, so afterAll can clean up after a failure too.
  const schedules = new Set<string>();
  const drills = new Set<string>();

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-drill-schedule-'));
    const taskQueue = uniqueTaskQueue('drill-schedule');
    stopWorker = (await startTestWorker({ taskQueue })).stop;
    client = await connectTestClient();
    const server = testServer();
    env = { address: server.address, namespace: server.namespace, taskQueue, dataDir: work, extra: { QUELL_RUNBOOKS_DIR: DRILL_RUNBOOKS_DIR } };
  });

  afterAll(async () => {
    for (const scheduleId of schedules) await deleteDrillSchedule(client, scheduleId).catch(() => undefined);
    for (const drillId of drills) await endDrill(client, drillId, { actor: 'fiona', via: 'api', reason: 'test over' }).catch(() => undefined);
    await client?.connection.close();
    await stopWorker?.();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const listed = async (scheduleId: string): Promise<DrillScheduleView | undefined> =>
    (JSON.parse((await quellOk(['drill', 'schedule', 'list', '--json'], env)).stdout) as { exercise: boolean; schedules: DrillScheduleView[] }).schedules.find(
      (view) => view.scheduleId === scheduleId,
    );
  const endAndWait = async (drillId: string) => {
    await endDrill(client, drillId, { actor: 'fiona', via: 'api', reason: 'schedule test' });
    await eventually(`${drillId} closed`, async () => (await client.workflow.getHandle(drillId).describe()).status.name !== 'RUNNING');
  };
  const everyLineMarked = (text: string) => text.split('\n').every((line) => line.startsWith(`[${EXERCISE_MARK}]`) || line === `[${EXERCISE_BANNER}]`);

  test('bad flags and unknown schedules are refused with a message naming what is wrong', async () => {
    const name = `bad-${Date.now()}`;
    const create = (...flags: string[]) => runQuell(['drill', 'schedule', 'drill-hold', '--name', name, '--as', 'fiona', ...flags], env);
    const [neither, both, badDuration, badJitter, fractional, badCron, notAnId, unknown] = await Promise.all([
      create(),
      create('--every', '1d', '--cron', '0 9 * * 1'),
      create('--every', '1fortnight'),
      create('--every', '1h', '--jitter', 'soon'),
      create('--every', '1500ms'),
      create('--cron', '61 * * * *'),
      runQuell(['drill', 'schedule', 'trigger', 'quell-drill:drill-hold:ex1'], env),
      runQuell(['drill', 'schedule', 'pause', `quell-drill-schedule:drill-hold:${name}`, '--as', 'fiona'], env),
    ]);
    expect([neither, both, badDuration, badJitter, fractional, badCron, notAnId].map((result) => result.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(neither.stderr).toBe('quell: say when the drill runs: --every <duration> (e.g. 1w) or --cron "<expression>" (e.g. "0 9 * * 1")');
    expect(both.stderr).toBe('quell: give either --every or --cron, not both');
    expect(badDuration.stderr).toContain('--every "1fortnight" is not a duration');
    expect(badJitter.stderr).toContain('--jitter "soon" is not a duration');
    expect(fractional.stderr).toContain('--every "1500ms" must be whole seconds');
    // Temporal's own cron parser decides, and its words are passed on.
    expect(badCron.stderr).toBe('quell: --cron "61 * * * *" is not a cron expression Temporal accepts: Minute is not in range [0-59]');
    expect(notAnId.stderr).toContain('"quell-drill:drill-hold:ex1" is not a drill schedule id (they start with quell-drill-schedule:)');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`quell: no drill schedule quell-drill-schedule:drill-hold:${name}; see: quell drill schedule list`);
    // None of the refused creates left a schedule behind.
    await expect(describeDrillSchedule(client, `quell-drill-schedule:drill-hold:${name}`)).rejects.toMatchObject({ code: 'not-found' });
  });

  test('a cron schedule (long form) prints under the banner with the next Monday runs Temporal plans, then is deleted', async () => {
    const name = `cron-${Date.now()}`;
    const scheduleId = `quell-drill-schedule:drill-hold:${name}`;
    const created = await quellOk(['drill', 'schedule', 'create', 'drill-hold', '--cron', '0 9 * * 1', '--jitter', '10m', '--name', name, '--as', 'fiona'], env);
    schedules.add(scheduleId);
    expect(created.stdout.split('\n')).toEqual([
      `[${EXERCISE_BANNER}]`,
      `drill schedule created: ${scheduleId}`,
      'scenario drill-hold "Hold the line", runbook drill-hold',
      'runs cron "0 9 * * 1" (UTC) (jitter up to 10m); skipped while one of its drills still runs',
      expect.stringMatching(/^next runs: \S+, \S+, \S+$/),
      `its drills: quell-drill:drill-hold:scheduled-${name}-<scheduled time>`,
      'see it: quell drill schedule list',
    ]);
    // Temporal parsed the cron: Mondays between 09:00 and 09:10 UTC (the jitter).
    const nextRuns = (await describeDrillSchedule(client, scheduleId)).nextRuns.map((time) => new Date(time));
    expect(nextRuns).toHaveLength(3);
    for (const run of nextRuns) expect([run.getUTCDay(), run.getUTCHours(), run.getUTCMinutes() <= 10]).toEqual([1, 9, true]);
    const deleted = await quellOk(['drill', 'schedule', 'delete', scheduleId], env);
    schedules.delete(scheduleId);
    expect(deleted.stdout).toBe(`[${EXERCISE_MARK}] drill schedule ${scheduleId} deleted`);
  });

  test('fires, skips while its drill runs, pauses, triggers, resumes and is deleted', async () => {
    const name = `t${Date.now()}`;
    const scheduleId = `quell-drill-schedule:drill-hold:${name}`;
    const drillIdPattern = new RegExp(`^quell-drill:drill-hold:scheduled-${name}-${SCHEDULED_TIME}$`);
    const createArgs = ['drill', 'schedule', 'drill-hold', '--every', `${INTERVAL_MS / 1000}s`, '--name', name, '--note', 'weekly practice', '--as', 'fiona', '--json'];
    const created = JSON.parse((await quellOk(createArgs, env)).stdout) as DrillScheduleView & { exercise: boolean; drillIds: string };
    schedules.add(scheduleId);
    expect(created).toMatchObject({
      exercise: true,
      scheduleId,
      scenario: { id: 'drill-hold', title: 'Hold the line', version: 1 },
      runbook: { id: 'drill-hold' },
      paused: false,
      note: 'weekly practice',
      createdBy: 'fiona',
      catchupWindowMs: 15 * 60_000,
      drillIds: `quell-drill:drill-hold:scheduled-${name}-<scheduled time>`,
    });
    expect(created.timingWords).toMatch(new RegExp(`^every 2s, counted from ${SCHEDULED_TIME}$`));
    expect(created.nextRuns.length).toBeGreaterThan(0);

    const twice = await runQuell(createArgs, env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`drill schedule ${scheduleId} already exists; refusing to create it twice`);

    // The schedule starts a drill by itself, named from Temporal's scheduled time.
    const first = await eventually('the schedule starts a drill', async () => (await describeDrillSchedule(client, scheduleId)).recentDrills[0], 15_000);
    drills.add(first.drillId);
    expect(first.drillId).toMatch(drillIdPattern);
    const state = await eventually('the drill answers', async () => {
      const shown = await runQuell(['drill', 'status', first.drillId, '--json'], env);
      return shown.code === 0 && (JSON.parse(shown.stdout) as DrillState);
    });
    expect(state).toMatchObject({ drillId: first.drillId, scheduleId, requestedBy: 'fiona', scenario: { id: 'drill-hold' } });
    const statusText = (await quellOk(['drill', 'status', first.drillId], env)).stdout;
    expect(statusText.split('\n').slice(0, 3)).toEqual([`[${EXERCISE_BANNER}]`, `drill ${first.drillId}: Hold the line`, `started by schedule ${scheduleId}`]);
    expect((await client.workflow.getHandle(first.drillId).describe()).typedSearchAttributes.get(QuellDrill)).toBe(first.drillId);
    // Its run's incident id comes from the scheduled time, so two ticks never share one.
    const incident = await eventually('the run carries its incident', async () => (await client.workflow.getHandle(state.childWorkflowId).describe()).typedSearchAttributes.get(QuellIncident));
    expect(incident).toMatch(new RegExp(`^drill-scheduled-${name}-\\d{4}-\\d\\d-\\d\\dT\\d{6}Z$`));

    // drill-hold stays open until ended: the ticks meanwhile are skipped, and the listing says so.
    const busy = await eventually('ticks skipped while the drill runs', async () => {
      const view = await listed(scheduleId);
      return view !== undefined && view.skippedOverlap >= 2 && view;
    });
    expect(busy).toMatchObject({ drillsStarted: 1, runningDrills: [first.drillId], missedCatchupWindow: 0 });
    expect(busy.recentDrills).toEqual([expect.objectContaining({ drillId: first.drillId, status: 'running' })]);
    const listText = (await quellOk(['drill', 'schedule', 'list'], env)).stdout;
    expect(listText.split('\n')[0]).toBe(`[${EXERCISE_BANNER}]`);
    expect(listText).toContain(`${scheduleId}: scenario drill-hold "Hold the line", runbook drill-hold`);
    expect(listText).toMatch(/drills started 1; missed 0 \(not startable within 15m of their time\); skipped [2-9]\d* \(one of its drills was still running\)/);
    // A trigger obeys the same rule.
    const refused = await runQuell(['drill', 'schedule', 'trigger', scheduleId], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`already has a drill running (${first.drillId}); it never runs two at once. End it first: quell drill end ${first.drillId}`);

    // Paused: no drill starts over more than two intervals, although none is running.
    const paused = await quellOk(['drill', 'schedule', 'pause', scheduleId, '--note', 'holiday freeze', '--as', 'fiona'], env);
    expect(paused.stdout).toBe(`[${EXERCISE_MARK}] drill schedule ${scheduleId} paused; no drills start until: quell drill schedule resume ${scheduleId}`);
    await endAndWait(first.drillId);
    const whilePaused = await describeDrillSchedule(client, scheduleId);
    expect(whilePaused).toMatchObject({ paused: true, note: 'paused by fiona: holiday freeze', nextRuns: [], runningDrills: [] });
    await new Promise((resolve) => setTimeout(resolve, 2.5 * INTERVAL_MS));
    expect(await describeDrillSchedule(client, scheduleId)).toMatchObject({ drillsStarted: whilePaused.drillsStarted, runningDrills: [] });
    expect((await runQuell(['drill', 'schedule', 'pause', scheduleId, '--as', 'fiona'], env)).stderr).toContain(`drill schedule ${scheduleId} is already paused (paused by fiona: holiday freeze)`);

    // Trigger runs one now, paused or not.
    const triggerOutput = await quellOk(['drill', 'schedule', 'trigger', scheduleId], env);
    expect(everyLineMarked(triggerOutput.stdout)).toBe(true);
    const triggered = /drill started by schedule \S+: (\S+)/.exec(triggerOutput.stdout)?.[1] ?? '';
    drills.add(triggered);
    expect(triggered).toMatch(drillIdPattern);
    expect(triggered).not.toBe(first.drillId);
    const triggeredState = await eventually('the triggered drill answers', async () => {
      const shown = await runQuell(['drill', 'status', triggered, '--json'], env);
      return shown.code === 0 && (JSON.parse(shown.stdout) as DrillState);
    });
    expect(triggeredState.scheduleId).toBe(scheduleId);
    await endAndWait(triggered);
    expect((await describeDrillSchedule(client, scheduleId)).drillsStarted).toBe(whilePaused.drillsStarted + 1);

    // Resumed: the timetable starts drills again.
    const resumed = await quellOk(['drill', 'schedule', 'resume', scheduleId, '--as', 'fiona'], env);
    expect(resumed.stdout).toMatch(new RegExp(`^\\[${EXERCISE_MARK}\\] drill schedule ${scheduleId} resumed; next run ${SCHEDULED_TIME}$`));
    const next = await eventually('a tick after resuming starts a drill', async () => {
      const view = await describeDrillSchedule(client, scheduleId);
      return view.drillsStarted > whilePaused.drillsStarted + 1 && view.recentDrills[0];
    });
    drills.add(next.drillId);

    // Deleted: gone from the listing and refused by name; its running drill is pointed out.
    const deleted = await quellOk(['drill', 'schedule', 'delete', scheduleId], env);
    schedules.delete(scheduleId);
    expect(everyLineMarked(deleted.stdout)).toBe(true);
    expect(deleted.stdout).toContain(`drill schedule ${scheduleId} deleted`);
    expect(deleted.stdout).toContain(`still running: ${next.drillId} (end it: quell drill end ${next.drillId})`);
    await endAndWait(next.drillId);
    expect(await listed(scheduleId)).toBeUndefined();
    const gone = await runQuell(['drill', 'schedule', 'trigger', scheduleId], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(`quell: no drill schedule ${scheduleId}; see: quell drill schedule list`);
  });
});
