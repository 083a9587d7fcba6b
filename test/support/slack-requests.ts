/**
 * Requests as Slack sends them to an app, for tests and the bench: slash commands and
 * interactions as `application/x-www-form-urlencoded` (interactions as `payload=<json>`), events
 * as JSON, each signed exactly as Slack signs:
 *
 *   x-slack-request-timestamp: <unix seconds>
 *   x-slack-signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")>
 *
 * Plus a sink for `response_url` posts (Slack's hooks.slack.com in production) and builders for
 * the payloads the Quell app reads, and Slack's end of a Socket Mode connection.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { plantSecret } from './planted-secrets';

export const FORM = 'application/x-www-form-urlencoded';

/** The signature headers for `rawBody`, signed with `secret` at `timestamp` (seconds). */
export function slackSignature(secret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` };
}

export interface SlackResponse {
  status: number;
  text: string;
  /** The body as JSON when it is JSON (e.g. `response_action: errors`), else undefined. */
  json?: Record<string, unknown>;
  /** Milliseconds from sending to the complete answer (the ack). */
  ms: number;
}

export interface SendOptions {
  /** Sign with this secret instead of the right one (a forged request). */
  secret?: string;
  /** Sign at this time (seconds) instead of now (a stale or replayed request). */
  timestamp?: number;
  /** Change the body after signing (a tampered request). */
  tamper?: (body: string) => string;
}

/** A signed request exactly as built: send it again to replay it byte for byte. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export class SlackRequester {
  constructor(
    readonly url: string,
    private readonly secret: string,
  ) {
    plantSecret(secret, 'slack signing secret');
  }

  /** A slash command: form fields as Slack sends them. */
  command(fields: Record<string, string>, options: SendOptions = {}): Promise<SlackResponse> {
    return this.send(this.sign(new URLSearchParams(fields).toString(), FORM, options));
  }

  /** An interaction (block_actions, view_submission…): `payload=<json>`, form-encoded. */
  interaction(payload: object, options: SendOptions = {}): Promise<SlackResponse> {
    return this.send(this.signInteraction(payload, options));
  }

  /** An Events API callback: JSON. */
  event(envelope: object, options: SendOptions = {}): Promise<SlackResponse> {
    return this.send(this.sign(JSON.stringify(envelope), 'application/json', options));
  }

  signInteraction(payload: object, options: SendOptions = {}): SignedRequest {
    return this.sign(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM, options);
  }

  signCommand(fields: Record<string, string>, options: SendOptions = {}): SignedRequest {
    return this.sign(new URLSearchParams(fields).toString(), FORM, options);
  }

  sign(body: string, contentType: string, options: SendOptions = {}): SignedRequest {
    const headers = { 'content-type': contentType, ...slackSignature(options.secret ?? this.secret, body, options.timestamp) };
    return { body: options.tamper ? options.tamper(body) : body, headers };
  }

  async send(request: SignedRequest): Promise<SlackResponse> {
    const started = performance.now();
    const response = await fetch(this.url, { method: 'POST', headers: request.headers, body: request.body });
    const text = await response.text();
    const ms = performance.now() - started;
    let json: Record<string, unknown> | undefined;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, ...(json ? { json } : {}), ms };
  }
}

/** What was posted to a response URL. */
export interface ResponsePost {
  id: string;
  body: Record<string, unknown>;
}

/** Stands in for hooks.slack.com: every command gets its own URL, and posts to it are kept. */
export interface ResponseSink {
  /** A fresh response URL. */
  url(): string;
  readonly posts: ResponsePost[];
  /** Posts to one URL (the id is the URL's last path segment). */
  postsTo(url: string): ResponsePost[];
  stop(): Promise<void>;
}

export async function startResponseSink(): Promise<ResponseSink> {
  const posts: ResponsePost[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = (req.url ?? '').split('/').pop() ?? '';
      try {
        posts.push({ id, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      } catch {
        posts.push({ id, body: {} });
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // The path is what makes a response URL secret (it covers the whole URL in every form).
    url: () => `http://127.0.0.1:${port}${plantSecret(`/commands/${randomBytes(6).toString('hex')}`, 'slack response url (its path)')}`,
    posts,
    postsTo: (url) => posts.filter((post) => post.id === url.split('/').pop()),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let counter = 0;
/** Slack-like unique ids and timestamps for the payloads below. */
export function nextTriggerId(): string {
  counter += 1;
  return `${Date.now()}.${counter}.${randomBytes(8).toString('hex')}`;
}
export function nextActionTs(): string {
  counter += 1;
  return `${(Date.now() / 1000).toFixed(6).slice(0, -3)}${String(counter % 1000).padStart(3, '0')}`;
}

export interface Team {
  id: string;
  domain: string;
}

const TEAM: Team = { id: 'T0QUELL01', domain: 'quell-test' };
/** The legacy verification token Slack still puts in every payload: a credential all the same. */
const VERIFICATION_TOKEN = plantSecret('deprecated-verification-token', 'slack verification token (in every payload)');

/** The form fields of `/quell <text>`. */
export function slashCommand(options: { text: string; user: string; channel: string; responseUrl: string; triggerId?: string; command?: string }): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: options.channel,
    channel_name: 'general',
    user_id: options.user,
    user_name: options.user.toLowerCase(),
    command: options.command ?? '/quell',
    text: options.text,
    api_app_id: 'A0QUELL01',
    is_enterprise_install: 'false',
    response_url: options.responseUrl,
    trigger_id: options.triggerId ?? nextTriggerId(),
  };
}

/** A click on a button of a message (a thread card) in `channel`. */
export function buttonClick(options: {
  user: string;
  button: { action_id: string; value?: string; block_id?: string };
  channel: string;
  message: { ts: string; thread_ts?: string };
  actionTs?: string;
  responseUrl?: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: options.user, username: options.user.toLowerCase(), team_id: TEAM.id },
    api_app_id: 'A0QUELL01',
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: options.message.ts, channel_id: options.channel, is_ephemeral: false, ...(options.message.thread_ts ? { thread_ts: options.message.thread_ts } : {}) },
    trigger_id: nextTriggerId(),
    team: { id: TEAM.id, domain: TEAM.domain },
    channel: { id: options.channel, name: 'incident-response' },
    message: { type: 'message', ts: options.message.ts, ...(options.message.thread_ts ? { thread_ts: options.message.thread_ts } : {}) },
    ...(options.responseUrl ? { response_url: options.responseUrl } : {}),
    actions: [
      {
        type: 'button',
        action_id: options.button.action_id,
        block_id: options.button.block_id ?? 'actions',
        value: options.button.value,
        action_ts: options.actionTs ?? nextActionTs(),
      },
    ],
  };
}

/** A click on a button in App Home. */
export function homeClick(options: { user: string; viewId: string; button: { action_id: string; value?: string }; actionTs?: string }): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: options.user, team_id: TEAM.id },
    api_app_id: 'A0QUELL01',
    container: { type: 'view', view_id: options.viewId },
    trigger_id: nextTriggerId(),
    team: { id: TEAM.id, domain: TEAM.domain },
    view: { id: options.viewId, type: 'home', team_id: TEAM.id },
    actions: [{ type: 'button', action_id: options.button.action_id, block_id: 'home', value: options.button.value, action_ts: options.actionTs ?? nextActionTs() }],
  };
}

/** State values for a submission: block id → action id → element state. */
export type ViewValues = Record<string, Record<string, Record<string, unknown>>>;

/** Submitting an opened view with `values`. */
export function viewSubmission(options: { user: string; view: { id: string; callback_id?: unknown; private_metadata?: unknown; hash?: unknown }; values: ViewValues }): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: TEAM.id, domain: TEAM.domain },
    user: { id: options.user, team_id: TEAM.id },
    api_app_id: 'A0QUELL01',
    token: VERIFICATION_TOKEN,
    trigger_id: nextTriggerId(),
    view: {
      id: options.view.id,
      team_id: TEAM.id,
      type: 'modal',
      callback_id: options.view.callback_id,
      private_metadata: options.view.private_metadata ?? '',
      hash: typeof options.view.hash === 'string' ? options.view.hash : `${Date.now()}.hash`,
      state: { values: options.values },
    },
    response_urls: [],
  };
}

/** Element states as Slack reports them. */
export const field = {
  text: (value: string | null) => ({ value: { type: 'plain_text_input', value } }),
  number: (value: string | null) => ({ value: { type: 'number_input', value } }),
  select: (value: string | null) => ({ value: { type: 'static_select', selected_option: value === null ? null : { text: { type: 'plain_text', text: value }, value } } }),
  multiSelect: (values: string[]) => ({ value: { type: 'multi_static_select', selected_options: values.map((value) => ({ text: { type: 'plain_text', text: value }, value })) } }),
  checkboxes: (values: string[]) => ({ value: { type: 'checkboxes', selected_options: values.map((value) => ({ text: { type: 'plain_text', text: value }, value })) } }),
};

/** An Events API envelope around `event`. */
export function eventCallback(event: Record<string, unknown>): Record<string, unknown> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: TEAM.id,
    api_app_id: 'A0QUELL01',
    event: { event_ts: nextActionTs(), ...event },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM.id, user_id: 'U0QUELLBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

/** What Slack sends over a Socket Mode connection, and what the app sent back. */
export interface SocketModeServer {
  /** The wss URL apps.connections.open hands out (plain ws on loopback). */
  readonly url: string;
  /** Connections opened so far. */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  /** Acknowledgements received: `{ envelope_id, payload }`. */
  readonly acks: Array<{ envelope_id: string; payload?: Record<string, unknown> }>;
  /** Sends an envelope (`slash_commands`, `interactive`, `events_api`) to the connected app. */
  send(envelope: { envelope_id: string; type: string; payload: object; accepts_response_payload?: boolean }): void;
  stop(): Promise<void>;
}

/**
 * Slack's side of Socket Mode, small enough to read: an HTTP upgrade to WebSocket (RFC 6455,
 * text frames, no extensions), `hello` once connected, pongs for pings, and every JSON frame
 * the app sends recorded as an acknowledgement.
 */
export async function startSocketModeServer(): Promise<SocketModeServer> {
  const sockets = new Set<Duplex>();
  const acks: Array<{ envelope_id: string; payload?: Record<string, unknown> }> = [];
  let connections = 0;
  const frame = (opcode: number, payload: Buffer): Buffer => {
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (length >= 126 && length < 65536) {
      header[0] = 0x80 | opcode;
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else if (length >= 65536) {
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    return Buffer.concat([header, payload]);
  };
  const server = http.createServer((_req, res) => {
    res.writeHead(426);
    res.end();
  });
  server.on('upgrade', (req, socket) => {
    const key = String(req.headers['sec-websocket-key'] ?? '');
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
    sockets.add(socket);
    connections += 1;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (buffered.length < 2) return;
        const opcode = buffered[0] & 0x0f;
        let length = buffered[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          length = buffered.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return;
          length = Number(buffered.readBigUInt64BE(2));
          offset = 10;
        }
        const masked = (buffered[1] & 0x80) !== 0;
        const mask = masked ? buffered.subarray(offset, offset + 4) : undefined;
        offset += masked ? 4 : 0;
        if (buffered.length < offset + length) return;
        const payload = Buffer.from(buffered.subarray(offset, offset + length));
        if (mask) for (let i = 0; i < payload.length; i += 1) payload[i] ^= mask[i % 4];
        buffered = buffered.subarray(offset + length);
        if (opcode === 0x1) {
          try {
            acks.push(JSON.parse(payload.toString('utf8')) as { envelope_id: string; payload?: Record<string, unknown> });
          } catch {
            // Not JSON: nothing Slack would act on either.
          }
        } else if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode === 0x8) {
          socket.end(frame(0x8, Buffer.alloc(0)));
          return;
        }
      }
    });
    socket.write(frame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0QUELL01' } }))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/link`,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    acks,
    send(envelope) {
      const data = frame(0x1, Buffer.from(JSON.stringify(envelope)));
      for (const socket of sockets) socket.write(data);
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
