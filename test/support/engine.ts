/**
 * One worker plus a client on the shared test server, with a fresh effect journal: what most
 * workflow tests need. `start` runs a runbook file through the same client module the CLI uses.
 */
import { EMPTY_LIVE_SETUP } from '../../activities/action-performer';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import type { ActivityDeps } from '../../activities/deps';
import type { DecisionSource, RunMode } from '../../common/run-state';
import { startRun } from '../../client/runs';
import { loadTestRunbook, REPO } from './runbooks';
import { loadRunbookDirectory } from '../../runbooks/load';
import type { Runbook } from '../../runbooks/schema';
import { subRunbookReferences } from '../../runbooks/sub-runbooks';
import { connectTestClient, runLogger, startTestWorker, uniqueTaskQueue } from './temporal';

export interface TestEngine {
  client: Client;
  taskQueue: string;
  journal: FileEffectJournal;
  start(
    file: string,
    inputs?: Record<string, unknown>,
    options?: { requester?: string; requestedVia?: DecisionSource; mode?: RunMode; incident?: string },
  ): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestEngine(prefix: string, overrides: Partial<ActivityDeps> = {}): Promise<TestEngine> {
  const taskQueue = uniqueTaskQueue(prefix);
  const scratch = mkdtempSync(path.join(os.tmpdir(), `quell-${prefix}-`));
  const journal = new FileEffectJournal(path.join(scratch, 'effects.jsonl'));
  const worker = await startTestWorker({
    taskQueue,
    deps: { logger: runLogger(`engine-${prefix}`), effectJournal: journal, live: EMPTY_LIVE_SETUP, ...overrides },
  });
  const client = await connectTestClient();
  let counter = 0;
  return {
    client,
    taskQueue,
    journal,
    async start(file, inputs = {}, options = {}) {
      const { runbook, sha256 } = await loadTestRunbook(file);
      const childRunbooks = await siblingRunbooks(file, runbook);
      counter += 1;
      const handle = await startRun(client, {
        runbook,
        runbookSha256: sha256,
        inputs,
        mode: options.mode ?? 'tabletop',
        requestedBy: options.requester ?? 'rita.requester',
        requestedVia: options.requestedVia ?? 'api',
        incidentId: options.incident ?? `INC-${prefix}-${Date.now()}-${counter}`,
        taskQueue,
        ...(childRunbooks ? { childRunbooks } : {}),
      });
      return handle.workflowId;
    },
    async stop() {
      await worker.stop();
      await client.connection.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The runbooks beside `file`, by id, when its `runbook:` steps start any (as a start from the runbooks folder would give them). */
async function siblingRunbooks(file: string, runbook: Runbook): Promise<Record<string, { runbook: Runbook; sha256: string }> | undefined> {
  if (subRunbookReferences(runbook).length === 0) return undefined;
  const { runbooks } = await loadRunbookDirectory(path.dirname(path.resolve(REPO, file)));
  return Object.fromEntries(runbooks.map((entry) => [entry.runbook.id, { runbook: entry.runbook, sha256: entry.sha256 }]));
}
