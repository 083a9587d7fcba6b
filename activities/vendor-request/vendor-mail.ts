/**
 * Vendor requests by e-mail to the vendor's configured address (cc as configured), through the
 * shared `smtp` connector. The Message-ID is derived from the reference id, and the reference is
 * repeated in the subject and in an `X-Quell-Reference` header, so a resend is recognisably the
 * same request to people and to mail software alike.
 *
 * SMTP has no idempotency key. The actions' delivery log prevents a second message once a send
 * was recorded; what it cannot prevent is the window between the server's final "250 OK" and the
 * log's fsync. An attempt that dies inside that window is sent again, with the same Message-ID.
 */
import { notFoundFailure } from '../../connectors/failures';
import type { Mailer } from '../../connectors/message-roles';
import type { SendResult } from '../notify/deliver-once';
import { messageIdFor } from '../notify/delivery-id';

/** Where an e-mail vendor's requests go. */
export interface EmailVendor {
  connector: string;
  email: string;
  cc?: string[];
}

export interface Letter {
  subject: string;
  text: string;
}

/** One request e-mail; everything but the letter identifies it. */
export interface VendorMail {
  reference: string;
  workflowId: string;
  /** What the request is called in failure messages: `deletion request`, `iocs request`. */
  label: string;
  /** The Message-ID's purpose part, e.g. `deletion-request`. */
  purpose: string;
  letter: Letter;
}

/** Sends the request once; throws classified failures. */
export async function emailVendor(mailer: Mailer, vendor: EmailVendor, mail: VendorMail): Promise<SendResult> {
  const receipt = await mailer.send({
    to: [vendor.email],
    ...(vendor.cc?.length ? { cc: vendor.cc } : {}),
    subject: mail.letter.subject,
    text: mail.letter.text,
    messageId: messageIdFor(mail.reference, mail.purpose, mailer.senderDomain),
    headers: { 'X-Quell-Reference': mail.reference, 'X-Quell-Run': mail.workflowId },
    operation: `${mail.label} ${mail.reference} to ${vendor.email}`,
  });
  if (!receipt.accepted.some((address) => address.toLowerCase() === vendor.email.toLowerCase())) {
    // Only a cc was accepted: the vendor's team did not get it, and retrying will not help.
    throw notFoundFailure({ connector: vendor.connector, operation: `${mail.label} ${mail.reference}` }, `the mail server refused ${vendor.email} (${receipt.response})`);
  }
  return { receipt: { message_id: receipt.messageId, smtp_response: receipt.response, accepted: receipt.accepted } };
}
