/**
 * The e-mail a vendor's privacy team receives: a subject that carries the reference (so replies
 * thread and can be matched) and a plain-text body that states, in one place, what is asked, on
 * what basis, about whom, and by when.
 */
import type { DeletionRequest } from '../../connectors/message-roles';
import type { Letter } from '../vendor-request/vendor-mail';
import { ALL_CATEGORIES } from './request';

export function deletionLetter(request: DeletionRequest, sender: string): Letter {
  const categories = request.dataCategories.length > 0 ? request.dataCategories : [ALL_CATEGORIES];
  const facts: Array<[string, string]> = [
    ['Reference', request.reference],
    ['Data categories', categories.join('; ')],
    ...(request.subjectPerson ? ([['Data subject', request.subjectPerson]] as Array<[string, string]>) : []),
    ['Legal basis', request.legalBasis],
    ['Incident', `${request.incident} (Quell run ${request.workflowId})`],
    ['Due date', `${request.dueDate} (UTC)`],
  ];
  const width = Math.max(...facts.map(([label]) => label.length)) + 2;
  const text = [
    `Dear ${request.vendorName} privacy team,`,
    '',
    'We ask you to return to us, and then delete, the personal data you',
    `process on our behalf described below${request.subjectPerson ? ',\nas far as it concerns the data subject named' : ''}.`,
    '',
    ...facts.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    'Please:',
    '1. return the data in a commonly used, machine-readable format, then',
    '   delete it, including copies in backups and at any sub-processors;',
    `2. confirm in writing by ${request.dueDate} that this is done, replying to`,
    `   this message and quoting the reference ${request.reference}.`,
    '',
    'If you cannot meet the due date, or hold none of this data, tell us',
    'by reply before then.',
    '',
    'Regards,',
    sender,
    '',
    '-- ',
    `Sent by Quell. Reference ${request.reference}; requested ${request.requestedAt}.`,
    '',
  ].join('\n');
  return { subject: `Data deletion request ${request.reference}: please confirm by ${request.dueDate}`, text };
}
