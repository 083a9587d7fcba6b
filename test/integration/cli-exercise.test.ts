/**
 * Exercise marking in the terminal, through the real `quell` CLI: a tabletop run's start line,
 * `--wait` progress lines and `quell status` say it is an exercise; a live run of the same runbook
 * says nothing of the kind; `--json` carries no banner but keeps its `mode` field.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXERCISE_BANNER, EXERCISE_MARK } from '../../common/exercise';
import type { RunState } from '../../common/run-state';
import { quellOk, type CliEnvironment } from '../support/cli';
import { startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

// No actions, so a live run needs no connector; the wait times out at once and the run goes on.
const RUNBOOK = `id: exercise-marking
version: 1
title: Exercise marking
severity: low
steps:
  - id: pause
    on_error: continue
    wait: { event: drill-ended, timeout: 1s }
  - id: never
    when: "\${{ false }}"
    manual: { task: nothing to do }
`;

describe('quell marks a tabletop run as an exercise, and a live run not', () => {
  let env: CliEnvironment;
  let work: string;
  let runbook: string;
  let stopWorker: () => Promise<void>;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-cli-exercise-'));
    runbook = path.join(work, 'exercise-marking.yaml');
    fs.writeFileSync(runbook, RUNBOOK);
    const taskQueue = uniqueTaskQueue('cli-exercise');
    stopWorker = (await startTestWorker({ taskQueue })).stop;
    const server = testServer();
    env = { address: server.address, namespace: server.namespace, taskQueue, dataDir: work };
  });

  afterAll(async () => {
    await stopWorker?.();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const start = (incident: string, ...more: string[]) => quellOk(['start', runbook, '--incident', incident, '--as', 'rita', ...more], env);

  test('tabletop: start --wait, progress lines and status carry the marker', async () => {
    const incident = `INC-EX-${Date.now()}`;
    const workflowId = `quell-tabletop:exercise-marking:${incident}`;
    const followed = await start(incident, '--tabletop', '--wait');
    const progress = followed.stderr.split('\n');
    expect(progress[0]).toBe(`[${EXERCISE_BANNER}] started ${workflowId}`);
    expect(progress.length).toBeGreaterThan(1);
    for (const line of progress.slice(1)) expect(line.startsWith(`[${EXERCISE_MARK}] `)).toBe(true);
    expect(followed.stdout.split('\n')[0]).toBe(`*** ${EXERCISE_BANNER} ***`);

    const status = await quellOk(['status', workflowId], env);
    expect(status.stdout.split('\n').slice(0, 2)).toEqual([`*** ${EXERCISE_BANNER} ***`, workflowId]);
    const json = JSON.parse((await quellOk(['status', workflowId, '--json'], env)).stdout) as RunState;
    expect(json).toMatchObject({ mode: 'tabletop', status: 'completed' });
    expect(JSON.stringify(json)).not.toContain(EXERCISE_BANNER);

    const again = `${incident}-b`;
    const started = await start(again, '--tabletop');
    expect(started.stdout).toBe(`[${EXERCISE_BANNER}] started quell-tabletop:exercise-marking:${again}`);
    const startedJson = JSON.parse((await start(`${incident}-c`, '--tabletop', '--json')).stdout) as Record<string, unknown>;
    expect(startedJson).toMatchObject({ mode: 'tabletop' });
    expect(JSON.stringify(startedJson)).not.toContain(EXERCISE_MARK);
  });

  test('live: no banner, no mark anywhere', async () => {
    const incident = `INC-LIVE-EX-${Date.now()}`;
    const workflowId = `quell:exercise-marking:${incident}`;
    const followed = await start(incident, '--wait');
    expect(followed.stderr.split('\n')[0]).toBe(`started ${workflowId}`);
    expect(followed.stderr.split('\n').length).toBeGreaterThan(1);
    const status = await quellOk(['status', workflowId], env);
    for (const output of [followed.stdout, followed.stderr, status.stdout]) expect(output).not.toContain(EXERCISE_MARK);
    expect(status.stdout.split('\n')[0]).toBe(workflowId);
    expect(JSON.parse((await quellOk(['status', workflowId, '--json'], env)).stdout)).toMatchObject({ mode: 'live', status: 'completed' });
  });
});
