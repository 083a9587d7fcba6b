/**
 * A decision's option button. Without form fields the click is the answer (the button carries a
 * confirm dialog, as Approve does). With fields it opens the decision's form
 * (listeners/views/decision-form.ts), and the answer goes when the form is submitted, under the
 * update id of this click. Either way the workflow's validator decides who may answer.
 *
 * Someone the run's state says may not answer (the requester, someone outside the deciders) is
 * not handed a form to fill in for nothing: when the decision has a required field, the click is
 * sent as it is, without fields, so the workflow refuses it with its own reason at once. Such an
 * answer cannot be accepted (a required field is missing); if the refusal is only about that
 * field, the state was behind and the form opens after all.
 */
import { answerDecision, getRunState, QuellClientError } from '../../../client/runs';
import type { AppContext } from '../../context';
import { mayDecide } from '../../home-view';
import { DecisionButtonValue } from '../../interaction-values';
import type { DecisionModalMetadata } from '../../payloads';
import { failureText, slackError } from '../../reply';
import { escape } from '../../text';
import { answeredText, buildDecisionForm, openDecision } from '../views/decision-form';
import { onClick, type Click } from './click';

export function answer(ctx: AppContext) {
  return onClick(ctx, DecisionButtonValue, 'record your answer', async (click) => {
    const { value, user, updateId } = click;
    if (value.f) return openForm(ctx, click);
    const gate = await answerDecision(ctx.temporal, value.w, { stepId: value.s, actor: user, option: value.o, via: 'slack', questionSha256: value.h }, { updateId });
    return answeredText(value.w, value.s, value.o, gate);
  });
}

async function openForm(ctx: AppContext, click: Click<DecisionButtonValue>): Promise<string | undefined> {
  const { value, user, updateId, body, client, where, actionTs } = click;
  if (!body.trigger_id) return ':warning: Slack sent no trigger for the form; click the option again.';
  const state = await getRunState(ctx.temporal, value.w);
  const open = openDecision(state, value.s);
  if ('closed' in open) return `:information_source: ${escape(open.closed)}`;
  const { gate } = open;
  if (!mayDecide(user, state, gate) && gate.fields.some((field) => field.required)) {
    try {
      const answered = await answerDecision(ctx.temporal, value.w, { stepId: value.s, actor: user, option: value.o, via: 'slack', questionSha256: value.h }, { updateId });
      return answeredText(value.w, value.s, value.o, answered);
    } catch (error) {
      const aboutFields = error instanceof QuellClientError && error.code === 'refused' && /\bfields\.[^:]+:/.test(error.message);
      if (!aboutFields) return failureText(error, ctx.logger, 'record your answer');
    }
  }
  const metadata: DecisionModalMetadata = {
    w: value.w,
    s: value.s,
    o: value.o,
    h: value.h,
    a: actionTs,
    ...(where?.channel ? { c: where.channel } : {}),
    ...(where?.threadTs ? { t: where.threadTs } : {}),
  };
  try {
    await client.views.open({ trigger_id: body.trigger_id, view: buildDecisionForm(gate, metadata) });
    return undefined;
  } catch (error) {
    ctx.logger.warn({ err: slackError(error), user }, 'decision form could not be opened');
    return ':warning: The answer form could not be opened; click the option again.';
  }
}
