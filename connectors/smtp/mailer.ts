/**
 * Sends one e-mail through the connectors file's `smtp` server with nodemailer. Each message opens
 * its own connection (no pool): messages are rare, and a stale pooled connection would only add
 * a failure mode. The mailer neither retries nor remembers anything; the actions that send add
 * idempotency (activities/notify/deliver-once.ts) and Temporal owns the retries.
 */
import nodemailer, { type SMTPSentMessageInfo, type Transporter } from 'nodemailer';
import type { Resolved } from '../../config/secret';
import type { MailReceipt, Mailer, OutgoingMail } from '../message-roles';
import { smtpFailure } from './failures';
import type { SmtpConfig } from './settings';

export type SmtpSettings = Resolved<SmtpConfig>;

/** The connector id every e-mail sender reports failures under. */
export const SMTP_CONNECTOR = 'smtp';

const CONNECT_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

export class SmtpMailer implements Mailer {
  readonly connector = SMTP_CONNECTOR;
  /** The configured sender, e.g. `Quell <security@example.com>`. */
  readonly from: string;
  readonly endpoint: string;
  private readonly transport: Transporter<SMTPSentMessageInfo>;

  constructor(settings: SmtpSettings) {
    this.from = settings.from;
    this.endpoint = `${settings.host}:${settings.port}`;
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      requireTLS: settings.require_tls,
      ...(settings.username ? { auth: { user: settings.username, pass: settings.password?.reveal() ?? '' } } : {}),
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  /** The domain of the sender address, for Message-IDs. */
  get senderDomain(): string {
    const address = /<([^>]+)>/.exec(this.from)?.[1] ?? this.from;
    const domain = address.split('@')[1]?.trim();
    return domain && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'quell.invalid';
  }

  /** Sends once; rejects with a classified failure (see ./failures.ts). */
  async send(mail: OutgoingMail): Promise<MailReceipt> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: mail.to,
        ...(mail.cc?.length ? { cc: mail.cc } : {}),
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: mail.headers ?? {},
      });
      return {
        messageId: String(info.messageId),
        accepted: info.accepted.map(String),
        rejected: info.rejected.map(String),
        response: String(info.response),
      };
    } catch (error) {
      throw smtpFailure({ connector: SMTP_CONNECTOR, operation: mail.operation }, error);
    }
  }

  /** Connects, says EHLO (and logs in when configured), then quits; rejects with a classified failure. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (error) {
      throw smtpFailure({ connector: SMTP_CONNECTOR, operation: 'connect and EHLO' }, error);
    }
  }
}
