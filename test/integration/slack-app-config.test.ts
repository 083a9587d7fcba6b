/**
 * The Slack app's configuration (the connectors file's `slack:` section) and `npm start`:
 * - signing_secret / app_token are secret references like every other secret; listen defaults;
 * - the app is off without them, HTTP with a signing secret, Socket Mode with an app-level token
 *   (which connects out with that token and acks envelopes over the socket);
 * - `npm start` (bin/quell-worker.js, a real process) starts the app beside the worker, answers a
 *   signed request, and stops both on SIGINT; bad Slack settings exit 2 with a clear message,
 *   before any server is started, and no secret value is ever printed.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { formatConnectorsError, loadConnectorsText } from '../../connectors/connectors-file';
import { createSlackApp } from '../../slack/app';
import { DEFAULT_LISTEN_HOST, DEFAULT_LISTEN_PORT, SlackAppConfigError, slackAppSettings } from '../../config/slack-app';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';
import { REPO } from '../support/runbooks';
import { SlackRequester, slashCommand, startResponseSink, startSocketModeServer, type ResponseSink } from '../support/slack-requests';
import { connectTestClient, runLogger, uniqueTaskQueue } from '../support/temporal';
import { plantSecret } from '../support/planted-secrets';
import { spawnWorkerProcess, exited, stopChildren } from '../support/worker-process';

const FILE = '/etc/quell/connectors.yaml';
const TOKEN = plantSecret('xoxb-slack-config-test-0123456789', 'slack bot token');
const SECRET = plantSecret('slack-config-test-signing-secret-abcdef', 'slack signing secret');
const APP_TOKEN = plantSecret('xapp-1-A0QUELL-0123456789-abcdef', 'slack app token');

function load(lines: string[], env: NodeJS.ProcessEnv = {}) {
  return loadConnectorsText(['version: 1', 'slack:', ...lines.map((line) => `  ${line}`)].join('\n'), FILE, env);
}

function settingsOf(lines: string[], env: NodeJS.ProcessEnv) {
  const result = load(lines, env);
  if (!result.ok) throw new Error(result.errors.map(formatConnectorsError).join('\n'));
  return slackAppSettings(result.config.slack);
}

describe('the slack: section', () => {
  const base = ['bot_token: { env: T_BOT }', 'channel: C0INCIDENT1'];
  const env = { T_BOT: TOKEN, T_SECRET: SECRET, T_APP: APP_TOKEN };

  test('without signing_secret or app_token the app stays off (notify and publishing still work)', () => {
    expect(settingsOf(base, env)).toBeUndefined();
  });

  test('signing_secret: HTTP receiver on 127.0.0.1:3000 unless listen says otherwise', () => {
    const http = settingsOf([...base, 'signing_secret: { env: T_SECRET }'], env)!;
    expect(http).toMatchObject({ receiver: 'http', channel: 'C0INCIDENT1', listen: { host: DEFAULT_LISTEN_HOST, port: DEFAULT_LISTEN_PORT } });
    expect(http.signingSecret?.reveal()).toBe(SECRET);
    expect(JSON.stringify(http)).not.toContain(SECRET);
    expect(settingsOf([...base, 'signing_secret: { env: T_SECRET }', 'listen: { host: 0.0.0.0, port: 8080 }'], env)!.listen).toEqual({ host: '0.0.0.0', port: 8080 });
  });

  test('app_token: Socket Mode', () => {
    expect(settingsOf([...base, 'app_token: { env: T_APP }'], env)).toMatchObject({ receiver: 'socket-mode' });
  });

  test('secrets only by reference; bad listen values and unknown keys are errors with file:line:col', () => {
    const result = load([...base, `signing_secret: ${SECRET}`, 'listen: { port: 70000, hots: x }']);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors.map(formatConnectorsError);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/etc\/quell\/connectors\.yaml:5:\d+: .*secrets are never written in the connectors file/),
        expect.stringMatching(/connectors\.yaml:6:\d+: port must be at most 65535, got 70000/),
        expect.stringMatching(/connectors\.yaml:6:\d+: unknown key "hots" \(did you mean "host"\?\)/),
      ]),
    );
    expect(errors.join('\n')).not.toContain(SECRET);
  });

  test('a bot token given as app_token (or the reverse) is refused by name, without the value', () => {
    const wrong = () => settingsOf([...base, 'app_token: { env: T_WRONG }'], { ...env, T_WRONG: 'xoxb-not-an-app-token' });
    expect(wrong).toThrow(SlackAppConfigError);
    expect(wrong).toThrow('slack.app_token (env:T_WRONG) is not an app-level token: it must start with xapp-');
    expect(wrong).not.toThrow(/xoxb-not-an-app-token/);
    expect(() => settingsOf(['bot_token: { env: T_APP }', 'channel: C1', 'signing_secret: { env: T_SECRET }'], env)).toThrow('slack.bot_token (env:T_APP) is an app-level token');
  });
});

describe('Socket Mode', () => {
  test('connects with the app-level token, acks a slash command over the socket and answers it; stop disconnects', async () => {
    // The fake Web API accepts one token: here the app-level one, which apps.connections.open needs.
    const slack = await startFakeSlackApi({ token: APP_TOKEN });
    const socket = await startSocketModeServer();
    slack.handle('apps.connections.open', () => ({ ok: true, url: socket.url }));
    const sink = await startResponseSink();
    const temporal = await connectTestClient();
    const settings = settingsOf(['bot_token: { env: T_BOT }', 'channel: C0INCIDENT1', 'app_token: { env: T_APP }', `api_url: ${slack.apiUrl}`], { T_BOT: TOKEN, T_APP: APP_TOKEN })!;
    const app = createSlackApp({
      settings,
      temporal,
      taskQueue: uniqueTaskQueue('socket-mode'),
      runbooksDir: path.join(REPO, 'runbooks'),
      logger: runLogger('logger'),
      bot: { botId: 'B0QUELLBOT', botUserId: 'U0QUELLBOT' },
    });
    try {
      expect(await app.start()).toEqual({ receiver: 'socket-mode' });
      expect(slack.callsOf('apps.connections.open')).toEqual([expect.objectContaining({ token: APP_TOKEN, status: 200 })]);
      expect(socket.connections).toBe(1);

      const responseUrl = sink.url();
      socket.send({ envelope_id: 'env-1', type: 'slash_commands', accepts_response_payload: true, payload: slashCommand({ text: 'stauts', user: 'U0RITA', channel: 'C0INCIDENT1', responseUrl }) });
      await until(() => socket.acks.some((ack) => ack.envelope_id === 'env-1'), 10_000);
      await until(() => sink.postsTo(responseUrl).length > 0, 10_000);
      expect(String(sink.postsTo(responseUrl)[0].body.text)).toContain('Did you mean `/quell status`?');
      await app.stop();
      await until(() => socket.open === 0, 10_000);
    } finally {
      await app.stop();
      await temporal.connection.close();
      await socket.stop();
      await sink.stop();
      await slack.stop();
    }
  });
});

describe('npm start with the Slack app', () => {
  let slack: FakeSlackApi;
  let sink: ResponseSink;
  let work: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    slack = await startFakeSlackApi({ token: TOKEN, channels: [{ id: 'C0INCIDENT1', name: 'incident-response' }] });
    sink = await startResponseSink();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-slack-start-'));
  });
  afterAll(async () => {
    await stopChildren(children);
    await sink?.stop();
    await slack?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  function worker(name: string, slackLines: string[], env: Record<string, string> = {}) {
    const connectors = path.join(work, `${name}.yaml`);
    fs.writeFileSync(connectors, ['version: 1', 'slack:', ...slackLines.map((line) => `  ${line}`), ''].join('\n'));
    const child = spawnWorkerProcess(
      {
        QUELL_TASK_QUEUE: uniqueTaskQueue('slack-start'),
        QUELL_DATA_DIR: path.join(work, `${name}-data`),
        QUELL_CONNECTORS_FILE: connectors,
        QUELL_LOG_LEVEL: 'info',
        START_SLACK_TOKEN: TOKEN,
        START_SLACK_SECRET: SECRET,
        ...env,
      },
      `slack-app-config-worker-${name}`,
    );
    children.push(child);
    const output = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    return { child, output };
  }

  test('starts the app beside the worker, answers a signed /quell help, and stops both on SIGINT', async () => {
    const port = await freePort();
    const { child, output } = worker('good', [
      'bot_token: { env: START_SLACK_TOKEN }',
      'signing_secret: { env: START_SLACK_SECRET }',
      'channel: C0INCIDENT1',
      `api_url: ${slack.apiUrl}`,
      `listen: { host: 127.0.0.1, port: ${port} }`,
    ]);
    const url = `http://127.0.0.1:${port}/slack/events`;
    await until(() => output.stdout.includes(`Slack app listening at ${url}`) || child.exitCode !== null, 60_000);
    expect(child.exitCode).toBeNull();
    // Without known bot ids the app asked Slack who it is, with the bot token.
    expect(slack.callsOf('auth.test').some((call) => call.token === TOKEN)).toBe(true);

    const responseUrl = sink.url();
    const answer = await new SlackRequester(url, SECRET).command(slashCommand({ text: 'help', user: 'U0RITA', channel: 'C0INCIDENT1', responseUrl }));
    expect(answer.status).toBe(200);
    await until(() => sink.postsTo(responseUrl).length > 0, 10_000);
    expect(String(sink.postsTo(responseUrl)[0].body.text)).toContain('`credential-compromise`');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
    expect(output.stdout).toContain('worker stopped');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    for (const secret of [TOKEN, SECRET]) expect(output.stdout + output.stderr).not.toContain(secret);
  });

  test('bad Slack settings exit 2 with the setting named, before any server starts', async () => {
    const { child, output } = worker(
      'wrong-token',
      ['bot_token: { env: START_SLACK_TOKEN }', 'app_token: { env: START_WRONG_APP_TOKEN }', 'channel: C0INCIDENT1'],
      { START_WRONG_APP_TOKEN: 'xoxb-pasted-into-the-wrong-place' },
    );
    expect(await exited(child)).toBe(2);
    expect(output.stderr).toContain('slack.app_token (env:START_WRONG_APP_TOKEN) is not an app-level token');
    expect(output.stdout + output.stderr).not.toContain('xoxb-pasted-into-the-wrong-place');

    const literal = worker('literal', ['bot_token: { env: START_SLACK_TOKEN }', `signing_secret: ${SECRET}`, 'channel: C0INCIDENT1']);
    expect(await exited(literal.child)).toBe(2);
    expect(literal.output.stderr).toMatch(/literal\.yaml:4:\d+: .*secrets are never written in the connectors file/);
    expect(literal.output.stdout + literal.output.stderr).not.toContain(SECRET);
  });

  test('a port already taken, or a bot token Slack refuses, exits 2 naming what to change', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const { child, output } = worker('taken', [
        'bot_token: { env: START_SLACK_TOKEN }',
        'signing_secret: { env: START_SLACK_SECRET }',
        'channel: C0INCIDENT1',
        `api_url: ${slack.apiUrl}`,
        `listen: { host: 127.0.0.1, port: ${port} }`,
      ]);
      expect(await exited(child)).toBe(2);
      expect(output.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE): change slack.listen in the connectors file`);
    } finally {
      taken.close();
    }
    const refused = worker(
      'refused',
      ['bot_token: { env: START_REVOKED }', 'signing_secret: { env: START_SLACK_SECRET }', 'channel: C0INCIDENT1', `api_url: ${slack.apiUrl}`, 'listen: { port: 0 }'],
      { START_REVOKED: 'xoxb-revoked-0000000000' },
    );
    expect(await exited(refused.child)).toBe(2);
    expect(refused.output.stderr).toContain('Slack refused the bot token (auth.test: invalid_auth): check slack.bot_token');
  });
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
