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
import { compareWithHistory, type HistoryComparison } from '../reports/audit/verify-dossier';
import { fetchDecodedRunHistory } from './decoded-history';
import { QuellClientError } from './errors';

export interface ExportOptions {
  signingKeyPem?: string;
  exportedBy?: string;
}

export async function exportRunDossier(client: Client, workflowId: string, options: ExportOptions = {}): Promise<DossierDocument> {
  const history = await fetchDecodedRunHistory(client, workflowId);
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
  const history = await fetchDecodedRunHistory(client, run.workflowId);
  return compareWithHistory(document, history, { workflowId: run.workflowId, namespace: run.namespace });
}
