/**
 * The notification family: the `smtp` and `slack` connectors (each only when its section is in
 * the connectors file) and the live `notify` provider over them. The `smtp` connector lives here
 * and vendor e-mail requests use it too (activities/vendor lists it in its needs).
 *
 * Building does no I/O: clients connect on the first probe or message.
 */
import path from 'node:path';
import type { Connector } from '../live/connector';
import type { LiveFamily } from '../live/contribution';
import { DeliveryLog } from './delivery-log';
import { NotifyProvider } from './provider';
import { createSlackClient } from './slack/client';
import { slackConnector } from './slack/connector';
import { smtpConnector } from './smtp/connector';
import { SmtpMailer } from './smtp/mailer';

/** Where sent notifications are remembered (see ./delivery-log.ts). */
export function notificationLogPath(dataDir: string): string {
  return path.join(dataDir, 'notifications-sent.jsonl');
}

export const notifyFamily: LiveFamily = (config, shared) => {
  const logger = shared.logger.child({ family: 'notify' });
  const connectors: Connector[] = [];
  const mailer = config.smtp ? new SmtpMailer(config.smtp) : undefined;
  if (mailer && config.smtp) connectors.push(smtpConnector(mailer, config.smtp));
  const slack = config.slack ? { client: createSlackClient(config.slack, logger.child({ connector: 'slack' })), settings: config.slack } : undefined;
  if (slack) connectors.push(slackConnector(slack.client, slack.settings));
  if (!mailer && !slack) return { connectors };
  const provider = new NotifyProvider({
    ...(slack ? { slack } : {}),
    ...(mailer ? { mailer } : {}),
    log: new DeliveryLog(notificationLogPath(shared.dataDir)),
    logger,
  });
  return { connectors, providers: { notify: provider } };
};
