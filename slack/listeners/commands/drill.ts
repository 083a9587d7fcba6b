/**
 * `/quell drill …`: facilitators start and steer tabletop drills from Slack (controls in
 * ./drill-controls.ts, schedules in ./drill-schedule.ts, the improvement plan in ./drill-plan.ts).
 * Only members of the facilitator groups may act, as the approvers file defines them
 * (slack/drill-facilitators.ts); anyone else is told who may, and nothing reaches Temporal but,
 * for a control, the read of the drill's (or schedule's) own facilitator groups. Every reply is
 * ephemeral and opens with the exercise banner.
 */
import { startDrill } from '../../../client/drills';
import { drillRunWorkflowId } from '../../../common/drill-state';
import type { QuellCommand } from '../../command-text';
import { parseDrillCommand, type DrillCommand } from '../../drill-command-text';
import { checkFacilitator } from '../../drill-facilitators';
import { loadDrillScenarios } from '../../drill-scenarios';
import { drillReply, renderDrillHelp, renderDrillStarted, renderDrillUsage, renderNoScenario, renderNotFacilitator, renderUnknownDrillCommand, renderUnresolved } from '../../drill-text';
import { START_WAIT_MS, drillThread } from '../../drill-thread';
import { failureText } from '../../reply';
import { code } from '../../text';
import { drillControl } from './drill-controls';
import { drillPlan } from './drill-plan';
import { drillSchedule } from './drill-schedule';
import type { CommandRequest } from './request';

export async function drillCommand(request: CommandRequest, command: Extract<QuellCommand, { kind: 'drill' }>): Promise<void> {
  const parsed = parseDrillCommand(command.text);
  const reply = (text: string) => request.reply(drillReply(text));
  try {
    switch (parsed.kind) {
      case 'help':
        return await reply(await drillHelp(request));
      case 'usage':
        return await reply(renderDrillUsage(parsed.problem, parsed.usage));
      case 'unknown':
        return await reply(renderUnknownDrillCommand(parsed.word, parsed.suggestion));
      case 'start':
        return await reply(await startCommand(request, parsed));
      case 'schedule':
        return await reply(await drillSchedule(request, parsed));
      case 'plan':
        return await reply(await drillPlan(request, parsed));
      default:
        return await reply(await drillControl(request, parsed));
    }
  } catch (error) {
    await reply(failureText(error, request.ctx.logger, `run /quell drill ${parsed.kind}${'op' in parsed ? ` ${parsed.op}` : ''}`));
  }
}

async function startCommand(request: CommandRequest, command: Extract<DrillCommand, { kind: 'start' }>): Promise<string> {
  const { ctx, body, client } = request;
  const { scenarios } = await loadDrillScenarios(ctx.runbooksDir);
  const found = scenarios.find((entry) => entry.scenario.scenario === command.scenario);
  if (!found) return renderNoScenario(command.scenario, scenarios.map((entry) => entry.scenario.scenario), '/quell drill start');
  const doing = `start scenario ${code(found.scenario.scenario)}`;
  const check = await checkFacilitator(ctx, client, body.user_id, found.scenario.participants.facilitators);
  if (!check.allowed) {
    ctx.logger.info({ user: body.user_id, scenario: found.scenario.scenario, reason: check.reason }, 'drill start from Slack refused');
    return check.reason === 'unresolved' ? renderUnresolved(doing, check.message) : renderNotFacilitator(doing, check.groups);
  }
  const exerciseId = command.exerciseId ?? newExerciseId();
  const handle = await startDrill(ctx.temporal, {
    scenario: found.scenario,
    scenarioSha256: found.sha256,
    runbook: found.runbook.runbook,
    runbookSha256: found.runbook.sha256,
    exerciseId,
    requestedBy: body.user_id,
    requestedVia: 'slack',
    taskQueue: ctx.taskQueue,
    followUpRunbooks: found.followUpRunbooks,
  });
  ctx.logger.info({ drillId: handle.workflowId, user: body.user_id, facilitatorGroup: check.group }, 'drill started from Slack');
  const childWorkflowId = drillRunWorkflowId(handle.workflowId);
  const thread = await drillThread(ctx, client, childWorkflowId, START_WAIT_MS);
  return renderDrillStarted({ drillId: handle.workflowId, title: found.scenario.title, scenario: found.scenario.scenario, exerciseId, childWorkflowId, thread });
}

async function drillHelp(request: CommandRequest): Promise<string> {
  try {
    const { scenarios, broken } = await loadDrillScenarios(request.ctx.runbooksDir);
    const listed = scenarios.map(({ scenario }) => ({ id: scenario.scenario, title: scenario.title, facilitators: scenario.participants.facilitators }));
    return renderDrillHelp(listed, broken);
  } catch (error) {
    request.ctx.logger.warn({ err: error, runbooksDir: request.ctx.runbooksDir }, 'drill scenarios could not be read');
    return renderDrillHelp([], 0);
  }
}

/** "20261205-033640" (UTC), as `quell drill start` names an exercise when none is given. */
function newExerciseId(): string {
  return new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}
