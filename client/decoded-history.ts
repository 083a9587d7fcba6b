/**
 * Run and drill histories as the client's keys read them. `fetchHistory()` returns payloads as the
 * server stores them: with encryption at rest (config/codec), ciphertext. Every surface that reads
 * a history (quell history, drill reports and plans, drill records) goes through here, so none of
 * them mistakes an encrypted payload for a missing one.
 */
import type { Client } from '@temporalio/client';
import { decodeHistoryPayloads, HistoryDecodeError, type RawHistory } from '../reports/audit/history-codec';
import type { HistoryReader } from '../reports/drill/fetch-histories';
import { QuellClientError } from './errors';

/** `history` with its payloads opened by the client's codecs (last applied, first undone); as it is without codecs. */
export async function decodeStoredHistory(client: Client, history: RawHistory, workflowId: string): Promise<RawHistory> {
  let decoded = history;
  for (const codec of [...(client.options.loadedDataConverter.payloadCodecs ?? [])].reverse()) {
    try {
      decoded = await decodeHistoryPayloads(decoded, codec);
    } catch (error) {
      if (error instanceof HistoryDecodeError) throw new QuellClientError('refused', `cannot open the history of ${workflowId}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return decoded;
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
