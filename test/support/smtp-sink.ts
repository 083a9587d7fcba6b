/**
 * A real SMTP server (the `smtp-server` package) in this process on a free loopback port. It
 * accepts mail the way a relay would, keeps every message as raw RFC 5322 text with its SMTP
 * envelope, and parses what tests assert on: headers (unfolded, RFC 2047 words decoded) and the
 * text body (quoted-printable/base64 decoded; the first text/plain part of a multipart message).
 *
 * It can require a login, refuse given recipients (550), or answer the next commands with a
 * canned reply (e.g. 451 after DATA) to exercise the sender's failure handling.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { plantSecret } from './planted-secrets';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The message exactly as received, CRLF line ends. */
  raw: string;
  /** Header value (decoded); the first one when the header repeats. */
  header(name: string): string | undefined;
  /** Every header name (lower case) with its decoded values. */
  headers: Map<string, string[]>;
  /** The decoded plain-text body. */
  text: string;
  receivedAt: number;
}

export interface SmtpReply {
  code: number;
  message: string;
}

export interface SmtpSinkOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (allowed without TLS: loopback only). */
  login?: { username: string; password: string };
}

export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  readonly messages: ReceivedMail[];
  /** Logins tried so far, in order (username and whether it was accepted). */
  readonly logins: Array<{ username: string; accepted: boolean }>;
  /** Answers RCPT TO for `address` with 550 from now on. */
  refuseRecipient(address: string): void;
  /** Answers the next `times` messages' end of DATA with `reply` (nothing is kept). */
  failNextData(reply: SmtpReply, times?: number): void;
  stop(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  if (options.login) plantSecret(options.login.password, 'smtp password');
  const messages: ReceivedMail[] = [];
  const logins: Array<{ username: string; accepted: boolean }> = [];
  const refused = new Set<string>();
  const dataFailures: SmtpReply[] = [];

  const server = new SMTPServer({
    name: 'sink.quell.test',
    logger: false,
    disabledCommands: options.login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.login,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      const accepted = auth.username === options.login?.username && auth.password === options.login?.password;
      logins.push({ username: auth.username ?? '', accepted });
      if (!accepted) return callback(smtpError({ code: 535, message: '5.7.8 Authentication credentials invalid' }));
      callback(null, { user: auth.username });
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      if (refused.has(address.address.toLowerCase())) return callback(smtpError({ code: 550, message: `5.1.1 <${address.address}>: mailbox unavailable` }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const failure = dataFailures.shift();
        if (failure) return callback(smtpError(failure));
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push(parseMail(raw, {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        }));
        callback(null, `2.0.0 queued as SINK${messages.length}`);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    messages,
    logins,
    refuseRecipient: (address) => void refused.add(address.toLowerCase()),
    failNextData(reply, times = 1) {
      for (let i = 0; i < times; i += 1) dataFailures.push(reply);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(reply: SmtpReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/** Parses one raw message (headers, and the text of a single-part or multipart body). */
export function parseMail(raw: string, envelope: { from: string; to: string[] }): ReceivedMail {
  const { headers, body } = splitEntity(raw);
  return {
    envelope,
    raw,
    headers,
    header: (name) => headers.get(name.toLowerCase())?.[0],
    text: plainText(headers, body),
    receivedAt: Date.now(),
  };
}

function splitEntity(entity: string): { headers: Map<string, string[]>; body: string } {
  const normalised = entity.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  const head = end === -1 ? normalised : normalised.slice(0, end);
  const body = end === -1 ? '' : normalised.slice(end + 2);
  const headers = new Map<string, string[]>();
  // Unfold: a line that starts with white space continues the previous header.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = decodeEncodedWords(line.slice(colon + 1).trim());
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return { headers, body };
}

function plainText(headers: Map<string, string[]>, body: string): string {
  const type = headers.get('content-type')?.[0] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const entity = splitEntity(part.replace(/^\n/, ''));
      const text = plainText(entity.headers, entity.body);
      if (text) return text;
    }
    return '';
  }
  if (!/^text\/plain/i.test(type)) return '';
  const encoding = (headers.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047: `=?utf-8?Q?...?=` and `=?utf-8?B?...?=` (white space between adjacent words dropped). */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_match, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}
