/**
 * `/quell start <runbook> [tabletop]`: opens the runbook's form (views.open). The trigger_id
 * expires about 3 s after the command, so the form opens before anything slow; the run itself
 * starts when the form is submitted (listeners/views/start-run.ts).
 */
import { closestMatch } from '../../../common/suggest';
import type { QuellCommand } from '../../command-text';
import { slackError } from '../../reply';
import { loadCatalogue, runbookIds } from '../../runbooks';
import { ModalTooLargeError, buildStartModal } from '../../start-modal';
import { code, escape } from '../../text';
import type { CommandRequest } from './request';

export async function startCommand(request: CommandRequest, command: Extract<QuellCommand, { kind: 'start' }>): Promise<void> {
  const { ctx, body, client } = request;
  const catalogue = await loadCatalogue(ctx.runbooksDir);
  const found = catalogue.runbooks.find((entry) => entry.runbook.id === command.runbook);
  if (!found) {
    const ids = runbookIds(catalogue);
    const suggestion = closestMatch(command.runbook, ids);
    const broken = catalogue.broken.length > 0 ? ` (${catalogue.broken.length} runbook file(s) have errors and are not offered: run ${code('quell lint')})` : '';
    await request.reply(
      `:grey_question: There is no runbook ${code(command.runbook)}.${suggestion ? ` Did you mean ${code(`/quell start ${suggestion}`)}?` : ''}\n` +
        `Runbooks: ${ids.length > 0 ? ids.map(code).join(', ') : '_none_'}${broken}`,
    );
    return;
  }
  let view;
  try {
    view = buildStartModal(found.runbook, { sha256: found.sha256, channelId: body.channel_id, tabletop: command.tabletop });
  } catch (error) {
    if (error instanceof ModalTooLargeError) return request.reply(`:warning: ${escape(error.message)}`);
    throw error;
  }
  try {
    await client.views.open({ trigger_id: body.trigger_id, view });
  } catch (error) {
    const problem = slackError(error);
    ctx.logger.warn({ err: problem, runbook: found.runbook.id }, 'start form could not be opened');
    await request.reply(
      problem.error === 'expired_trigger_id'
        ? ':hourglass: Slack gave Quell too little time to open the form. Run the command again.'
        : `:warning: The form for ${code(found.runbook.id)} could not be opened (${escape(problem.error ?? problem.message)}).`,
    );
  }
}
