/**
 * The live half of the SMTP connector. Building makes the nodemailer transport only: the server
 * is first contacted when the connector is probed or a message goes out. Its role object is the
 * mailer, shared by e-mail notifications and e-mail deletion requests.
 */
import type { Resolved } from '../../config/secret';
import type { LiveModule, LiveSystem } from '../definition';
import type { Mailer } from '../message-roles';
import { SmtpMailer } from './mailer';
import { smtpConnector } from './probes';
import type { SmtpConfig } from './settings';

export const build: LiveModule<Resolved<SmtpConfig>>['build'] = (settings): LiveSystem<Mailer> => {
  const mailer = new SmtpMailer(settings);
  return { connector: smtpConnector(mailer, settings), roles: mailer };
};
