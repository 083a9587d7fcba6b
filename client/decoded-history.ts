/**
 * Run and drill histories as the client's keys read them. `fetchHistory()` returns payloads as the
 * server stores them: with encryption at rest (config/codec), ciphertext. Every surface that reads
 * a history (quell history, drill reports and plans, drill records) goes through here, so none of
 * them mistakes an encrypted payload for a missing one.
 */
import type { Client } from '@temporalio/client';
import { decodeWithCodecs } from '../reports/audit/client-histories';
import { HistoryDecodeError, type RawHistory } from '../reports/audit/history-codec';
import { isWorkflowNotFound, type HistoryReader } from '../reports/drill/fetch-histories';
import { QuellClientError } from './errors';
import { checkWorkflowId } from './runs';

/** `history` with its payloads opened by the client's codecs (last applied, first undone); as it is without codecs. */
export async function decodeStoredHistory(client: Client, history: RawHistory, workflowId: string): Promise<RawHistory> {
  try {
    return await decodeWithCodecs(history, client.options.loadedDataConverter.payloadCodecs ?? []);
  } catch (error) {
    if (error instanceof HistoryDecodeError) throw new QuellClientError('refused', `cannot open the history of ${workflowId}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * A run's history as the server stores it, open or closed, with no worker needed.
 * @throws QuellClientError not-found when Temporal has no such run (any more).
 */
export async function fetchStoredRunHistory(client: Client, workflowId: string): Promise<RawHistory> {
  checkWorkflowId(workflowId);
  try {
    return await client.workflow.getHandle(workflowId).fetchHistory();
  } catch (error) {
    if (isWorkflowNotFound(error)) {
      throw new QuellClientError('not-found', `no run ${workflowId} in Temporal (histories are kept only for the namespace's retention period)`, { cause: error });
    }
    throw error;
  }
}

/** {@link fetchStoredRunHistory}, decoded. */
export async function fetchDecodedRunHistory(client: Client, workflowId: string): Promise<RawHistory> {
  return decodeStoredHistory(client, await fetchStoredRunHistory(client, workflowId), workflowId);
}

/** The workflow's history, decoded; errors of the fetch itself (not found, unreachable) pass through. */
export async function fetchDecodedHistory(client: Client, workflowId: string, runId?: string): Promise<RawHistory> {
  return decodeStoredHistory(client, await client.workflow.getHandle(workflowId, runId).fetchHistory(), workflowId);
}

/** A history reader for the report builders whose `fetchHistory` decodes. */
export function decodingHistoryReader(client: Client): HistoryReader {
  const getHandle = (workflowId: string, runId?: string) => {
    const handle = client.workflow.getHandle(workflowId, runId);
    return Object.assign({}, handle, { fetchHistory: async () => decodeStoredHistory(client, await handle.fetchHistory(), workflowId) });
  };
  return { getHandle: getHandle as HistoryReader['getHandle'] };
}
