/**
 * The small "why?" modal behind Reject and `/quell cancel <id>` without a reason: both decisions
 * need a reason on record (the workflow refuses them without one). Pure.
 */
import type { ModalView } from '@slack/web-api';
import { z } from 'zod';
import { freeTextProblem } from '../client/request-rules';
import { LIMITS } from '../common/limits';
import type { ViewStateValues } from './payloads';
import { VALUE, fieldState } from './start-modal';
import { LIMIT, escape, plain, truncate } from './text';

export const REASON_BLOCK = 'quell.reason';

export interface ReasonModal {
  callbackId: string;
  title: string;
  submit: string;
  /** What is being decided, in mrkdwn (escaped by the caller where it holds people's text). */
  context: string;
  label: string;
  metadata: object;
}

export function buildReasonModal(modal: ReasonModal): ModalView {
  return {
    type: 'modal',
    callback_id: modal.callbackId,
    title: plain(modal.title, LIMIT.modalTitle),
    submit: plain(modal.submit, LIMIT.modalTitle),
    close: plain('Back', LIMIT.modalTitle),
    private_metadata: JSON.stringify(modal.metadata),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(modal.context, LIMIT.sectionText) } },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: plain(modal.label, LIMIT.label),
        element: { type: 'plain_text_input', action_id: VALUE, multiline: true, min_length: 1, max_length: LIMITS.reasonLength.value },
      },
    ],
  };
}

/** The run's rules for reasons (workflows/messages.ts), worded for the form. */
const Reason = z
  .string()
  .trim()
  .min(1, { message: 'A reason is required' })
  .superRefine((reason, ctx) => {
    const problem = freeTextProblem(reason);
    if (problem) ctx.addIssue({ code: 'custom', message: `The reason ${problem}` });
  });

export function readReason(values: ViewStateValues): { ok: true; reason: string } | { ok: false; errors: Record<string, string> } {
  const parsed = Reason.safeParse(fieldState(values, REASON_BLOCK)?.value ?? '');
  return parsed.success ? { ok: true, reason: parsed.data } : { ok: false, errors: { [REASON_BLOCK]: parsed.error.issues[0]?.message ?? 'Not valid' } };
}

/** "*Step* of run `id`" for the modal's context line. */
export function decisionContext(what: string, workflowId: string, stepId?: string): string {
  return `${what}${stepId ? ` step *${escape(stepId)}* of` : ''} run \`${escape(workflowId)}\``;
}
