/**
 * Builds the live `notify` action over the systems that play the 'notify-channel' role: the
 * `slack` connector (the default channel) and the `smtp` connector (`channel: email`). Nothing to
 * build when neither is configured: a live run that notifies is then refused by the readiness
 * check, with the section to add.
 */
import path from 'node:path';
import type { LiveAction } from '../action-performer';
import type { SharedLive } from '../../connectors/definition';
import type { Mailer, SlackPoster } from '../../connectors/message-roles';
import { slack } from '../../connectors/slack';
import { smtp } from '../../connectors/smtp';
import { DeliveryLog } from './delivery-log';
import type { NotifySections } from './needs';
import { NotifyAction } from './action';
import type { ApproversSetup } from '../approvers/resolve';

/** Where sent notifications are remembered (see ./delivery-log.ts). */
export function notificationLogPath(dataDir: string): string {
  return path.join(dataDir, 'notifications-sent.jsonl');
}

/**
 * @param channels the role objects of the built systems that play 'notify-channel', by system id
 *   (each connector's live build says what its object is: a Mailer for smtp, a SlackPoster for slack).
 */
export function buildNotifyAction(
  file: NotifySections,
  channels: ReadonlyMap<string, unknown>,
  shared: SharedLive,
  /** The approvers file, for `to: [group:<name>]`; absent: such steps fail, saying so. */
  approvers?: ApproversSetup,
): LiveAction | undefined {
  const mailer = channels.get(smtp.id) as Mailer | undefined;
  const poster = channels.get(slack.id) as SlackPoster | undefined;
  if (!mailer && !poster) return undefined;
  return new NotifyAction({
    ...(poster ? { slack: poster } : {}),
    ...(mailer ? { mailer } : {}),
    file,
    ...(approvers ? { approvers } : {}),
    log: new DeliveryLog(notificationLogPath(shared.dataDir)),
    logger: shared.logger.child({ action: 'notify' }),
  });
}
