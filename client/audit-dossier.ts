/**
 * The compliance dossier of one run, from Temporal: the history is fetched (no worker needed),
 * its encrypted payloads opened with the client's own payload codecs, and the dossier built and
 * signed from it. Verification against the live history rebuilds it the same way and compares.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { isEncryptedPayload } from '../config/codec/aes-gcm-codec';
import { buildDossier, DossierInputError } from '../reports/audit/dossier';
import type { DossierDocument } from '../reports/audit/dossier-types';
import { decodeWithCodecs } from '../reports/audit/client-histories';
import { HistoryDecodeError } from '../reports/audit/history-codec';
import { compareWithHistory, type HistoryComparison } from '../reports/audit/verify-dossier';
import type { RawHistory } from '../reports/drill/history';
import { isWorkflowNotFound } from '../reports/drill/fetch-histories';
import { QuellClientError } from './errors';
import { checkWorkflowId } from './runs';

export interface ExportOptions {
  signingKeyPem?: string;
  exportedBy?: string;
}

/** The run's history as stored, with its payloads decoded by the client's codecs (if any). */
export async function fetchRunHistory(client: Client, workflowId: string): Promise<RawHistory> {
  checkWorkflowId(workflowId);
  let history: RawHistory;
  try {
    history = await client.workflow.getHandle(workflowId).fetchHistory();
  } catch (error) {
    if (isWorkflowNotFound(error)) throw new QuellClientError('not-found', `no run ${workflowId} in namespace ${client.options.namespace} (or its history is past retention: look for an archived dossier)`);
    throw error;
  }
  return decodeWithClientCodecs(client, history);
}

export async function decodeWithClientCodecs(client: Client, history: RawHistory): Promise<RawHistory> {
  try {
    return await decodeWithCodecs(history, client.options.loadedDataConverter.payloadCodecs ?? []);
  } catch (error) {
    if (error instanceof HistoryDecodeError) throw new QuellClientError('refused', `cannot open this run's history: ${error.message}`);
    throw error;
  }
}

export async function exportRunDossier(client: Client, workflowId: string, options: ExportOptions = {}): Promise<DossierDocument> {
  const history = await fetchRunHistory(client, workflowId);
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (input && isEncryptedPayload(input as Payload)) {
    // Without the keys every fact would read as missing: say why instead of exporting an empty record.
    throw new QuellClientError('refused', `${workflowId}: its payloads are encrypted and this client has no payload keys (set QUELL_PAYLOAD_KEYS_FILE)`);
  }
  try {
    return buildDossier(history, { workflowId, namespace: client.options.namespace, ...options });
  } catch (error) {
    if (error instanceof DossierInputError) throw new QuellClientError('invalid-input', `${workflowId}: ${error.message}`);
    throw error;
  }
}

/** Compares a dossier (whose chain the caller verified) with the run's history in Temporal now. */
export async function compareDossierWithTemporal(client: Client, document: DossierDocument): Promise<HistoryComparison> {
  const run = document.entries[0]?.data as { workflowId?: unknown; namespace?: unknown } | undefined;
  if (typeof run?.workflowId !== 'string') throw new QuellClientError('invalid-input', 'the dossier names no run (entry 0 has no workflowId)');
  if (run.namespace !== client.options.namespace) {
    throw new QuellClientError('invalid-input', `the dossier is of namespace ${String(run.namespace)}, but Quell is connected to ${client.options.namespace}`);
  }
  const history = await fetchRunHistory(client, run.workflowId);
  return compareWithHistory(document, history, { workflowId: run.workflowId, namespace: run.namespace });
}
