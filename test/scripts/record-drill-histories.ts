/**
 * Records the drill replay fixtures: plays a drill of the drill-kinds fixture scenario (one inject
 * of each kind) to its end on a fresh in-memory dev server, the way a facilitator and players
 * would, then saves its histories with `quell drill record` into
 * test/fixtures/histories/drills/drill-kinds/. The replay tests then prove that today's workflow
 * code still produces exactly these histories.
 *
 * What the drill goes through: an unavailable approver refused and another approving, a faulted
 * action failing twice then succeeding, a late event the players cannot deliver and the drill
 * delivers on time, a withheld event that never comes (its wait times out), a twist's follow-up
 * run started by the facilitator, a note, a pause and resume, the run completing, and the
 * facilitator ending the drill (which cancels the follow-up).
 *
 * Re-record whenever the drill workflow (workflows/drill*.ts) or the interpreter changes on
 * purpose, before that change is committed:
 *   npm run record-drill-histories
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildActivityDeps } from '../../activities/build-deps';
import { runCli } from '../../cli/main';
import { endDrill, getDrillState, noteDrill, pauseDrill, resumeDrill, startDrill, startFollowUp } from '../../client/drills';
import { decideApproval, deliverEvent, getRunState } from '../../client/runs';
import type { DrillState } from '../../common/drill-state';
import type { RunState } from '../../common/run-state';
import { createQuellWorker } from '../../worker/create-worker';
import { startDevServer } from '../../worker/dev-server';
import { createLogger, installTemporalRuntime } from '../../worker/logger';
import { DRILL_APPROVERS, DRILL_FACILITATOR, loadTestDrill } from '../support/drills';
import { eventually } from '../support/eventually';

const TASK_QUEUE = 'record-drill-histories';
/** The recording's folder name under test/fixtures/histories/drills/. */
const RECORDING = 'drill-kinds';

async function main(): Promise<void> {
  // Error level: the faulted action's deliberate failures would otherwise print as warnings.
  const logger = createLogger({ logLevel: 'error' });
  installTemporalRuntime(logger);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-record-drill-'));
  const approversFile = path.join(dataDir, 'approvers.yaml');
  fs.writeFileSync(approversFile, DRILL_APPROVERS);
  const server = await startDevServer({});
  try {
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createQuellWorker({
      connection: nativeConnection,
      namespace: server.namespace,
      taskQueue: TASK_QUEUE,
      deps: await buildActivityDeps({ dataDir, tabletopLatencyMs: 0, approversFile }, logger),
    });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    let drillId = '';
    await worker.runUntil(async () => {
      drillId = await playKindsDrill(client);
    });
    await connection.close();
    await nativeConnection.close();

    // With the worker gone: a recording reads the server's histories, nothing else.
    const code = await runCli(['drill', 'record', drillId, '--name', RECORDING], { stdout: (text) => process.stdout.write(`${text}\n`), stderr: (text) => process.stderr.write(`${text}\n`) }, {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      QUELL_DATA_DIR: dataDir,
    });
    if (code !== 0) throw new Error(`quell drill record exited ${code}`);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Plays the drill to its end; returns its id. Throws when anything goes otherwise than planned. */
async function playKindsDrill(client: Client): Promise<string> {
  const drill = await loadTestDrill('drill-kinds');
  const handle = await startDrill(client, { ...drill, exerciseId: 'recorded', requestedBy: 'rita', requestedVia: 'cli', taskQueue: TASK_QUEUE });
  const drillId = handle.workflowId;
  const runId = `${drillId}:run`;
  const drillState = () => getDrillState(client, drillId);
  const runState = () => getRunState(client, runId);
  const fired = (ids: string[]) => eventually(`${ids.join(', ')} fired`, async () => {
    const state = await drillState();
    return ids.every((id) => injectOf(state, id).status === 'fired') && state;
  });

  await fired(['briefing', 'alice-away', 'pager-flaky']);
  const gate = await eventually('gate open', async () => {
    const approval = stepOf(await runState(), 'approve').approval;
    return approval?.policy !== undefined && approval;
  });
  await refused('alice is unavailable for this drill', () => decideApproval(client, runId, { stepId: 'approve', actor: 'alice', via: 'cli', decision: 'approve', summarySha256: gate.summarySha256! }));
  await decideApproval(client, runId, { stepId: 'approve', actor: 'bob', via: 'cli', decision: 'approve', summarySha256: gate.summarySha256! });
  await eventually('page done after its faulted attempts', async () => stepOf(await runState(), 'page').status === 'succeeded');
  await noteDrill(client, drillId, { text: 'The pager retried as planned', actor: DRILL_FACILITATOR, via: 'cli' });

  const late = await fired(['vendor-late', 'legal-silent']);
  if (injectOf(late, 'vendor-late').eventDeliveredAtDrillMs === undefined) {
    await refused('is delayed by the drill (inject vendor-late)', () => deliverEvent(client, runId, { event: 'vendor-deletion-confirmed', actor: 'bob', via: 'cli' }));
  }
  await refused('never arrives in this exercise (drill inject legal-silent)', () => deliverEvent(client, runId, { event: 'legal-sign-off', actor: 'bob', via: 'cli' }));
  await eventually('vendor confirmation delivered late by the drill', async () => stepOf(await runState(), 'await-vendor').status === 'succeeded', 60_000);
  await eventually('legal wait timed out', async () => stepOf(await runState(), 'await-legal').status === 'failed', 60_000);

  await fired(['second-key']);
  const followUp = await startFollowUp(client, drillId, { injectId: 'second-key', actor: DRILL_FACILITATOR, via: 'cli' });
  await eventually('follow-up running', async () => (await getRunState(client, followUp.workflowId).catch(() => undefined))?.status === 'running');

  await pauseDrill(client, drillId, { actor: DRILL_FACILITATOR, via: 'cli' });
  await resumeDrill(client, drillId, { actor: DRILL_FACILITATOR, via: 'cli' });
  // The run's last step waits for the drill's end: the players deliver it, and the run completes.
  await deliverEvent(client, runId, { event: 'drill-ended', actor: 'bob', via: 'cli' });
  await eventually('run completed', async () => (await drillState()).runOutcome === 'completed');
  await endDrill(client, drillId, { actor: DRILL_FACILITATOR, via: 'cli', reason: 'all injects played' });

  const final = await handle.result();
  const problems = [
    ...final.injects.filter((inject) => inject.status !== 'fired').map((inject) => `inject ${inject.id} ${inject.status}`),
    ...(final.status === 'ended' ? [] : [`drill ${final.status}`]),
    ...(final.runOutcome === 'completed' ? [] : [`run ${final.runOutcome}`]),
    ...(final.followUps.length === 1 && final.followUps[0]!.outcome === 'cancelled' ? [] : [`follow-ups ${JSON.stringify(final.followUps)}`]),
  ];
  if (problems.length > 0) throw new Error(`the drill did not go as planned: ${problems.join('; ')}`);
  process.stdout.write(`played drill ${drillId}: ${final.injects.length} injects, drill time ${final.elapsedMs} ms (paused ${final.pausedMs} ms)\n`);
  return drillId;
}

function injectOf(state: DrillState, id: string) {
  const inject = state.injects.find((candidate) => candidate.id === id);
  if (!inject) throw new Error(`no inject ${id}`);
  return inject;
}

function stepOf(state: RunState, id: string) {
  const step = state.steps.find((candidate) => candidate.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

/** The call must be refused saying `reason` (a player meeting an inject); anything else spoils the recording. */
async function refused(reason: string, call: () => Promise<unknown>): Promise<void> {
  const outcome = await call().then(
    () => 'accepted',
    (error: unknown) => {
      const { code, message } = error as { code?: string; message?: string };
      return code === 'refused' && message?.includes(reason) ? undefined : String(error);
    },
  );
  if (outcome !== undefined) throw new Error(`expected a refusal saying "${reason}", got: ${outcome}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
