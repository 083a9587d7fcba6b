/**
 * `/quell status [run id | incident id]`. A run id answers with that run; an incident id with
 * its run (or a list when it has several, e.g. live and tabletop); nothing with the person's
 * own open runs.
 */
import { listRuns } from '../../../client/list-runs';
import { getRunState } from '../../../client/runs';
import type { QuellCommand } from '../../command-text';
import { renderRunList, renderRunStatus } from '../../run-text';
import { code } from '../../text';
import type { CommandRequest } from './request';

export async function statusCommand(request: CommandRequest, command: Extract<QuellCommand, { kind: 'status' }>): Promise<void> {
  const { ctx, body } = request;
  if (command.run?.includes(':')) {
    await request.reply(renderRunStatus(await getRunState(ctx.temporal, command.run)));
    return;
  }
  if (command.run) {
    const runs = await listRuns(ctx.temporal, { taskQueue: ctx.taskQueue, incidentId: command.run, limit: 10 });
    if (runs.length === 1) return request.reply(renderRunStatus(await getRunState(ctx.temporal, runs[0].workflowId)));
    if (runs.length === 0) {
      return request.reply(`:grey_question: No run for incident ${code(command.run)}. Run ids look like ${code('quell:credential-compromise:INC-42')}; ${code('/quell list')} shows open runs.`);
    }
    return request.reply(renderRunList(runs, `Runs for incident ${code(command.run)}`));
  }
  const mine = await listRuns(ctx.temporal, { taskQueue: ctx.taskQueue, open: true, requestedBy: body.user_id, limit: 10 });
  if (mine.length === 1) return request.reply(renderRunStatus(await getRunState(ctx.temporal, mine[0].workflowId)));
  if (mine.length === 0) return request.reply(`You have no open runs. ${code('/quell list')} shows every open run; ${code('/quell status <run id>')} shows one.`);
  await request.reply(renderRunList(mine, 'Your open runs'));
}
