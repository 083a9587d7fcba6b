/**
 * Records the replay fixtures: runs each shipped runbook (and a cancelled run) in tabletop mode on a
 * fresh in-memory dev server, answering every gate, event and task, and saves each run's event
 * history under test/fixtures/histories/. The replay test then proves that today's workflow code
 * still produces exactly these histories.
 *
 * Re-record ONLY for an intentional, versioned change of workflow behaviour or of a shipped
 * runbook (bump its version), after moving the old recording to earlier-versions/ with its version
 * in the name: runs started before the change must keep replaying too.
 *   npm run record-histories
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection } from '@temporalio/worker';
import { buildActivityDeps } from '../../activities/build-deps';
import { cancelRun, getRunState, startRun } from '../../client/runs';
import { clientResponder } from '../support/client-responder';
import { driveToEnd, waitForState, type DriveOptions } from '../support/run-driver';
import { loadTestRunbook, REPO } from '../support/runbooks';
import { createQuellWorker } from '../../worker/create-worker';
import { startDevServer } from '../../worker/dev-server';
import { createLogger, installTemporalRuntime } from '../../worker/logger';

const OUT_DIR = path.join(REPO, 'test', 'fixtures', 'histories');
const TASK_QUEUE = 'record-histories';

/** Each shipped runbook driven to completion; the answers take the branches that do the most. */
const COMPLETE_RUNS: Array<{ name: string; file: string; inputs: Record<string, unknown>; drive?: Pick<DriveOptions, 'answers' | 'fields'> }> = [
  {
    name: 'credential-compromise',
    file: 'runbooks/credential-compromise.yaml',
    inputs: { principal: 'alice', access_key_id: 'AKIAIOSFODNN7EXAMPLE', cidrs: ['203.0.113.0/24'], vendor: 'acme' },
    drive: { answers: { triage: { option: 'confirmed', fields: { notes: 'calls from an unknown address', severity: 'critical' } } }, fields: { 'rotate-dependents': { secrets_rotated: 3 } } },
  },
  {
    name: 'vendor-breach',
    file: 'runbooks/vendor-breach.yaml',
    inputs: { vendor: 'globex', integration_principal: 'globex-sync', vendor_cidrs: ['192.0.2.0/24'] },
    drive: { answers: { 'assess-notification': { option: 'regulator', fields: { reasoning: 'contact data of EU customers' } } } },
  },
  {
    name: 'offboarding',
    file: 'runbooks/offboarding.yaml',
    inputs: { person: 'mallory@example.com', kind: 'vendor', vendor: 'acme', aws_user: 'mallory' },
    drive: { fields: { 'recover-devices': { laptop_returned: false } } },
  },
];

async function main(): Promise<void> {
  const logger = createLogger({ logLevel: 'warn' });
  installTemporalRuntime(logger);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-record-'));
  const server = await startDevServer({});
  try {
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createQuellWorker({
      connection: nativeConnection,
      namespace: server.namespace,
      taskQueue: TASK_QUEUE,
      deps: await buildActivityDeps({ dataDir, tabletopLatencyMs: 0 }, logger),
    });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    await worker.runUntil(async () => {
      fs.mkdirSync(OUT_DIR, { recursive: true });
      for (const run of COMPLETE_RUNS) {
        const workflowId = await start(client, run.file, run.inputs, `REC-${run.name}`);
        const final = await driveToEnd(clientResponder(client), workflowId, { approvers: ['bob.approver', 'carol.approver'], operator: 'oscar.operator', ...run.drive });
        if (final.status !== 'completed') throw new Error(`${run.name} ended ${final.status}`);
        await save(client, run.name, workflowId);
      }
      const cancelled = await start(client, 'test/fixtures/runbooks/compensation.yaml', {}, 'REC-cancel');
      await waitForState(() => getRunState(client, cancelled), (s) => s.steps.some((step) => step.id === 'hold' && step.status === 'waiting'));
      await cancelRun(client, cancelled, { actor: 'ivan.ic', via: 'cli', reason: 'recording a cancelled run' });
      await client.workflow.getHandle(cancelled).result();
      await save(client, 'cancelled-with-compensation', cancelled);
    });
    await connection.close();
    await nativeConnection.close();
  } finally {
    await server.stop();
  }
}

async function start(client: Client, file: string, inputs: Record<string, unknown>, incidentId: string): Promise<string> {
  const { runbook, sha256 } = await loadTestRunbook(file);
  const handle = await startRun(client, {
    runbook, runbookSha256: sha256, inputs, mode: 'tabletop', requestedBy: 'rita.requester', requestedVia: 'cli', incidentId, taskQueue: TASK_QUEUE,
  });
  return handle.workflowId;
}

async function save(client: Client, name: string, workflowId: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const file = path.join(OUT_DIR, `${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
  process.stdout.write(`recorded ${file} (${history.events?.length ?? 0} events)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
