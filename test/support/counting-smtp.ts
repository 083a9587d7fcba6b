/**
 * An SMTP server (the `smtp-server` package) on loopback that counts what reaches it: every
 * connection, and each session that got as far as MAIL FROM, which is where sending a message
 * begins. A session that only connects, greets and quits (what the smtp connector's probe does)
 * reads; one that names a sender is mutating, whether or not its DATA was accepted.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { CallKind } from './counting-proxy';

export interface SmtpSession {
  id: string;
  kind: CallKind;
}

export interface CountingSmtp {
  readonly host: string;
  readonly port: number;
  /** One entry per connection, in order; `kind` turns mutating at MAIL FROM. */
  readonly sessions: SmtpSession[];
  stop(): Promise<void>;
}

export async function startCountingSmtp(): Promise<CountingSmtp> {
  const sessions: SmtpSession[] = [];
  const server = new SMTPServer({
    name: 'counting.quell.test',
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    onConnect(session, callback) {
      sessions.push({ id: session.id, kind: 'read' });
      callback();
    },
    onMailFrom(_address, session, callback) {
      const entry = sessions.find((candidate) => candidate.id === session.id);
      if (entry) entry.kind = 'mutating';
      callback();
    },
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => callback(null, '2.0.0 counted'));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return { host: '127.0.0.1', port, sessions, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
