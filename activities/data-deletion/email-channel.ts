/**
 * Deletion requests by e-mail to the vendor's privacy address (cc as configured), through the
 * shared `smtp` connector. The Message-ID is derived from the reference id, and the reference is
 * repeated in the subject and in an `X-Quell-Reference` header, so a resend is recognisably the
 * same request to people and to mail software alike.
 *
 * SMTP has no idempotency key. The action's delivery log prevents a second message once a send
 * was recorded; what it cannot prevent is the window between the server's final "250 OK" and the
 * log's fsync. An attempt that dies inside that window is sent again, with the same Message-ID.
 */
import { notFoundFailure } from '../../connectors/failures';
import type { DeletionRequest, Mailer } from '../../connectors/message-roles';
import type { SendResult } from '../notify/deliver-once';
import { messageIdFor } from '../notify/delivery-id';
import { deletionLetter } from './letter';

export interface EmailVendor {
  connector: string;
  email: string;
  cc?: string[];
}

/** The Message-ID of the e-mail carrying `reference`. */
export function deletionMessageId(reference: string, mailer: Mailer): string {
  return messageIdFor(reference, 'deletion-request', mailer.senderDomain);
}

/** Sends the request once; throws classified failures. */
export async function emailDeletionRequest(mailer: Mailer, vendor: EmailVendor, request: DeletionRequest): Promise<SendResult> {
  const letter = deletionLetter(request, mailer.from);
  const receipt = await mailer.send({
    to: [vendor.email],
    ...(vendor.cc?.length ? { cc: vendor.cc } : {}),
    subject: letter.subject,
    text: letter.text,
    messageId: deletionMessageId(request.reference, mailer),
    headers: { 'X-Quell-Reference': request.reference, 'X-Quell-Run': request.workflowId },
    operation: `deletion request ${request.reference} to ${vendor.email}`,
  });
  if (!receipt.accepted.some((address) => address.toLowerCase() === vendor.email.toLowerCase())) {
    // Only a cc was accepted: the vendor's privacy team did not get it, and retrying will not help.
    throw notFoundFailure({ connector: vendor.connector, operation: `deletion request ${request.reference}` }, `the mail server refused ${vendor.email} (${receipt.response})`);
  }
  return { receipt: { message_id: receipt.messageId, smtp_response: receipt.response, accepted: receipt.accepted } };
}
