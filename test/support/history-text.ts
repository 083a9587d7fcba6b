/**
 * A workflow's full history as one searchable string, for tests that check what reached it (e.g.
 * that no secret did). Payloads are JSON bytes that `JSON.stringify` would only show as base64, so
 * every byte array in the history is also decoded as UTF-8 and appended.
 */
import type { Client } from '@temporalio/client';

/** The history of `workflowId` (its latest run, or `runId`) as text: see {@link historyToText}. */
export async function historyText(client: Client, workflowId: string, runId?: string): Promise<string> {
  return historyToText(await client.workflow.getHandle(workflowId, runId).fetchHistory());
}

/** A fetched history (or one of its events) as text: its JSON form followed by every payload decoded. */
export function historyToText(history: unknown): string {
  const decoded: string[] = [];
  const walk = (value: unknown): void => {
    if (value instanceof Uint8Array) decoded.push(Buffer.from(value).toString('utf8'));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(history);
  return `${JSON.stringify(history)}\n${decoded.join('\n')}`;
}
