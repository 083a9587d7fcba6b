/**
 * Reading runs for the audit from any Temporal client (the CLI's, or an activity's): closed runs
 * by a visibility query, and a history with its payloads opened by the client's own codecs.
 */
import type { WorkflowClient } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { RawHistory } from '../drill/history';
import type { ClosedRun } from './archive';
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
