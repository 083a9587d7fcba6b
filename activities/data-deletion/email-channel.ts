/**
 * Deletion requests by e-mail to the vendor's privacy address, through the shared vendor mail
 * path (../vendor-request/vendor-mail.ts says what a resend looks like and what SMTP cannot
 * guarantee).
 */
import type { DeletionRequest, Mailer } from '../../connectors/message-roles';
import type { SendResult } from '../notify/deliver-once';
import { emailVendor, type EmailVendor } from '../vendor-request/vendor-mail';
import { deletionLetter } from './letter';

/** Sends the request once; throws classified failures. */
export function emailDeletionRequest(mailer: Mailer, vendor: EmailVendor, request: DeletionRequest): Promise<SendResult> {
  return emailVendor(mailer, vendor, {
    reference: request.reference,
    workflowId: request.workflowId,
    label: 'deletion request',
    purpose: 'deletion-request',
    letter: deletionLetter(request, mailer.from),
  });
}
