/**
 * Turns what nodemailer reports into Quell's failure classes. SMTP already says whether a refusal
 * is final: 5xx replies are permanent (the same message would be refused again), 4xx replies are
 * "try later". Connection problems carry no reply at all and are always worth another attempt.
 */
import type { ApplicationFailure } from '@temporalio/common';
import type { NodemailerError } from 'nodemailer';
import {
  authFailure,
  invalidFailure,
  isClassified,
  notConfiguredFailure,
  notFoundFailure,
  unavailableFailure,
  type FailureSite,
} from '../failures';

/** Replies that mean "no such mailbox / not accepted for this address". */
const UNKNOWN_RECIPIENT_CODES = new Set([550, 551, 553]);

/** Classifies an error thrown by nodemailer's `sendMail` or `verify`. */
export function smtpFailure(site: FailureSite, error: unknown): ApplicationFailure {
  if (isClassified(error)) return error;
  const problem = (error ?? {}) as NodemailerError;
  const said = problem.response ? `: ${oneLine(problem.response)}` : '';
  switch (problem.code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return authFailure(site, `the SMTP server refused the login${said}`, error);
    case 'ETLS':
    case 'EREQUIRETLS':
      // A certificate or STARTTLS mismatch stays until someone changes the server or the file.
      return notConfiguredFailure(site, `TLS is required but could not be set up (${problem.message})`);
  }
  if (typeof problem.responseCode === 'number') {
    const permanent = problem.permanent ?? (problem.responseCode >= 500 && problem.responseCode !== 503);
    if (!permanent) return unavailableFailure(site, `the SMTP server asked to try later${said}`, error);
    if (problem.code === 'EENVELOPE' && UNKNOWN_RECIPIENT_CODES.has(problem.responseCode)) {
      return notFoundFailure(site, `recipient refused${problem.recipient ? ` (${problem.recipient})` : ''}${said}`, error);
    }
    return invalidFailure(site, `the SMTP server refused the message${said}`, error);
  }
  const reason = problem.originalCode ?? problem.code ?? problem.message ?? String(error);
  return unavailableFailure(site, `cannot reach the SMTP server (${reason})`, error);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
