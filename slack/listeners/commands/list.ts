/** `/quell list`: open runs of this deployment (its task queue), newest first. */
import { listRuns } from '../../../client/list-runs';
import { renderRunList } from '../../run-text';
import { code } from '../../text';
import type { CommandRequest } from './request';

const SHOWN = 20;

export async function listCommand(request: CommandRequest): Promise<void> {
  const runs = await listRuns(request.ctx.temporal, { taskQueue: request.ctx.taskQueue, open: true, limit: SHOWN + 1 });
  const more = runs.length > SHOWN ? `\n…and more; ${code('quell status')} or the Temporal UI show the rest.` : '';
  await request.reply(`${renderRunList(runs.slice(0, SHOWN), 'Open runs')}${more}`);
}
