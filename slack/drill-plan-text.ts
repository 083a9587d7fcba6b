/**
 * What `/quell drill plan …` answers, as mrkdwn (the listener adds the exercise banner). Pure.
 * Findings, actions and owners are people's words: escaped, never markup.
 */
import type { ImprovementPlan } from '../reports/drill/report-types';
import type { PlanItemFields } from './drill-plan-command-text';
import { code, escape, escapeLine, when, who } from './text';

export function renderPlanItemAdded(drillId: string, item: PlanItemFields & { id: number }): string {
  return [
    `:clipboard: Item ${item.id} added to the improvement plan of drill ${code(drillId)}:`,
    ...itemLines(item),
    `${code(`/quell drill plan list ${drillId}`)} shows the plan.`,
  ].join('\n');
}

export function renderPlan(drillId: string, plan: ImprovementPlan): string {
  if (plan.status === 'not-started') {
    return `:clipboard: The improvement plan of drill ${code(drillId)} has no items yet. Add one: ${code(`/quell drill plan add ${drillId} finding "…" action "…" owner <who> due <YYYY-MM-DD>`)}`;
  }
  const status = plan.status === 'closed' ? `closed${plan.closedBy ? ` by ${who(plan.closedBy)}` : ''}${plan.closed ? `, ${when(plan.closed.at)}` : ''}` : 'open';
  const lines = [`:clipboard: *Improvement plan* of drill ${code(drillId)}: ${status}, ${plan.items.length} item${plan.items.length === 1 ? '' : 's'}`];
  for (const item of plan.items) lines.push(...itemLines(item), `      added by ${who(item.addedBy)}, ${when(item.addedAt)}`);
  return lines.join('\n');
}

function itemLines(item: PlanItemFields & { id: number }): string[] {
  const objective = item.objectiveId ? `  ·  objective ${code(item.objectiveId)}` : '';
  return [
    `*${item.id}.* ${escape(item.finding)}`,
    `      action: ${escape(item.action)}`,
    `      owner: ${escapeLine(item.owner)}  ·  due ${escapeLine(item.due)}${objective}`,
  ];
}
