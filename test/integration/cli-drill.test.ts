/**
 * `quell drill start` and `quell drill status` through the real CLI: a scenario found by id in
 * the configured runbooks folder starts a drill under its deterministic id, a second start of the
 * same exercise is refused, and status shows the fired injects under the exercise banner.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXERCISE_BANNER, EXERCISE_MARK } from '../../common/exercise';
import type { DrillState } from '../../common/drill-state';
import { quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { DRILL_RUNBOOKS_DIR } from '../support/drills';
import { eventually } from '../support/eventually';
import { startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

describe('quell drill', () => {
  let env: CliEnvironment;
  let work: string;
  let stopWorker: () => Promise<void>;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-cli-drill-'));
    const taskQueue = uniqueTaskQueue('cli-drill');
    stopWorker = (await startTestWorker({ taskQueue })).stop;
    const server = testServer();
    env = { address: server.address, namespace: server.namespace, taskQueue, dataDir: work, extra: { QUELL_RUNBOOKS_DIR: DRILL_RUNBOOKS_DIR } };
  });

  afterAll(async () => {
    await stopWorker?.();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('start by scenario id, status shows fired injects under the banner, end closes it', async () => {
    const exercise = `cli-${Date.now()}`;
    const drillId = `quell-drill:drill-hold:${exercise}`;
    const started = await quellOk(['drill', 'start', 'drill-hold', '--exercise', exercise, '--as', 'fiona', '--json'], env);
    expect(JSON.parse(started.stdout)).toMatchObject({ drillId, childWorkflowId: `${drillId}:run`, scenario: 'drill-hold', exercise: true });

    const again = await runQuell(['drill', 'start', 'drill-hold', '--exercise', exercise, '--as', 'fiona'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`drill ${drillId} already exists`);

    const state = await eventually('first inject fired', async () => {
      const shown = JSON.parse((await quellOk(['drill', 'status', drillId, '--json'], env)).stdout) as DrillState;
      return shown.injects.find((inject) => inject.id === 'first')?.status === 'fired' && shown;
    });
    expect(state.childWorkflowId).toBe(`${drillId}:run`);

    await eventually('the withheld event inject fired', async () => {
      const shown = JSON.parse((await quellOk(['drill', 'status', drillId, '--json'], env)).stdout) as DrillState;
      return shown.injects.find((inject) => inject.id === 'vendor-silent')?.status === 'fired';
    });
    const note = await quellOk(['drill', 'note', drillId, 'well handled', '--as', 'fiona'], env);
    expect(note.stdout).toBe(`[${EXERCISE_MARK}] note added to drill ${drillId}`);
    const shown = await quellOk(['drill', 'status', drillId], env);
    const lines = shown.stdout.split('\n');
    expect(lines[0]).toBe(`[${EXERCISE_BANNER}]`);
    expect(shown.stdout).toMatch(/ {2}first \(message\) fired at \d+\.\d s\n {4}First message/);
    expect(shown.stdout).toContain('fiona: well handled');
    // Each fired inject says what it did to the run.
    expect(shown.stdout).toMatch(/ {2}first \(message\) fired at \d+\.\d s\n {4}First message\n {4}effect: posted to the players/);
    expect(shown.stdout).toMatch(/ {2}vendor-silent \(event\) fired at \d+\.\d s\n {4}effect: "drill-ended" is withheld for good/);

    await quellOk(['drill', 'end', drillId, '--as', 'fiona'], env);
    const ended = await eventually('drill ended', async () => {
      const final = JSON.parse((await quellOk(['drill', 'status', drillId, '--json'], env)).stdout) as DrillState;
      return final.status === 'ended' && final;
    });
    expect(ended.runOutcome).toBe('cancelled');
    const missing = await runQuell(['drill', 'status', 'quell-drill:drill-hold:nothing-here'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no drill quell-drill:drill-hold:nothing-here');
  });
});
