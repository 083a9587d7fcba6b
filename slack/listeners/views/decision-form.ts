/**
 * The form a decision's option opens when the decision declares `fields`, generated from that
 * declaration, and its submission. Values are typed and checked with the same rules as the CLI's
 * `--field` and the workflow's validator (common/form-fields.ts), and a problem goes back onto
 * the field it concerns (`response_action: errors`) before anything is sent. A valid form becomes
 * the answer, under the update id of the click that opened it; the workflow has the last word
 * (who may answer, whether it is still open), and its refusal reaches the person ephemerally.
 * The field widgets and their reading are shared with the outputs form (./field-inputs.ts).
 */
import type { KnownBlock, ModalView } from '@slack/web-api';
import { answerDecision, getRunState } from '../../../client/runs';
import type { DecisionGateState, RunState } from '../../../common/run-state';
import { CallbackId } from '../../blocks/interaction-ids';
import type { AppContext } from '../../context';
import { clickUpdateId } from '../../dedupe';
import { DecisionModalMetadata, ViewSubmissionBody, parseJson } from '../../payloads';
import { failureText, tell } from '../../reply';
import { LIMIT, code, escape, plain, truncate } from '../../text';
import { fieldBlock, readFieldForm, type FieldFormReading } from './field-inputs';
import { submissionKey, type SubmissionArgs } from './submission';

export { fieldBlockId } from './field-inputs';

export function buildDecisionForm(gate: DecisionGateState, metadata: DecisionModalMetadata): ModalView {
  const label = gate.options.find((option) => option.id === metadata.o)?.label ?? metadata.o;
  const question = gate.question.split('\n').map((line) => `>${escape(line)}`).join('\n');
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`You answer *${escape(label)}* to:\n${question}`, LIMIT.sectionText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`Step *${escape(metadata.s)}* of run ${code(metadata.w)}. Kept with your answer in the run’s audit trail.`, LIMIT.contextText) }] },
    ...gate.fields.map(fieldBlock),
  ];
  return {
    type: 'modal',
    callback_id: CallbackId.decisionForm,
    title: plain('Answer', LIMIT.modalTitle),
    submit: plain('Answer', LIMIT.modalTitle),
    close: plain('Back', LIMIT.modalTitle),
    private_metadata: JSON.stringify(metadata),
    blocks: blocks.slice(0, LIMIT.blocks),
  };
}

export type DecisionFormReading = FieldFormReading;

/** Reads a submitted decision form back into typed, checked field values (see ./field-inputs.ts). */
export const readDecisionForm = readFieldForm;

/** What the person is told once their answer is in. */
export function answeredText(workflowId: string, stepId: string, option: string, gate: DecisionGateState): string {
  const labelOf = (id: string) => gate.options.find((candidate) => candidate.id === id)?.label ?? id;
  const forOption = gate.decisions.filter((decision) => decision.option === option).length;
  const decided =
    gate.chosen === undefined ? '' : gate.chosen === option ? ' That decides it: the run goes on.' : ` The decision went to *${escape(labelOf(gate.chosen))}*.`;
  return `:ballot_box_with_check: You answered *${escape(stepId)}* of ${code(workflowId)}: *${escape(labelOf(option))}* (${forOption} of ${gate.quorum}).${decided}`;
}

/** The decision's gate as the run shows it now, or why there is none to answer (plain text). */
export function openDecision(state: RunState, stepId: string): { gate: DecisionGateState } | { closed: string } {
  const step = state.steps.find((candidate) => candidate.id === stepId);
  const gate = step?.decision;
  if (!step || !gate) return { closed: `Run ${state.workflowId} has no decision ${stepId}.` };
  if (step.status !== 'waiting' || gate.outcome !== undefined) return { closed: `Step ${stepId} of run ${state.workflowId} no longer takes answers (it is ${step.status}).` };
  return { gate };
}

export function decisionFormSubmission(ctx: AppContext) {
  return async ({ ack, body, client }: SubmissionArgs): Promise<void> => {
    const parsed = ViewSubmissionBody.safeParse(body);
    const metadata = parsed.success ? parseJson(DecisionModalMetadata, parsed.data.view.private_metadata) : undefined;
    const values = parsed.success ? parsed.data.view.state.values : {};
    // Problems go on a field of the form; one it does not have would not be shown.
    const onForm = (message: string) => {
      const first = Object.keys(values)[0];
      return first ? ack({ response_action: 'errors', errors: { [first]: message } }) : ack();
    };
    if (!parsed.success || !metadata) {
      ctx.logger.warn('decision form submission not understood');
      return onForm('Quell could not read this form. Close it and click the option again.');
    }
    const { view, user } = parsed.data;
    let gate: DecisionGateState;
    try {
      const open = openDecision(await getRunState(ctx.temporal, metadata.w), metadata.s);
      if ('closed' in open) return onForm(truncate(`${open.closed} Close this form.`, 300));
      gate = open.gate;
    } catch (error) {
      ctx.logger.warn({ err: error, workflowId: metadata.w }, 'decision form: the run could not be read');
      return onForm('Quell could not read the run just now; submit again in a moment.');
    }
    const reading = readDecisionForm(gate.fields, values);
    if (!reading.ok) return ack({ response_action: 'errors', errors: reading.errors });
    if (!ctx.recent.first(submissionKey(view.id, values))) {
      ctx.logger.debug({ view: view.id }, 'repeated submission ignored');
      return ack();
    }
    await ack();

    let text: string;
    try {
      const answered = await answerDecision(
        ctx.temporal,
        metadata.w,
        { stepId: metadata.s, actor: user.id, option: metadata.o, via: 'slack', questionSha256: metadata.h, ...(Object.keys(reading.fields).length > 0 ? { fields: reading.fields } : {}) },
        { updateId: clickUpdateId(user.id, metadata.a) },
      );
      text = answeredText(metadata.w, metadata.s, metadata.o, answered);
    } catch (error) {
      text = failureText(error, ctx.logger, 'record your answer');
    }
    await tell(client, { user: user.id, ...(metadata.c ? { channel: metadata.c } : {}), ...(metadata.t ? { threadTs: metadata.t } : {}) }, text, ctx.logger);
  };
}
