/**
 * `quell drill record` through the real CLI: an open drill is refused with how to end it; once
 * ended, the drill's, its run's and its follow-up's histories are written with a manifest, in the
 * format the replay tests read, and they replay against the workflow code; unknown ids, runs
 * that are not drills, bad names, folders holding other files and a closed drill that left its
 * run open are refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import type { DrillRecordingManifest } from '../../client/drill-record';
import { EXERCISE_MARK } from '../../common/exercise';
import type { DrillState } from '../../common/drill-state';
import { quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { DRILL_RUNBOOKS_DIR, loadTestDrill } from '../support/drills';
import { eventually } from '../support/eventually';
import { connectTestClient, ensureTestRuntime, startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

describe('quell drill record', () => {
  let env: CliEnvironment;
  let work: string;
  let client: Client;
  let stopWorker: () => Promise<void>;

  beforeAll(async () => {
    ensureTestRuntime();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-cli-drill-record-'));
    const taskQueue = uniqueTaskQueue('cli-drill-record');
    stopWorker = (await startTestWorker({ taskQueue })).stop;
    client = await connectTestClient();
    const server = testServer();
    env = { address: server.address, namespace: server.namespace, taskQueue, dataDir: work, extra: { QUELL_RUNBOOKS_DIR: DRILL_RUNBOOKS_DIR } };
  });

  afterAll(async () => {
    await stopWorker?.();
    await client?.connection.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('refuses an open drill, then records the ended drill, its run and its follow-up as replayable histories', async () => {
    const exercise = `rec-${Date.now()}`;
    const drillId = `quell-drill:drill-kinds:${exercise}`;
    const out = path.join(work, 'recordings');
    await quellOk(['drill', 'start', 'drill-kinds', '--exercise', exercise, '--as', 'lee'], env);
    await eventually('twist fired', async () => {
      const state = JSON.parse((await quellOk(['drill', 'status', drillId, '--json'], env)).stdout) as DrillState;
      return state.injects.find((inject) => inject.id === 'second-key')?.status === 'fired';
    });
    await quellOk(['drill', 'follow-up', drillId, 'second-key', '--as', 'lee'], env);

    const open = await runQuell(['drill', 'record', drillId, '--out', out], env);
    expect(open.code).toBe(1);
    expect(open.stderr).toBe(`quell: refused: drill ${drillId} is still open; a drill is recorded once it and its runs have closed. End it first: quell drill end ${drillId}`);
    expect(fs.existsSync(out)).toBe(false);

    await quellOk(['drill', 'end', drillId, '--as', 'lee'], env);
    const final = (await client.workflow.getHandle(drillId).result()) as DrillState;
    expect(final.followUps).toHaveLength(1);

    const recordedFrom = Date.now();
    const recorded = await quellOk(['drill', 'record', drillId, '--out', out], env);
    const dir = path.join(out, `drill-kinds-${exercise}`);
    const lines = recorded.stdout.split('\n');
    expect(lines.every((line) => line.startsWith(`[${EXERCISE_MARK}] `))).toBe(true);
    expect(lines[0]).toContain(`drill ${drillId} recorded into ${dir}`);
    expect(fs.readdirSync(dir).sort()).toEqual(['drill.json', 'follow-up-second-key.json', 'manifest.json', 'run.json']);

    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as DrillRecordingManifest;
    const { scenarioSha256, runbookSha256 } = await loadTestDrill('drill-kinds');
    expect(manifest).toMatchObject({
      exercise: true,
      drillId,
      scenario: { id: 'drill-kinds', version: 1, sha256: scenarioSha256 },
      runbook: { id: 'drill-kinds', sha256: runbookSha256 },
    });
    expect(Date.parse(manifest.recordedAt)).toBeGreaterThanOrEqual(recordedFrom - 1_000);
    expect(manifest.histories.map(({ file, workflowId, workflowType, role, closedAs }) => ({ file, workflowId, workflowType, role, closedAs }))).toEqual([
      { file: 'drill.json', workflowId: drillId, workflowType: 'runDrill', role: 'drill', closedAs: 'COMPLETED' },
      { file: 'run.json', workflowId: `${drillId}:run`, workflowType: 'runRunbook', role: 'run', closedAs: 'COMPLETED' },
      { file: 'follow-up-second-key.json', workflowId: `${drillId}:follow-up:second-key`, workflowType: 'runRunbook', role: 'follow-up', closedAs: 'COMPLETED' },
    ]);

    // Each file is the server's whole history of its workflow, readable by historyFromJSON.
    const histories = [];
    for (const entry of manifest.histories) {
      const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, entry.file), 'utf8')));
      const fromServer = await client.workflow.getHandle(entry.workflowId).fetchHistory();
      expect(history.events?.length).toBe(fromServer.events?.length);
      expect(entry.events).toBe(fromServer.events?.length);
      expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe(entry.workflowType);
      histories.push({ workflowId: entry.workflowId, history });
    }
    const outcomes: Array<{ workflowId: string; error?: string }> = [];
    const bundle = { workflowBundle: { code: fs.readFileSync(testServer().bundlePath, 'utf8') } };
    for await (const result of Worker.runReplayHistories(bundle, histories)) {
      outcomes.push({ workflowId: result.workflowId, ...(result.error ? { error: String(result.error) } : {}) });
    }
    expect(outcomes).toEqual(manifest.histories.map(({ workflowId }) => ({ workflowId })));

    // Recording again replaces the earlier recording in place.
    await quellOk(['drill', 'record', drillId, '--out', out], env);
    const again = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as DrillRecordingManifest;
    expect(Date.parse(again.recordedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.recordedAt));
    expect(fs.readdirSync(dir).sort()).toEqual(['drill.json', 'follow-up-second-key.json', 'manifest.json', 'run.json']);

    // Refusals, each naming what is wrong.
    const notADrill = await runQuell(['drill', 'record', `${drillId}:run`, '--out', out], env);
    expect(notADrill.code).toBe(1);
    expect(notADrill.stderr).toContain(`${drillId}:run is not a drill (its workflow type is runRunbook)`);
    const unknown = await runQuell(['drill', 'record', 'quell-drill:drill-kinds:nothing-here', '--out', out], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no drill quell-drill:drill-kinds:nothing-here');
    const badName = await runQuell(['drill', 'record', drillId, '--out', out, '--name', '../escape'], env);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('--name "../escape" is not valid');
    const foreign = path.join(out, 'someone-elses');
    fs.mkdirSync(foreign, { recursive: true });
    fs.writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
    const occupied = await runQuell(['drill', 'record', drillId, '--out', out, '--name', 'someone-elses'], env);
    expect(occupied.code).toBe(1);
    expect(occupied.stderr).toContain('is not empty and holds no drill recording (manifest.json)');
    expect(fs.readdirSync(foreign)).toEqual(['notes.txt']);
  });

  test('a closed drill whose run is still open is refused, naming the run and how to close it', async () => {
    // Its own task queue and worker, stopped once the run has started: nothing then processes the
    // cancel request that terminating the drill sends its run, so the run stays open.
    const taskQueue = uniqueTaskQueue('cli-drill-record-orphan');
    const worker = await startTestWorker({ taskQueue });
    const exercise = `orphan-${Date.now()}`;
    const drillId = `quell-drill:drill-hold:${exercise}`;
    const orphanEnv = { ...env, taskQueue };
    await quellOk(['drill', 'start', 'drill-hold', '--exercise', exercise, '--as', 'lee'], orphanEnv);
    await eventually('run started', async () => (await client.workflow.getHandle(`${drillId}:run`).describe().catch(() => undefined))?.status.name === 'RUNNING');
    await worker.stop();
    await client.workflow.getHandle(drillId).terminate('test: a drill closed without its run');

    const refused = await runQuell(['drill', 'record', drillId, '--out', path.join(work, 'orphans')], orphanEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `quell: refused: the run ${drillId}:run of drill ${drillId} is still open; a drill is recorded once its runs have closed. Cancel it first: quell cancel ${drillId}:run --reason TEXT`,
    );
    expect(fs.existsSync(path.join(work, 'orphans'))).toBe(false);
    await client.workflow.getHandle(`${drillId}:run`).terminate('test cleanup');
  });
});
