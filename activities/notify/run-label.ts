/**
 * How outgoing messages name the run they come from. Live workflow ids are
 * `quell:<runbook>:<incident>` (workflows/ids.ts); people recognise the incident id, so messages
 * lead with it and keep the full workflow id for look-ups.
 */
const RUN_ID = /^quell(?:-tabletop)?:[^:]+:(.+)$/;

/** The incident id inside a run's workflow id, or the workflow id itself when it has another shape. */
export function incidentOf(workflowId: string): string {
  return RUN_ID.exec(workflowId)?.[1] ?? workflowId;
}
