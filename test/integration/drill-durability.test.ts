/**
 * Drill durability: the worker runs as a separate process (the real `npm start` entry point) and
 * is killed with SIGKILL between two injects of a drill, after the first has fired. A new worker
 * process starts a few seconds later. The inject that came due while no worker was up fires as
 * soon as the new one is back, and its record says how late; the injects due after that fire at
 * their offsets, in drill time and on the wall clock; each is told to the run exactly once; and
 * the drill's figures (drill time, paused time, each inject's record) are what they would have
 * been without the crash: a crash is neither a pause nor a reason to fire twice.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { endDrill, getDrillState, startDrill } from '../../client/drills';
import type { DrillState, InjectState } from '../../common/drill-state';
import { formatRunbookError } from '../../runbooks/load';
import { loadScenarioFile } from '../../runbooks/scenarios/load';
import { DRILL_RUNBOOKS_DIR } from '../support/drills';
import { eventually } from '../support/eventually';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, uniqueTaskQueue } from '../support/temporal';
import { spawnWorkerProcess, type WorkerProcess, exited, stopChildren } from '../support/worker-process';

const TOLERANCE_MS = 1_000;
/** Between the kill and the new worker's start: long enough for `while-down` to come due. */
const PAUSE_MS = 6_000;
const FACILITATOR = 'lee';
/**
 * From the worker's "running" line to its first workflow task: it still starts its pollers and
 * loads the workflow bundle into its first sandbox (over a second on a busy machine).
 */
const LATE_START_MS = 3_000;
/**
 * Temporal's default workflow task timeout: a task the killed worker had started (it may have been
 * killed in the middle of one) is handed to another worker only after this, so the first task the
 * new worker can take on the drill comes no sooner.
 */
const WORKFLOW_TASK_TIMEOUT_MS = 10_000;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function eventMs(event: HistoryEvent | undefined): number {
  if (!event?.eventTime) throw new Error('no such event in the history');
  return Number(event.eventTime.seconds) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6);
}

/** Resolves with the wall time at which the worker says it is running; fails if it exits first. */
function runningAt(child: WorkerProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen = (seen + chunk.toString()).slice(-4_000);
      if (seen.includes('Quell worker running')) {
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        resolve(Date.now());
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${signal ?? code}) before it was running:\n${seen}`)));
  });
}

async function loadRestartDrill() {
  const { runbook, sha256 } = await loadTestRunbook(path.join(DRILL_RUNBOOKS_DIR, 'drill-hold.yaml'));
  const loaded = loadScenarioFile(path.join(DRILL_RUNBOOKS_DIR, 'drills', 'drill-restart.drill.yaml'), new Map([[runbook.id, runbook]]));
  if (!loaded.ok) throw new Error(loaded.errors.map(formatRunbookError).join('\n'));
  return { scenario: loaded.scenario, scenarioSha256: loaded.sha256, runbook, runbookSha256: sha256 };
}

const injectOf = (state: DrillState, id: string): InjectState => {
  const inject = state.injects.find((candidate) => candidate.id === id);
  if (!inject) throw new Error(`no inject ${id}`);
  return inject;
};

/** The payloads of every `signalName` signal in a history, in order. */
function signalsIn(events: HistoryEvent[], signalName: string): Array<{ injectId: string; drillMs: number }> {
  return events
    .filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === signalName)
    .map((event) => defaultPayloadConverter.fromPayload(event.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!));
}

describe('drill durability', () => {
  const children: ChildProcess[] = [];
  let client: Client | undefined;
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-drill-durability-'));
  });
  afterAll(async () => {
    await stopChildren(children);
    await client?.connection.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('a worker killed with SIGKILL between injects is replaced; every inject fires once, on time or as soon as a worker is back', async () => {
    const taskQueue = uniqueTaskQueue('drill-durability');
    // Info level: the worker's "running" line tells the test when it is back.
    const env = { QUELL_TASK_QUEUE: taskQueue, QUELL_DATA_DIR: dataDir, QUELL_LOG_LEVEL: 'info' };
    client = await connectTestClient();
    const drill = await loadRestartDrill();

    const first = spawnWorkerProcess(env, 'drill-durability-worker');
    children.push(first);
    await runningAt(first);
    const handle = await startDrill(client, { ...drill, exerciseId: `restart-${Date.now()}`, requestedBy: 'rita', requestedVia: 'cli', taskQueue });
    const drillId = handle.workflowId;

    // Kill as soon as the first inject has fired, while the second is still pending.
    const beforeKill = await eventually('before-crash fired', async () => {
      const state = await getDrillState(client!, drillId);
      return injectOf(state, 'before-crash').status === 'fired' && state;
    }, 60_000);
    first.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await exited(first)).toBe('SIGKILL');
    expect(injectOf(beforeKill, 'while-down').status).toBe('pending');
    const launchedAt = Date.parse(beforeKill.launchedAt);

    // Nothing is asked of the drill while no worker is up: a query would only wait for one.
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    const second = spawnWorkerProcess(env, 'drill-durability-worker');
    children.push(second);
    const restartedAt = Date.now();
    const backAt = await runningAt(second);
    const back = { restartedDrillMs: restartedAt - launchedAt, backDrillMs: backAt - launchedAt, startupMs: backAt - restartedAt };

    await eventually('every inject fired', async () => {
      const state = await getDrillState(client!, drillId);
      return state.injects.every((inject) => inject.status === 'fired') && state;
    }, 120_000);
    await endDrill(client, drillId, { actor: FACILITATOR, via: 'cli', reason: 'durability test done' });
    const final = await handle.result();
    expect(final.status).toBe('ended');
    expect(final.runOutcome).toBe('cancelled');

    // The drill's first workflow task on the new worker (its identity is `<pid>@<host>`).
    const drillEvents = (await handle.fetchHistory()).events ?? [];
    const firstTask = drillEvents.find((event) => event.workflowTaskStartedEventAttributes?.identity?.startsWith(`${second.pid}@`));
    const firstTaskDrillMs = eventMs(firstTask) - launchedAt;
    const measured = Object.fromEntries(
      final.injects.map((inject) => [inject.id, { atMs: inject.atMs, drillMs: inject.settledAtDrillMs, wallMs: Date.parse(inject.settledAt!) - launchedAt }]),
    );
    console.log(
      `drill durability: killed at ${killedAt - launchedAt} ms of drill time, new worker started at ${back.restartedDrillMs} ms, running at ${back.backDrillMs} ms ` +
        `(startup ${back.startupMs} ms), first task on the drill at ${firstTaskDrillMs} ms; inject offsets (planned, drill time, wall time from launch, ms): ${JSON.stringify(measured)}`,
    );

    // The kill fell between the two injects.
    expect(Date.parse(injectOf(final, 'before-crash').settledAt!)).toBeLessThan(killedAt);
    expect(Date.parse(injectOf(final, 'while-down').settledAt!)).toBeGreaterThan(killedAt);

    // Fired before the crash: the record the new worker rebuilt from history is the one taken before.
    expect(injectOf(final, 'before-crash')).toEqual(injectOf(beforeKill, 'before-crash'));

    for (const inject of final.injects) {
      expect(inject).toMatchObject({ status: 'fired', settledBy: 'schedule' });
      // Drill time is wall time since launch (no pause): the outage was played, not paused.
      expect(inject.settledAtDrillMs).toBe(Date.parse(inject.settledAt!) - launchedAt);
    }

    // Due while no worker was up: fired by the very first workflow task the new worker took on
    // the drill, no sooner and no later, and the record shows how late.
    const missed = injectOf(final, 'while-down');
    expect(missed.atMs).toBeLessThan(back.restartedDrillMs);
    expect(firstTaskDrillMs).toBeGreaterThanOrEqual(back.restartedDrillMs);
    expect(missed.settledAtDrillMs).toBe(firstTaskDrillMs);
    const available = Math.max(back.backDrillMs, killedAt - launchedAt + WORKFLOW_TASK_TIMEOUT_MS);
    expect(missed.settledAtDrillMs! - available).toBeLessThanOrEqual(LATE_START_MS);

    // Due after the new worker was back: on time, in drill time and in wall time from launch.
    if (back.backDrillMs >= injectOf(final, 'after-restart').atMs - TOLERANCE_MS) {
      throw new Error(`the new worker took ${back.startupMs} ms to start, too slow for the scenario's later offsets (drill-restart.drill.yaml)`);
    }
    const onTime = final.injects.filter((inject) => inject.atMs > back.backDrillMs);
    expect(onTime.map((inject) => inject.id)).toEqual(['after-restart', 'last-call']);
    for (const inject of [injectOf(final, 'before-crash'), ...onTime]) {
      expect(Math.abs(measured[inject.id]!.drillMs! - inject.atMs)).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(Math.abs(measured[inject.id]!.wallMs - inject.atMs)).toBeLessThanOrEqual(TOLERANCE_MS);
    }

    // Exactly once: the drill told the run of each inject once, with the drill time it recorded.
    const runEvents = (await client.workflow.getHandle(final.childWorkflowId).fetchHistory()).events ?? [];
    const told = signalsIn(runEvents, 'drillInject');
    expect(told.map((signal) => signal.injectId).sort()).toEqual(final.injects.map((inject) => inject.id).sort());
    for (const signal of told) expect(signal.drillMs).toBe(injectOf(final, signal.injectId).settledAtDrillMs);
    expect(drillEvents.filter((event) => event.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'drillInject')).toHaveLength(final.injects.length);

    // The drill's figures: no pause, drill time is launch to end.
    expect(final.pausedMs).toBe(0);
    expect(final.pauses).toEqual([]);
    expect(final.elapsedMs).toBe(Date.parse(final.endedAt!) - launchedAt);

    second.kill('SIGTERM');
    expect(await exited(second)).not.toBe('SIGKILL');
  });
});
