/**
 * A click on the event button of a wait, or on the "Done" of a manual task, whose step declares
 * `outputs:`: opens the step's outputs form (listeners/views/outputs-form.ts) instead of sending
 * the update. The report goes when the form is submitted, under the update id of this click.
 * A step that turns out to declare no fields after all (the state is the authority, not the
 * button) is reported at once, as a button without a form is.
 */
import { getRunState } from '../../../client/runs';
import type { AppContext } from '../../context';
import type { OutputsModalMetadata } from '../../payloads';
import { slackError } from '../../reply';
import { escape } from '../../text';
import { buildOutputsForm, openOutputs } from '../views/outputs-form';
import type { Click } from './click';

export async function openOutputsForm(
  ctx: AppContext,
  click: Click<{ w: string; s: string }>,
  report: { kind: 'event'; event: string } | { kind: 'manual' },
  withoutForm: () => Promise<string>,
): Promise<string | undefined> {
  const { value, user, body, client, where, actionTs } = click;
  if (!body.trigger_id) return ':warning: Slack sent no trigger for the form; click the button again.';
  const open = openOutputs(await getRunState(ctx.temporal, value.w), value.s);
  if ('closed' in open) return `:information_source: ${escape(open.closed)}`;
  if (open.fields.length === 0) return withoutForm();
  const metadata: OutputsModalMetadata = {
    w: value.w,
    s: value.s,
    k: report.kind,
    ...(report.kind === 'event' ? { e: report.event } : {}),
    a: actionTs,
    ...(where?.channel ? { c: where.channel } : {}),
    ...(where?.threadTs ? { t: where.threadTs } : {}),
  };
  try {
    await client.views.open({ trigger_id: body.trigger_id, view: buildOutputsForm(open.step, open.fields, metadata) });
    return undefined;
  } catch (error) {
    ctx.logger.warn({ err: slackError(error), user }, 'outputs form could not be opened');
    return ':warning: The form could not be opened; click the button again.';
  }
}
