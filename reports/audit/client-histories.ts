/**
 * Reading runs for the audit from any Temporal client (the CLI's, or an activity's): closed runs
 * by a visibility query, and a history with its payloads opened by the client's own codecs.
 */
import type { Client, WorkflowClient } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { RawHistory } from '../drill/history';
import { archiveClosedRuns, type ArchiveDeps, type ArchiveSummary, type ClosedRun } from './archive';
import { decodeHistoryPayloads } from './history-codec';

export async function* listClosedRuns(workflows: Pick<WorkflowClient, 'list'>, query: string): AsyncGenerator<ClosedRun> {
  for await (const execution of workflows.list({ query, pageSize: 200 })) {
    if (execution.closeTime) yield { workflowId: execution.workflowId, runId: execution.runId, closedAt: execution.closeTime.toISOString() };
  }
}

/** Codecs apply in order when encoding, so they are undone last-first. */
export async function decodeWithCodecs(history: RawHistory, codecs: readonly PayloadCodec[]): Promise<RawHistory> {
  let decoded = history;
  for (const codec of [...codecs].reverse()) decoded = await decodeHistoryPayloads(decoded, codec);
  return decoded;
}

export interface ClientArchiveRequest extends Pick<ArchiveDeps, 'store' | 'signingKeyPem' | 'publicKeyPem' | 'exportedBy' | 'onRun'> {
  /** Visibility query for the closed runs to archive. */
  query: string;
}

/** The archive over a client (the CLI's, or an activity's): runs by its query, histories opened by its codecs. */
export function archiveThroughClient(client: Client, request: ClientArchiveRequest): Promise<ArchiveSummary> {
  const codecs = client.options.loadedDataConverter.payloadCodecs ?? [];
  const { query, ...deps } = request;
  return archiveClosedRuns({
    ...deps,
    namespace: client.options.namespace,
    runs: listClosedRuns(client.workflow, query),
    fetchHistory: async (run) => decodeWithCodecs(await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory(), codecs),
    now: () => new Date(),
  });
}
