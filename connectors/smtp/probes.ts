/**
 * The `smtp` connector: connects, says EHLO and (when a username is configured) logs in, the way
 * every real send will, then quits. Vendor e-mail requests and e-mail notifications both use it.
 */
import type { Connector } from '../connector';
import type { SmtpMailer } from './mailer';

/** The connector for the configured SMTP server; `check()` never rejects and sends no mail. */
export function smtpConnector(mailer: SmtpMailer, settings: { username?: string; secure: boolean; require_tls: boolean }): Connector {
  const tls = settings.secure ? 'TLS' : settings.require_tls ? 'STARTTLS required' : 'STARTTLS when offered';
  return {
    id: mailer.connector,
    description: `SMTP server ${mailer.endpoint} (${tls}${settings.username ? `, login ${settings.username}` : ''}), sending as ${mailer.from}`,
    async check() {
      try {
        await mailer.verify();
        return [{ name: 'connect and EHLO', ok: true, detail: `${mailer.endpoint} answered${settings.username ? ' and accepted the login' : ''}` }];
      } catch (error) {
        return [{ name: 'connect and EHLO', ok: false, detail: error instanceof Error ? error.message : String(error) }];
      }
    },
  };
}
