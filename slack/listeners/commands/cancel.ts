/**
 * `/quell cancel <run id> [reason…]`. With a reason the run is cancelled at once; without one a
 * modal asks for it (the workflow refuses a cancel without a reason). Who may cancel is the
 * workflow's decision (the requester, or an approver of the runbook); a refusal is shown as is.
 */
import { cancelRun } from '../../../client/runs';
import type { QuellCommand } from '../../command-text';
import { CallbackId } from '../../blocks/interaction-ids';
import type { CancelModalMetadata } from '../../payloads';
import { buildReasonModal, decisionContext } from '../../reason-modal';
import { slackError } from '../../reply';
import { code, escape } from '../../text';
import type { CommandRequest } from './request';

export async function cancelCommand(request: CommandRequest, command: Extract<QuellCommand, { kind: 'cancel' }>): Promise<void> {
  const { ctx, body, client } = request;
  if (!command.reason) {
    const metadata: CancelModalMetadata = { w: command.run, c: body.channel_id };
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: buildReasonModal({
          callbackId: CallbackId.cancelReason,
          title: 'Cancel run',
          submit: 'Cancel the run',
          context: `${decisionContext('Cancel', command.run)}: its completed steps are undone, newest first.`,
          label: 'Why? (kept in the run’s audit trail)',
          metadata,
        }),
      });
    } catch (error) {
      ctx.logger.warn({ err: slackError(error) }, 'cancel form could not be opened');
      await request.reply(`:warning: The form could not be opened. Give the reason on the command line: ${code(`/quell cancel ${command.run} <reason>`)}`);
    }
    return;
  }
  // The trigger_id is unique per invocation: the same command delivered twice is one update.
  await cancelRun(ctx.temporal, command.run, { actor: body.user_id, via: 'slack', reason: command.reason }, { updateId: `slack:${body.user_id}:${body.trigger_id}` });
  await request.reply(`:octagonal_sign: Cancelling ${code(command.run)}: “${escape(command.reason)}”. Completed steps are being undone; ${code(`/quell status ${command.run}`)} shows progress.`);
}
