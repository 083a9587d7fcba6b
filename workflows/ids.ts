/**
 * Deterministic workflow ids: the same runbook, incident and mode always map to the same id, so a
 * double click in Slack or a repeated `quell start` cannot start a second run of the same response.
 *
 * Workflow-safe.
 */
import type { RunMode } from '../common/run-state';

/** Incident ids are echoed into ids, search attributes and chat: keep them plain. */
export const INCIDENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** {@link INCIDENT_ID_PATTERN} in words, for every surface that refuses an incident id. */
export const INCIDENT_ID_RULE = "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

export function runWorkflowId(runbookId: string, incidentId: string, mode: RunMode): string {
  const prefix = mode === 'live' ? 'quell' : 'quell-tabletop';
  return `${prefix}:${runbookId}:${incidentId}`;
}
