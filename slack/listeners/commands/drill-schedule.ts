/**
 * `/quell drill schedule …`: facilitators put drills on a timetable (a Temporal Schedule, through
 * client/drill-schedules.ts) and steer those schedules from Slack.
 *
 * Who may: creating one takes a facilitator of the scenario; every other sub-command takes a
 * member of the facilitator groups frozen into the schedule when it was made (the participants
 * in its drills' input), read from the schedule first, like the controls of a drill. A refused
 * person changes nothing: create sends nothing to Temporal, the others only that read.
 *
 * `list` shows only the schedules the person may steer, and counts the rest: a schedule's next
 * run times tell players when a drill comes, which would spoil a drill meant as a surprise, and
 * people who may not steer a schedule have nothing to do with it here.
 */
import type { WebClient } from '@slack/web-api';
import {
  createDrillSchedule,
  deleteDrillSchedule,
  describeDrillSchedule,
  listDrillSchedules,
  pauseDrillSchedule,
  resumeDrillSchedule,
  scheduledDrillWorkflowId,
  triggerDrillSchedule,
  type DrillScheduleView,
} from '../../../client/drill-schedules';
import { drillRunWorkflowId } from '../../../common/drill-state';
import type { AppContext } from '../../context';
import { slackWorded } from '../../drill-client-errors';
import { checkFacilitator } from '../../drill-facilitators';
import { loadDrillScenarios } from '../../drill-scenarios';
import type { DrillScheduleCommand } from '../../drill-schedule-command-text';
import {
  renderDeletePreview,
  renderScheduleCreated,
  renderScheduleDeleted,
  renderScheduleList,
  renderSchedulePaused,
  renderScheduleResumed,
  renderScheduleTriggered,
} from '../../drill-schedule-text';
import { renderNoScenario } from '../../drill-text';
import { START_WAIT_MS, drillThread } from '../../drill-thread';
import { code } from '../../text';
import { facilitatorRefusal } from './drill-controls';
import type { CommandRequest } from './request';

type SteerCommand = Extract<DrillScheduleCommand, { op: 'pause' | 'resume' | 'trigger' | 'delete' }>;

export async function drillSchedule(request: CommandRequest, command: DrillScheduleCommand): Promise<string> {
  switch (command.op) {
    case 'create':
      return createSchedule(request, command);
    case 'list':
      return listSchedules(request);
    default:
      return steerSchedule(request, command);
  }
}

async function createSchedule(request: CommandRequest, command: Extract<DrillScheduleCommand, { op: 'create' }>): Promise<string> {
  const { ctx, body } = request;
  const { scenarios } = await loadDrillScenarios(ctx.runbooksDir);
  const found = scenarios.find((entry) => entry.scenario.scenario === command.scenario);
  if (!found) return renderNoScenario(command.scenario, scenarios.map((entry) => entry.scenario.scenario), '/quell drill schedule');
  const doing = `schedule drills of scenario ${code(found.scenario.scenario)}`;
  const refusal = await facilitatorRefusal(request, found.scenario.participants.facilitators, doing, { scenario: found.scenario.scenario, control: 'schedule create' });
  if (refusal) return refusal;
  const { every, cron, jitter, name, note } = command;
  const view = await slackWorded(() =>
    createDrillSchedule(ctx.temporal, {
      scenario: found.scenario,
      scenarioSha256: found.sha256,
      runbook: found.runbook.runbook,
      runbookSha256: found.runbook.sha256,
      followUpRunbooks: found.followUpRunbooks,
      ...(every !== undefined ? { every } : {}),
      ...(cron !== undefined ? { cron } : {}),
      ...(jitter !== undefined ? { jitter } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(note !== undefined ? { note } : {}),
      requestedBy: body.user_id,
      requestedVia: 'slack',
      taskQueue: ctx.taskQueue,
    }),
  );
  ctx.logger.info({ scheduleId: view.scheduleId, user: body.user_id }, 'drill schedule created from Slack');
  return renderScheduleCreated(view, `${scheduledDrillWorkflowId(found.scenario.scenario, name)}-<scheduled time>`);
}

async function listSchedules(request: CommandRequest): Promise<string> {
  const { ctx, body, client } = request;
  const views = await slackWorded(() => listDrillSchedules(ctx.temporal));
  const facilitates = facilitatorOf(ctx, client, body.user_id);
  const shown: DrillScheduleView[] = [];
  const unchecked = new Set<string>();
  let hidden = 0;
  for (const view of views) {
    const check = await facilitates(view.facilitators);
    if (check.allowed) shown.push(view);
    else hidden += 1;
    if (!check.allowed && check.reason === 'unresolved') unchecked.add(`Some schedules may be missing: Quell could not check whether you facilitate them (${check.message})`);
  }
  return renderScheduleList(shown, hidden, [...unchecked]);
}

/** One membership check per set of facilitator groups, however many schedules share it. */
function facilitatorOf(ctx: AppContext, client: WebClient, userId: string) {
  const answers = new Map<string, ReturnType<typeof checkFacilitator>>();
  return (groups: readonly string[]) => {
    const key = JSON.stringify([...groups].sort());
    let answer = answers.get(key);
    if (!answer) {
      answer = checkFacilitator(ctx, client, userId, groups);
      answers.set(key, answer);
    }
    return answer;
  };
}

async function steerSchedule(request: CommandRequest, command: SteerCommand): Promise<string> {
  const { ctx, body, client } = request;
  const { scheduleId } = command;
  const view = await slackWorded(() => describeDrillSchedule(ctx.temporal, scheduleId));
  const doing = `${command.op} drill schedule ${code(scheduleId)}`;
  const refusal = await facilitatorRefusal(request, view.facilitators, doing, { scheduleId, control: `schedule ${command.op}` });
  if (refusal) return refusal;
  const actor = body.user_id;
  switch (command.op) {
    case 'pause':
      await slackWorded(() => pauseDrillSchedule(ctx.temporal, scheduleId, { actor, ...(command.note !== undefined ? { note: command.note } : {}) }));
      return renderSchedulePaused(scheduleId);
    case 'resume':
      await slackWorded(() => resumeDrillSchedule(ctx.temporal, scheduleId, { actor }));
      return renderScheduleResumed(await slackWorded(() => describeDrillSchedule(ctx.temporal, scheduleId)));
    case 'trigger': {
      const triggered = await slackWorded(() => triggerDrillSchedule(ctx.temporal, scheduleId));
      ctx.logger.info({ scheduleId, drillId: triggered.drillId, user: actor }, 'drill schedule triggered from Slack');
      if (!triggered.drillId) return renderScheduleTriggered(scheduleId);
      const runWorkflowId = drillRunWorkflowId(triggered.drillId);
      return renderScheduleTriggered(scheduleId, { drillId: triggered.drillId, runWorkflowId, thread: await drillThread(ctx, client, runWorkflowId, START_WAIT_MS) });
    }
    case 'delete': {
      if (!command.confirmed) return renderDeletePreview(view);
      const deleted = await slackWorded(() => deleteDrillSchedule(ctx.temporal, scheduleId));
      ctx.logger.info({ scheduleId, user: actor, runningDrills: deleted.runningDrills }, 'drill schedule deleted from Slack');
      return renderScheduleDeleted(deleted);
    }
  }
}
