/**
 * Ids the interpreter derives from a runbook's step ids, shared with the reports that read them
 * back from histories (reports/ cannot import workflows/). Workflow-safe: pure functions.
 */

/** `revoke-keys[2].deactivate`: the id of a loop's step for one item. */
export function itemStepId(loopId: string, index: number, innerId: string): string {
  return `${loopId}[${index}].${innerId}`;
}

/** `<parent>/<step>`: the child run a `runbook:` step starts, the same on every replay. */
export function childWorkflowId(parentWorkflowId: string, stepId: string): string {
  return `${parentWorkflowId}/${stepId}`;
}
