/**
 * The improvement plan read back from the drillDebrief workflow's history: each item as the
 * workflow stored it (the result of its accepted addPlanItem Update), and whether the debrief is
 * still open. Pure.
 */
import { DEBRIEF_MESSAGES, drillDebriefWorkflowId, type DebriefState, type PlanItem } from './debrief-record';
import { isVia, text } from './drill-facts';
import type { HistoryView } from './history';
import { DUE_DATE_PATTERN, type ImprovementPlan, type PlanItemReport } from './report-types';

export function improvementPlan(drillId: string, debrief: HistoryView | undefined): ImprovementPlan {
  const debriefId = drillDebriefWorkflowId(drillId);
  if (!debrief?.started) return { debriefId, status: 'not-started', items: [] };
  const items: PlanItemReport[] = [];
  for (const { accepted, completed } of debrief.updates(DEBRIEF_MESSAGES.addItem)) {
    const item = completed?.ok ? (completed.result as Partial<PlanItem> | undefined) : undefined;
    if (!item || typeof item.id !== 'number' || !text(item.finding) || !text(item.action) || !text(item.owner) || !DUE_DATE_PATTERN.test(item.due ?? '')) continue;
    items.push({
      id: item.id,
      finding: item.finding!,
      action: item.action!,
      owner: item.owner!,
      due: item.due!,
      ...(text(item.objectiveId) ? { objectiveId: item.objectiveId } : {}),
      addedBy: text(item.addedBy) ?? 'unknown',
      addedVia: isVia(item.addedVia) ? item.addedVia : 'api',
      addedAt: new Date(Date.parse(item.addedAt ?? '') || accepted.timeMs).toISOString(),
      ref: debrief.ref(accepted),
    });
  }
  const closeRequest = debrief.updates(DEBRIEF_MESSAGES.close).find(({ completed }) => completed?.ok !== false);
  const closing = debrief.closing;
  const final = closing?.kind === 'workflow-completed' ? (closing.result as DebriefState | undefined) : undefined;
  if (!closeRequest && !closing) return { debriefId, status: 'open', items };
  const closedBy = text((closeRequest?.accepted.args[0] as { actor?: unknown } | undefined)?.actor)?.trim() ?? final?.closedBy ?? (closing?.kind === 'workflow-completed' ? 'idle' : 'temporal');
  const closedEvent = closeRequest?.accepted ?? closing!;
  return { debriefId, status: 'closed', closedBy, closed: { at: closedEvent.at, ref: debrief.ref(closedEvent) }, items };
}
