/**
 * What starts a run. The parsed runbook travels inside the input (with its sha256), so the
 * history records exactly what ran and later edits to the YAML cannot break replay.
 *
 * Workflow-safe: types only.
 */
import type { Runbook } from '../runbooks/schema';
import type { BusinessCalendar } from '../common/business-days';
import type { DecisionSource, RunMode } from '../common/run-state';

export interface RunRunbookInput {
  runbook: Runbook;
  runbookSha256: string;
  /** Inputs already validated and coerced against the runbook's input declarations. */
  inputs: Record<string, unknown>;
  mode: RunMode;
  requestedBy: string;
  requestedVia: DecisionSource;
  incidentId: string;
  /** Set when a drill started this run (always tabletop): the run then takes the drill's injects. */
  drill?: { drillId: string };
  /**
   * The business calendar (QUELL_CALENDAR_FILE) as it was when the run started, so durations in
   * business days (`3bd`) count the same days on every replay. Absent: none was configured, and
   * `bd` counts Monday to Friday in UTC with no holidays.
   */
  calendar?: BusinessCalendar;
  /**
   * Every runbook a `runbook:` step of this run (or of its children, at any depth) starts, loaded
   * when the run was requested: the history records exactly what each child ran.
   */
  childRunbooks?: Record<string, { runbook: Runbook; sha256: string }>;
  /** Set on a child run: the run and step that started it. */
  parent?: { workflowId: string; stepId: string };
}
