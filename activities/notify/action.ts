/**
 * The live `notify` action: Slack (default) or e-mail. Every message goes out at most once per
 * step attempt key (see ./deliver-once.ts and the channel modules for what remains uncertain).
 * Reminders and escalations the engine sends on a step's behalf come through here too, without a
 * channel, so they go to Slack's configured channel. A `to` entry `group:<name>` names an approver
 * group (./recipients.ts): over Slack its members are mentioned in the incident channel, by e-mail
 * each member's address is added to the one message.
 */
import type { Logger } from 'pino';
import type { ActionName, ActionWith } from '../../common/actions';
import type { ConnectorNeeds } from '../../connectors/connector';
import type { LiveAction } from '../action-performer';
import { invalidFailure, notConfiguredFailure } from '../../connectors/failures';
import type { Mailer, SlackPoster } from '../../connectors/message-roles';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import { slack as slackConnector } from '../../connectors/slack';
import { smtp as smtpConnector } from '../../connectors/smtp';
import { stableId } from './delivery-id';
import type { DeliveryLog } from './delivery-log';
import { emailNotification } from './email-notification';
import { EMAIL_ADDRESS, notifyNeeds, type NotifySections } from './needs';
import { postNotification } from './post-to-slack';
import { incidentOf } from './run-label';
import { groupAddresses, resolveNotifyRecipients } from './recipients';
import type { ApproversSetup } from '../approvers/resolve';

export interface NotifyActionDeps {
  /** Present when the `slack` section is (the `slack` connector's role object). */
  slack?: SlackPoster;
  /** Present when the `smtp` section is (the `smtp` connector's role object). */
  mailer?: Mailer;
  /** The connectors file, for {@link notifyNeeds}. */
  file: NotifySections;
  log: DeliveryLog;
  logger: Logger;
  /** The approvers file, for `to` entries that name a group (`group:<name>`). */
  approvers?: ApproversSetup;
}

/**
 * Performs `notify`. Idempotent per idempotency key (and Slack target): a retry never posts or
 * mails twice what the delivery log recorded. Failures are classified; Temporal retries throttling
 * (after Slack's Retry-After) and outages, and stops at once on refused tokens or unknown channels.
 */
export class NotifyAction implements LiveAction {
  readonly name = 'live:notify';

  constructor(private readonly deps: NotifyActionDeps) {}

  needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
    return notifyNeeds(this.deps.file, params);
  }

  async perform(_action: ActionName, raw: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const params = raw as ActionWith<'notify'>;
    return params.channel === 'email' ? this.byEmail(params, context) : this.bySlack(params, context);
  }

  private async bySlack(params: ActionWith<'notify'>, context: ActionContext): Promise<ActionOutcome> {
    const slack = this.deps.slack;
    if (!slack) throw notConfiguredFailure({ connector: slackConnector.id, operation: 'notify' }, 'no `slack:` section in the connectors file');
    const site = { connector: slackConnector.id, operation: 'notify' };
    const recipients = await resolveNotifyRecipients(this.deps.approvers, 'slack', params.to ?? [], site);
    // Groups are mentioned in one message in the incident channel (where the run is discussed),
    // which chat.postMessage reaches with the bot's channel access alone; direct messages would
    // need the im:write scope and a conversation per person.
    const mentions = groupAddresses(recipients).map((user) => `<@${user}>`);
    const named = recipients.direct;
    // The incident channel carries the mentions, and is the target when the step names none.
    const targets = mentions.length > 0 || named.length === 0 ? [...new Set([...named, slack.settings.channel])] : named;
    const label = `[${incidentOf(context.workflowId)}]`;
    const messages: Array<Record<string, unknown>> = [];
    let allAlreadyDone = true;
    // One target after the other: each is recorded as it succeeds, so a retry resumes where it stopped.
    for (const target of targets) {
      const withMentions = mentions.length > 0 && target === slack.settings.channel;
      const deliveryId = stableId('QN', [context.idempotencyKey, target], 12);
      const outcome = await postNotification(slack.client, this.deps.log, this.deps.logger, {
        key: `${context.idempotencyKey}#slack:${target}`,
        deliveryId,
        target,
        text: withMentions ? `${label} ${mentions.join(' ')} ${params.message}` : `${label} ${params.message}`,
        workflowId: context.workflowId,
        stepId: context.stepId,
      });
      allAlreadyDone &&= outcome.alreadyDone;
      messages.push({ to: target, delivery_id: deliveryId, channel_id: outcome.receipt.channel_id, ts: outcome.receipt.ts, sent_at: outcome.deliveredAt });
    }
    return {
      alreadyDone: allAlreadyDone,
      output: {
        channel: 'slack',
        to: targets,
        message_id: `${String(messages[0].channel_id)}/${String(messages[0].ts)}`,
        messages,
        delivered: true,
      },
    };
  }

  private async byEmail(params: ActionWith<'notify'>, context: ActionContext): Promise<ActionOutcome> {
    const mailer = this.deps.mailer;
    const site = { connector: smtpConnector.id, operation: 'notify by email' };
    if (!mailer) throw notConfiguredFailure(site, 'no `smtp:` section in the connectors file');
    if ((params.to ?? []).length === 0) throw invalidFailure(site, 'notify by email needs `to` (email addresses or approver groups)');
    const recipients = await resolveNotifyRecipients(this.deps.approvers, 'email', params.to ?? [], site);
    const notAddresses = recipients.direct.filter((address) => !EMAIL_ADDRESS.test(address));
    if (notAddresses.length > 0) throw invalidFailure(site, `not an email address: ${notAddresses.join(', ')}`);
    const to = [...new Set([...recipients.direct, ...groupAddresses(recipients)])];
    const deliveryId = stableId('QN', [context.idempotencyKey, 'email'], 12);
    const outcome = await emailNotification(mailer, this.deps.log, { deliveryId, to, message: params.message }, context);
    return {
      alreadyDone: outcome.alreadyDone,
      output: {
        channel: 'email',
        to,
        message_id: outcome.receipt.message_id,
        delivery_id: deliveryId,
        rejected: outcome.receipt.rejected ?? [],
        sent_at: outcome.deliveredAt,
        delivered: true,
      },
    };
  }
}
