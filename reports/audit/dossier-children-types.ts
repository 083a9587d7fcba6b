/**
 * The dossier's entries for runs that start other runs and runs that change their severity: a
 * child run as its parent's history shows it, and the severity declared, changed and final.
 */

/**
 * A `runbook:` step's child run as the parent's history shows it (the child-workflow events):
 * which runbook it ran, when it started and closed, how it ended. The child's own steps are in
 * its own dossier, exported by its workflow id.
 */
export interface ChildRunEntryData {
  stepId: string;
  /** Inside a loop: the loop and the item. */
  parent?: string;
  item?: number;
  workflowId: string;
  runbookId: string;
  version: number;
  /** StartChildWorkflowExecutionInitiated. */
  initiatedAt?: string;
  initiatedEventId?: number;
  /** ChildWorkflowExecutionStarted. */
  startedAt?: string;
  startedEventId?: number;
  /** ChildWorkflowExecutionCompleted, Failed, Canceled, Terminated or TimedOut. */
  closedAt?: string;
  closedEventId?: number;
  /** How the child ended: its own status (completed, failed, cancelled…), else the close event's, else `running`. */
  status: string;
  /** The named outcome of the child's end step, if one ended it. */
  outcome?: string;
  /** The step's output (the child's status, outcome and step outputs), shortened. */
  outputSummary?: string;
  error?: string;
  /** The command that exports the child's own dossier. */
  ownDossier: string;
}

/** One re-grade of the run by a `severity` step, citing the search attribute update that set it. */
export interface SeverityChangeData {
  from: string;
  to: string;
  step: string;
  at: string;
  reason?: string;
  /** The UpsertWorkflowSearchAttributes event that set QuellSeverity to `to`. */
  eventId?: number;
}

/** The severity the runbook declares, the one the run ended with, and each change between. */
export interface SeverityData {
  declared: string;
  final: string;
  changes: SeverityChangeData[];
}
