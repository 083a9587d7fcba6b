/**
 * The facilitator's controls from Slack: status, pause, resume, inject, skip, follow-up, note, end. Each
 * first reads the drill's own facilitator groups (its state, a query that changes nothing) and
 * checks the person against them; only then is the control sent, as a checked Update carrying
 * the person's Slack id. A command Slack delivers twice is one Update (its trigger_id is the
 * update id).
 */
import { endDrill, getDrillState, injectNow, noteDrill, pauseDrill, resumeDrill, skipInject, startFollowUp } from '../../../client/drills';
import { QuellClientError } from '../../../client/errors';
import type { DrillState } from '../../../common/drill-state';
import type { DrillControlCommand } from '../../drill-command-text';
import { checkFacilitator } from '../../drill-facilitators';
import {
  renderDrillStatus,
  renderEnding,
  renderFollowUpStarted,
  renderInjectSettled,
  renderNoted,
  renderNotFacilitator,
  renderPaused,
  renderResumed,
  renderUnresolved,
} from '../../drill-text';
import { START_WAIT_MS, drillThread } from '../../drill-thread';
import { code } from '../../text';
import type { CommandRequest } from './request';

/** What the person asked to do, for a refusal ("You may not pause drill `…`"). */
function doing(command: DrillControlCommand): string {
  const drill = `drill ${code(command.drillId)}`;
  switch (command.kind) {
    case 'status':
      return `see ${drill}`;
    case 'inject':
      return `fire inject ${code(command.injectId)} of ${drill}`;
    case 'skip':
      return `skip inject ${code(command.injectId)} of ${drill}`;
    case 'follow-up':
      return `start the follow-up of ${code(command.injectId)} of ${drill}`;
    case 'note':
      return `add a note to ${drill}`;
    default:
      return `${command.kind} ${drill}`;
  }
}

export async function drillControl(request: CommandRequest, command: DrillControlCommand): Promise<string> {
  const { ctx, body, client } = request;
  const state = await readDrill(request, command.drillId);
  const refusal = await facilitatorRefusal(request, state.participants.facilitators, doing(command), { drillId: command.drillId, control: command.kind });
  if (refusal) return refusal;
  const actor = { actor: body.user_id, via: 'slack' as const };
  const options = { updateId: `slack:${body.user_id}:${body.trigger_id}` };
  switch (command.kind) {
    case 'status':
      return renderDrillStatus(state, await drillThread(ctx, client, state.childWorkflowId, 0));
    case 'pause':
      return renderPaused(await pauseDrill(ctx.temporal, command.drillId, actor, options));
    case 'resume':
      return renderResumed(await resumeDrill(ctx.temporal, command.drillId, actor, options));
    case 'inject':
      return renderInjectSettled(command.drillId, await injectNow(ctx.temporal, command.drillId, { ...actor, injectId: command.injectId }, options));
    case 'skip':
      return renderInjectSettled(command.drillId, await skipInject(ctx.temporal, command.drillId, { ...actor, injectId: command.injectId }, options));
    case 'follow-up': {
      const run = await startFollowUp(ctx.temporal, command.drillId, { ...actor, injectId: command.injectId }, options);
      return renderFollowUpStarted(command.drillId, run, await drillThread(ctx, client, run.workflowId, START_WAIT_MS));
    }
    case 'note':
      return renderNoted(command.drillId, (await noteDrill(ctx.temporal, command.drillId, { ...actor, text: command.text }, options)).drillMs);
    case 'end':
      await endDrill(ctx.temporal, command.drillId, { ...actor, ...(command.reason ? { reason: command.reason } : {}) }, options);
      return renderEnding(command.drillId);
  }
}

/**
 * Undefined when the person is a member of one of `groups`; otherwise the reply refusing `doing`
 * (logged with `about`): who may, or that membership could not be read.
 */
export async function facilitatorRefusal(request: CommandRequest, groups: readonly string[], doing: string, about: Record<string, string>): Promise<string | undefined> {
  const { ctx, body, client } = request;
  const check = await checkFacilitator(ctx, client, body.user_id, groups);
  if (check.allowed) return undefined;
  ctx.logger.info({ user: body.user_id, ...about, reason: check.reason }, 'drill command from Slack refused');
  return check.reason === 'unresolved' ? renderUnresolved(doing, check.message) : renderNotFacilitator(doing, check.groups);
}

/** The drill's state; an id of something that is not a drill (a run) is said so, not shown as a crash. */
export async function readDrill(request: CommandRequest, drillId: string): Promise<DrillState> {
  try {
    return await getDrillState(request.ctx.temporal, drillId);
  } catch (error) {
    if (error instanceof Error && error.name === 'QueryNotRegisteredError') {
      throw new QuellClientError('not-found', `${drillId} is not a drill (it answers no drill state); /quell drill status <drill id> takes ids like quell-drill:<scenario>:<exercise>`, { cause: error });
    }
    throw error;
  }
}
