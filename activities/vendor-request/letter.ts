/**
 * The e-mail a vendor's team receives for a `vendor.request`: a subject that carries the
 * reference (so replies thread and can be matched) and a plain-text body that says, in one
 * place, what is asked, about which incident, and by when. Nothing secret goes in it.
 */
import type { VendorRequestKind } from '../../common/action-schemas/vendor';
import type { Mailer, VendorRequest } from '../../connectors/message-roles';
import type { SendResult } from '../notify/deliver-once';
import { emailVendor, type EmailVendor, type Letter } from './vendor-mail';
import { kindTitle } from './request';

export function vendorRequestLetter(request: VendorRequest, sender: string): Letter {
  const title = kindTitle(request.kind as VendorRequestKind);
  // For `other` the details are the request itself, already stated above the facts.
  const details = request.kind !== 'other' && request.details ? request.details : undefined;
  const facts: Array<[string, string]> = [
    ['Reference', request.reference],
    ['Request', request.kind],
    ...(details ? ([['Details', details]] as Array<[string, string]>) : []),
    ...(request.incidentReference ? ([['Incident reference', request.incidentReference]] as Array<[string, string]>) : []),
    ['Incident', `${request.incident} (Quell run ${request.workflowId})`],
    ['Due date', `${request.dueDate} (UTC)`],
  ];
  const width = Math.max(...facts.map(([label]) => label.length)) + 2;
  const text = [
    `Dear ${request.vendorName} team,`,
    '',
    'In connection with the security incident named below, we ask you for:',
    '',
    `  ${request.asked}`,
    '',
    ...facts.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    `Please answer by ${request.dueDate}, replying to this message and quoting`,
    `the reference ${request.reference}. If you cannot meet the due date, tell`,
    'us by reply before then.',
    '',
    'Regards,',
    sender,
    '',
    '-- ',
    `Sent by Quell. Reference ${request.reference}; requested ${request.requestedAt}.`,
    '',
  ].join('\n');
  return { subject: `${title} request ${request.reference}: please answer by ${request.dueDate}`, text };
}

/** Sends the request once through the shared vendor mail path; throws classified failures. */
export function emailVendorRequest(mailer: Mailer, vendor: EmailVendor, request: VendorRequest): Promise<SendResult> {
  return emailVendor(mailer, vendor, {
    reference: request.reference,
    workflowId: request.workflowId,
    label: `${request.kind} request`,
    purpose: 'vendor-request',
    letter: vendorRequestLetter(request, mailer.from),
  });
}
