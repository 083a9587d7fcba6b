/**
 * The improvement plan as the drillDebrief workflow keeps it and the report reads it back from
 * that workflow's history: the item shape, the names of its messages and the due-date rule.
 * Shared by workflows/drill-debrief.ts, the client and the report, so the three cannot drift.
 *
 * Workflow-safe: types, constants and pure functions; no imports.
 */

/** Every drill's debrief is one workflow with this id: the first item starts it. */
export function drillDebriefWorkflowId(drillId: string): string {
  return `${drillId}:debrief`;
}

export const DEBRIEF_MESSAGES = {
  addItem: 'addPlanItem',
  close: 'closeDebrief',
  state: 'debriefState',
} as const;

/** One line of the improvement plan: what was found, what will be done, by whom, by when. */
export interface PlanItem {
  /** 1, 2, 3 … in the order the debrief took them. */
  id: number;
  finding: string;
  action: string;
  owner: string;
  /** YYYY-MM-DD. */
  due: string;
  /** The scenario objective the finding is about, if any. */
  objectiveId?: string;
  addedBy: string;
  addedVia: 'cli' | 'slack' | 'api';
  addedAt: string;
}

export interface DebriefState {
  drillId: string;
  status: 'open' | 'closed';
  items: PlanItem[];
  /** Who closed it, or `idle` when it closed itself. */
  closedBy?: string;
  closedAt?: string;
}

/** Why `due` is not a calendar date written YYYY-MM-DD, or undefined. */
export function dueDateProblem(due: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(due);
  if (!match) return `"${due.slice(0, 40)}" is not a date: write YYYY-MM-DD, e.g. 2030-01-31`;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return `${due} is not a day of the calendar`;
  return undefined;
}
