/** Modal submissions (callback ids: slack/blocks/interaction-ids.ts). */
import type { App } from '@slack/bolt';
import type { AppContext } from '../../context';
import { CallbackId } from '../../blocks/interaction-ids';
import { cancelReasonSubmission } from './cancel-reason';
import { decisionFormSubmission } from './decision-form';
import { outputsFormSubmission } from './outputs-form';
import { rejectReasonSubmission } from './reject-reason';
import { startRunSubmission } from './start-run';

export function register(app: App, ctx: AppContext): void {
  app.view(CallbackId.startRun, startRunSubmission(ctx));
  app.view(CallbackId.rejectReason, rejectReasonSubmission(ctx));
  app.view(CallbackId.cancelReason, cancelReasonSubmission(ctx));
  app.view(CallbackId.decisionForm, decisionFormSubmission(ctx));
  app.view(CallbackId.outputsForm, outputsFormSubmission(ctx));
}
