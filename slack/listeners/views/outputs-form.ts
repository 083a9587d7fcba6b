/**
 * The form a wait's event button or a manual task's "Done" opens when the step declares
 * `outputs:`, generated from that declaration with the decision form's widgets
 * (./field-inputs.ts), and its submission. A field problem goes back onto its field before
 * anything is sent; a valid form reports the event with the values as its `payload`, or marks the
 * task done with them as its `fields`, under the update id of the click that opened the form. The
 * workflow has the last word (whether the step still waits, whether the values fit), and its
 * refusal reaches the person ephemerally, as it does for the buttons without a form.
 */
import type { KnownBlock, ModalView } from '@slack/web-api';
import { completeManual, deliverEvent, getRunState } from '../../../client/runs';
import type { FormFieldState, RunState, StepState } from '../../../common/run-state';
import { CallbackId } from '../../blocks/interaction-ids';
import type { AppContext } from '../../context';
import { clickUpdateId } from '../../dedupe';
import { OutputsModalMetadata, ViewSubmissionBody, parseJson } from '../../payloads';
import { failureText, tell } from '../../reply';
import { LIMIT, code, escape, plain, truncate } from '../../text';
import { fieldBlock, readFieldForm } from './field-inputs';
import { submissionKey, type SubmissionArgs } from './submission';

/** The step as the run shows it now and the fields it declares, or why it takes no report (plain text). */
export function openOutputs(state: RunState, stepId: string): { step: StepState; fields: FormFieldState[] } | { closed: string } {
  const step = state.steps.find((candidate) => candidate.id === stepId);
  if (!step) return { closed: `Run ${state.workflowId} has no step ${stepId}.` };
  // A task marked done but not yet settled has its actor already: it is closed too.
  if (step.status !== 'waiting' || step.actor !== undefined) return { closed: `Step ${stepId} of run ${state.workflowId} no longer waits (it is ${step.status}).` };
  return { step, fields: step.declaredOutputs?.fields ?? [] };
}

export function buildOutputsForm(step: StepState, fields: readonly FormFieldState[], metadata: OutputsModalMetadata): ModalView {
  const name = escape(step.title ?? step.id);
  const what =
    metadata.k === 'event'
      ? `You report ${code(metadata.e ?? step.wait?.event ?? '')} to *${name}*: the step waiting for it completes.`
      : `You mark *${name}* done:\n${(step.manual?.task ?? '').split('\n').map((line) => `>${escape(line)}`).join('\n')}`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(what, LIMIT.sectionText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`Step *${escape(metadata.s)}* of run ${code(metadata.w)}. The values become the step’s output and are kept in the run’s audit trail.`, LIMIT.contextText) }] },
    ...fields.map(fieldBlock),
  ];
  const verb = metadata.k === 'event' ? 'Report' : 'Done';
  return {
    type: 'modal',
    callback_id: CallbackId.outputsForm,
    title: plain(metadata.k === 'event' ? 'Report the event' : 'Mark the task done', LIMIT.modalTitle),
    submit: plain(verb, LIMIT.modalTitle),
    close: plain('Back', LIMIT.modalTitle),
    private_metadata: JSON.stringify(metadata),
    blocks: blocks.slice(0, LIMIT.blocks),
  };
}

/** What the person is told once the task is marked done. */
export function manualDoneText(workflowId: string, stepId: string): string {
  return `:white_check_mark: You marked *${escape(stepId)}* of ${code(workflowId)} done.`;
}

/** What the person is told once the event is in: used at once, or kept until the run reaches its wait. */
export function eventReportedText(workflowId: string, event: string, result: object): string {
  return 'buffered' in result
    ? `:inbox_tray: Reported ${code(event)} to ${code(workflowId)}; the run will use it when it reaches the step that waits for it.`
    : `:white_check_mark: Reported ${code(event)} to ${code(workflowId)}; the waiting step goes on.`;
}

export function outputsFormSubmission(ctx: AppContext) {
  return async ({ ack, body, client }: SubmissionArgs): Promise<void> => {
    const parsed = ViewSubmissionBody.safeParse(body);
    const metadata = parsed.success ? parseJson(OutputsModalMetadata, parsed.data.view.private_metadata) : undefined;
    const values = parsed.success ? parsed.data.view.state.values : {};
    // Problems go on a field of the form; one it does not have would not be shown.
    const onForm = (message: string) => {
      const first = Object.keys(values)[0];
      return first ? ack({ response_action: 'errors', errors: { [first]: message } }) : ack();
    };
    if (!parsed.success || !metadata || (metadata.k === 'event' && metadata.e === undefined)) {
      ctx.logger.warn('outputs form submission not understood');
      return onForm('Quell could not read this form. Close it and click the button again.');
    }
    const { view, user } = parsed.data;
    let fields: FormFieldState[];
    try {
      const open = openOutputs(await getRunState(ctx.temporal, metadata.w), metadata.s);
      if ('closed' in open) return onForm(truncate(`${open.closed} Close this form.`, 300));
      fields = open.fields;
    } catch (error) {
      ctx.logger.warn({ err: error, workflowId: metadata.w }, 'outputs form: the run could not be read');
      return onForm('Quell could not read the run just now; submit again in a moment.');
    }
    const reading = readFieldForm(fields, values);
    if (!reading.ok) return ack({ response_action: 'errors', errors: reading.errors });
    if (!ctx.recent.first(submissionKey(view.id, values))) {
      ctx.logger.debug({ view: view.id }, 'repeated submission ignored');
      return ack();
    }
    await ack();

    const given = Object.keys(reading.fields).length > 0;
    const updateId = clickUpdateId(user.id, metadata.a);
    let text: string;
    try {
      if (metadata.k === 'event') {
        const event = metadata.e ?? '';
        const result = await deliverEvent(ctx.temporal, metadata.w, { event, actor: user.id, via: 'slack', ...(given ? { payload: reading.fields } : {}) }, { updateId });
        text = eventReportedText(metadata.w, event, result);
      } else {
        await completeManual(ctx.temporal, metadata.w, { stepId: metadata.s, actor: user.id, via: 'slack', ...(given ? { fields: reading.fields } : {}) }, { updateId });
        text = manualDoneText(metadata.w, metadata.s);
      }
    } catch (error) {
      text = failureText(error, ctx.logger, metadata.k === 'event' ? 'report the event' : 'mark the task done');
    }
    await tell(client, { user: user.id, ...(metadata.c ? { channel: metadata.c } : {}), ...(metadata.t ? { threadTs: metadata.t } : {}) }, text, ctx.logger);
  };
}
