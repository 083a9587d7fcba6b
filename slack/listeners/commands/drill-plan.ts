/**
 * `/quell drill plan add|list <drill id> …`: the improvement plan facilitators fill in after a
 * drill (client/drill-debrief.ts). Like the drill's controls, the drill's own facilitator groups
 * are read first (its state, a query that changes nothing) and the person checked against them;
 * only then is the item sent, in the person's Slack id, or the plan read.
 */
import { addPlanItem, listPlanItems } from '../../../client/drill-debrief';
import { slackWorded } from '../../drill-client-errors';
import type { DrillPlanCommand } from '../../drill-plan-command-text';
import { renderPlan, renderPlanItemAdded } from '../../drill-plan-text';
import { code } from '../../text';
import { facilitatorRefusal, readDrill } from './drill-controls';
import type { CommandRequest } from './request';

export async function drillPlan(request: CommandRequest, command: DrillPlanCommand): Promise<string> {
  const { ctx, body } = request;
  const { drillId } = command;
  const state = await slackWorded(() => readDrill(request, drillId));
  const doing = command.op === 'add' ? `add to the improvement plan of drill ${code(drillId)}` : `see the improvement plan of drill ${code(drillId)}`;
  const refusal = await facilitatorRefusal(request, state.participants.facilitators, doing, { drillId, control: `plan ${command.op}` });
  if (refusal) return refusal;
  if (command.op === 'list') return renderPlan(drillId, await slackWorded(() => listPlanItems(ctx.temporal, drillId)));
  const item = await slackWorded(() => addPlanItem(ctx.temporal, drillId, { ...command.item, actor: body.user_id, via: 'slack' }, { taskQueue: ctx.taskQueue }));
  ctx.logger.info({ drillId, item: item.id, user: body.user_id }, 'improvement plan item added from Slack');
  return renderPlanItemAdded(drillId, item);
}
