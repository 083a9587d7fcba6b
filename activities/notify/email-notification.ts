/**
 * Sends one notification by e-mail: a single message to every `to` address, with a Message-ID
 * derived from the step's idempotency key. The delivery log makes a retry after a recorded send a
 * no-op. SMTP cannot be asked whether it already has a message, so an attempt that stopped after
 * the server accepted the message but before the log recorded it is sent again on retry; the
 * identical Message-ID lets mail clients and people recognise it as the same message.
 */
import type { Mailer } from '../../connectors/message-roles';
import type { ActionContext } from '../../connectors/action-context';
import { deliverOnce, type DeliveryOutcome } from './deliver-once';
import { messageIdFor } from './delivery-id';
import type { DeliveryLog } from './delivery-log';
import { incidentOf } from './run-label';

const SUBJECT_MAX = 90;

export interface EmailNotification {
  deliveryId: string;
  to: string[];
  message: string;
}

/** Sends the notification unless the log has it as delivered; throws classified failures. */
export async function emailNotification(mailer: Mailer, log: DeliveryLog, notification: EmailNotification, context: ActionContext): Promise<DeliveryOutcome> {
  const messageId = messageIdFor(notification.deliveryId, 'notify', mailer.senderDomain);
  return deliverOnce(
    log,
    `${context.idempotencyKey}#email`,
    () => ({ delivery_id: notification.deliveryId, message_id: messageId }),
    async () => {
      const receipt = await mailer.send({
        to: notification.to,
        subject: subjectFor(notification.message, incidentOf(context.workflowId)),
        text: `${notification.message}\n\n-- \nSent by Quell for run ${context.workflowId} (step ${context.stepId}).\n`,
        messageId,
        headers: { 'X-Quell-Reference': notification.deliveryId, 'X-Quell-Run': context.workflowId },
        operation: `notification ${notification.deliveryId} to ${notification.to.join(', ')}`,
      });
      return { receipt: { message_id: receipt.messageId, smtp_response: receipt.response, accepted: receipt.accepted, rejected: receipt.rejected } };
    },
  );
}

/** `[Quell INC-42] <first line of the message>`, shortened to fit a mail client's list. */
function subjectFor(message: string, incident: string): string {
  const firstLine = message.split('\n')[0].trim();
  const short = firstLine.length > SUBJECT_MAX ? `${firstLine.slice(0, SUBJECT_MAX - 3)}...` : firstLine;
  return `[Quell ${incident}] ${short}`;
}
