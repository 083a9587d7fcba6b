/**
 * Durability: the worker runs as a separate process and is killed with SIGKILL while an action is
 * in flight. A new worker process picks the run up and finishes it, and every side effect is
 * recorded exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import { summariseHistory } from '../../client/history';
import { getRunState, startRun } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import { waitForState } from '../support/run-driver';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, testServer, uniqueTaskQueue } from '../support/temporal';
import { spawnWorkerProcess, exited, stopChildren } from '../support/worker-process';

const LATENCY_MS = 3_000;

describe('durability', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await stopChildren(children);
  });

  test('a worker killed with SIGKILL mid-action is replaced and the run finishes with each effect once', async () => {
    const server = testServer();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'quell-durability-'));
    const taskQueue = uniqueTaskQueue('durability');
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      QUELL_TASK_QUEUE: taskQueue,
      QUELL_DATA_DIR: dataDir,
      QUELL_TABLETOP_LATENCY_MS: String(LATENCY_MS),
      QUELL_LOG_LEVEL: 'debug', // nothing is shown: the output goes to the run-wide secret scan only
    };
    const client = await connectTestClient();
    const { runbook, sha256 } = await loadTestRunbook('test/fixtures/runbooks/durability.yaml');

    const first = spawnWorkerProcess(env, 'durability-worker');
    children.push(first);
    const handle = await startRun(client, {
      runbook,
      runbookSha256: sha256,
      inputs: {},
      mode: 'tabletop',
      requestedBy: 'rita.requester',
      requestedVia: 'api',
      incidentId: `INC-DUR-${Date.now()}`,
      taskQueue,
    });

    // Kill as soon as the second action is in flight (the first has completed and is recorded).
    const before = await waitForState(
      () => getRunState(client, handle.workflowId),
      (s) => s.steps.find((step) => step.id === 'block')?.status === 'running',
      120_000,
    );
    expect(before.steps.find((step) => step.id === 'revoke-key')?.status).toBe('succeeded');
    first.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await exited(first)).toBe('SIGKILL');

    const second = spawnWorkerProcess(env, 'durability-worker');
    children.push(second);
    await waitForState(
      () => getRunState(client, handle.workflowId),
      (s) => s.steps.find((step) => step.id === 'block')?.status === 'succeeded',
      120_000,
    );
    // Reported, not asserted (timings belong to benchmarks): the retry waits for the heartbeat
    // timeout, then runs the simulated action again.
    console.log(`durability: kill -> block succeeded in ${Date.now() - killedAt} ms (includes the ${LATENCY_MS} ms simulated action)`);
    const result = (await handle.result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.state.steps.every((step) => step.status === 'succeeded')).toBe(true);

    // The killed attempt really was cut off mid-action: the block needed a second attempt (after
    // its heartbeat stopped), every other action completed on its first.
    const rawEvents = (await handle.fetchHistory()).events ?? [];
    const retried = rawEvents.find((event) => event.activityTaskStartedEventAttributes?.attempt === 2);
    const retriedAtMs = retried?.eventTime ? Number(retried.eventTime.seconds) * 1000 + Math.floor((retried.eventTime.nanos ?? 0) / 1e6) : NaN;
    console.log(`durability: the retry of the killed action started ${retriedAtMs - killedAt} ms after the kill`);
    const history = summariseHistory(rawEvents);
    const attempts = Object.fromEntries(history.filter((entry) => entry.kind === 'activity.completed').map((entry) => [entry.step, entry.attempts]));
    expect(attempts).toEqual({ 'revoke-key': 1, block: 2, 'end-sessions': 1, collect: 1, tell: 1 });

    const journal = new FileEffectJournal(path.join(dataDir, 'effects.jsonl'));
    const effects = await journal.list({ workflowId: handle.workflowId });
    const perStep = new Map<string, number>();
    for (const effect of effects) perStep.set(effect.stepId, (perStep.get(effect.stepId) ?? 0) + 1);
    expect(Object.fromEntries(perStep)).toEqual({ 'revoke-key': 1, block: 1, 'end-sessions': 1, collect: 1, tell: 1 });
    // The rule id the notification quotes is the one the single recorded block produced.
    const block = effects.find((effect) => effect.stepId === 'block');
    const tell = effects.find((effect) => effect.stepId === 'tell');
    expect(tell?.params.message).toBe(`done: ${block?.output.rule_id}`);

    second.kill('SIGTERM');
    expect(await exited(second)).not.toBe('SIGKILL');
    await client.connection.close();
  });
});
