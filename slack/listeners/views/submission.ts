/** Shared by the modal submission listeners. */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { createHash } from 'node:crypto';
import type { ViewStateValues } from '../../payloads';

export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * Identifies one submission: the view and exactly what was in it. A replay carries the same
 * view and values; a corrected resubmission after `errors` differs in its values and goes through.
 */
export function submissionKey(viewId: string, values: ViewStateValues): string {
  return `view:${viewId}:${createHash('sha256').update(JSON.stringify(values)).digest('hex')}`;
}
