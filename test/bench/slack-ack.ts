/**
 * `npm run bench`: how fast the Slack app acknowledges, under bursts of 50 concurrent signed
 * requests. Slack gives an app 3 s to ack (then it shows the person an error and may retry), so
 * this is the number that matters; it is reported, not asserted.
 *
 * The app runs as `npm start` runs it (HTTP receiver, real listeners, real Bolt verification of
 * every signature) on loopback, in a process of its own, so the load generator and Slack's side
 * (the fake Slack Web API of test/support/fake-slack-api.ts, the response_url sink), which share
 * this process, do not steal its event loop. Temporal is a stub answering after
 * BENCH_TEMPORAL_MS (default 20 ms): acks come before any Temporal call, except the start
 * form's validation, which needs only the runbook files.
 *
 * Kinds measured, each in bursts of 50 concurrent requests:
 * - `/quell help`          ack, then a reply through response_url;
 * - `/quell start <id>`    ack, then views.open with the generated form;
 * - Approve click          ack, then the approval Update, then an ephemeral reply;
 * - start form submission  validation of every field *before* the ack (errors go in it), then start;
 * - mixed                  all of the above interleaved.
 *
 * Environment: BENCH_BURSTS (default 5), BENCH_CONCURRENCY (default 50), BENCH_TEMPORAL_MS (20).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import type { ApprovalGateState, RunState } from '../../common/run-state';
import { Secret } from '../../config/secret';
import { createSlackApp } from '../../slack/app';
import { ActionId, CallbackId } from '../../slack/blocks/interaction-ids';
import { loadCatalogue } from '../../slack/runbooks';
import { buildStartModal } from '../../slack/start-modal';
import { startFakeSlackApi } from '../support/fake-slack-api';
import {
  SlackRequester,
  buttonClick,
  field,
  nextTriggerId,
  slashCommand,
  startResponseSink,
  viewSubmission,
  type SignedRequest,
} from '../support/slack-requests';

const BURSTS = Number(process.env.BENCH_BURSTS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const TEMPORAL_MS = Number(process.env.BENCH_TEMPORAL_MS ?? 20);
const TOKEN = 'xoxb-bench-0000000000';
const SECRET = 'bench-signing-secret-0123456789';
const CHANNEL = 'C0BENCH001';
const RUNBOOKS = path.resolve(__dirname, '..', '..', 'runbooks');

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Just enough of the Temporal client for the listeners measured here. */
function stubTemporal(): Client {
  let decisions = 0;
  const gate = (): ApprovalGateState => ({
    approverGroups: ['security-oncall'],
    quorum: 2,
    summary: 'bench',
    summarySha256: '0'.repeat(64),
    deadline: new Date(Date.now() + 3_600_000).toISOString(),
    decisions: [{ actor: 'U0BENCH', decision: 'approve', at: new Date().toISOString(), via: 'slack' }],
    escalated: false,
  });
  return {
    workflow: {
      getHandle: () => ({
        executeUpdate: async () => {
          decisions += 1;
          await delay(TEMPORAL_MS);
          return gate();
        },
        query: async (): Promise<RunState | undefined> => {
          await delay(TEMPORAL_MS);
          return undefined;
        },
      }),
      start: async (_type: string, options: { workflowId: string }) => {
        await delay(TEMPORAL_MS);
        return { workflowId: options.workflowId, firstExecutionRunId: `run-${decisions}` };
      },
      // An empty listing, answered after the same latency.
      list: () => ({
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            await delay(TEMPORAL_MS);
            return { done: true, value: undefined };
          },
        }),
      }),
    },
  } as unknown as Client;
}

interface Sample {
  kind: string;
  ms: number;
  status: number;
}

/** The app's process: starts it against the given Web API, prints its URL, runs until stdin closes. */
async function serveApp(apiUrl: string): Promise<void> {
  const app = createSlackApp({
    settings: {
      botToken: new Secret(TOKEN, 'bench'),
      signingSecret: new Secret(SECRET, 'bench'),
      channel: CHANNEL,
      apiUrl,
      receiver: 'http',
      listen: { host: '127.0.0.1', port: 0 },
    },
    temporal: stubTemporal(),
    taskQueue: 'bench',
    runbooksDir: RUNBOOKS,
    logger: pino({ level: 'silent' }),
    bot: { botId: 'B0QUELLBOT', botUserId: 'U0QUELLBOT' },
  });
  const { url } = await app.start();
  process.stdout.write(`${url}\n`);
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  await app.stop();
}

/** Starts the app's process (this file with --app) and waits for its URL. */
async function startAppProcess(apiUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--app', apiUrl], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the app process exited (${code}) before listening`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

async function main(): Promise<void> {
  const slack = await startFakeSlackApi({ token: TOKEN, channels: [{ id: CHANNEL, name: 'bench' }] });
  const sink = await startResponseSink();
  const app = await startAppProcess(slack.apiUrl);
  const requester = new SlackRequester(app.url, SECRET);

  const catalogue = await loadCatalogue(RUNBOOKS);
  const runbook = catalogue.runbooks.find((entry) => entry.runbook.id === 'credential-compromise')!;
  const form = buildStartModal(runbook.runbook, { sha256: runbook.sha256, channelId: CHANNEL });
  let n = 0;

  // Each builder signs a fresh request (its own trigger id / action_ts / view), as Slack would.
  const kinds: Record<string, () => SignedRequest> = {
    '/quell help': () => requester.signCommand(slashCommand({ text: 'help', user: 'U0BENCH', channel: CHANNEL, responseUrl: sink.url() })),
    '/quell start <runbook>': () =>
      requester.signCommand(slashCommand({ text: 'start credential-compromise', user: 'U0BENCH', channel: CHANNEL, responseUrl: sink.url(), triggerId: nextTriggerId() })),
    'Approve click': () =>
      requester.signInteraction(
        buttonClick({
          user: `U0BENCH${(n += 1)}`,
          button: { action_id: ActionId.approve, value: JSON.stringify({ w: 'quell:bench:INC-1', s: 'approve', h: '0'.repeat(64) }) },
          channel: CHANNEL,
          message: { ts: '1700000000.000100', thread_ts: '1700000000.000001' },
        }),
      ),
    'start form submission': () =>
      requester.signInteraction(
        viewSubmission({
          user: 'U0BENCH',
          view: { id: `V0BENCH${(n += 1)}`, callback_id: CallbackId.startRun, private_metadata: form.private_metadata },
          values: {
            'quell.input.principal': field.text('alice'),
            'quell.input.access_key_id': field.text('AKIAABCDEFGHIJKLMNOP'),
            'quell.input.cidrs': field.text('203.0.113.7'),
            'quell.input.vendor': field.select('acme'),
            'quell.incident': field.text(`INC-BENCH-${n}`),
            'quell.mode': field.checkboxes(['tabletop']),
          },
        }),
      ),
  };
  const names = Object.keys(kinds);

  const burst = async (kind: string, make: (i: number) => [string, SignedRequest]): Promise<Sample[]> => {
    const requests = Array.from({ length: CONCURRENCY }, (_, i) => make(i));
    return Promise.all(requests.map(async ([name, request]) => ({ kind: kind === 'mixed' ? 'mixed' : name, ...(await requester.send(request)) })));
  };

  // Warm-up: first requests pay for lazy loading (Bolt, JIT); they are not what Slack sees later.
  for (const name of names) await burst(name, () => [name, kinds[name]()]);

  const samples: Sample[] = [];
  for (const name of names) for (let b = 0; b < BURSTS; b += 1) samples.push(...(await burst(name, () => [name, kinds[name]()])));
  for (let b = 0; b < BURSTS; b += 1) samples.push(...(await burst('mixed', (i) => [names[i % names.length], kinds[names[i % names.length]]()])));
  // Let the work after the acks finish before stopping (replies, views.open, updates).
  await delay(500);
  await app.stop();

  const failed = samples.filter((sample) => sample.status !== 200);
  const rows = [...names, 'mixed'].map((kind) => summarise(kind, samples.filter((sample) => sample.kind === kind).map((sample) => sample.ms)));
  rows.push(summarise('all', samples.map((sample) => sample.ms)));
  const line = (cells: string[]) => `${cells[0].padEnd(24)}${cells.slice(1).map((cell) => cell.padStart(9)).join('')}`;
  process.stdout.write(
    `\nSlack app ack latency: HTTP receiver on loopback (own process), bursts of ${CONCURRENCY} concurrent signed requests, ` +
      `${BURSTS} bursts per kind, Temporal stub ${TEMPORAL_MS} ms, Node ${process.version}\n\n`,
  );
  process.stdout.write(`${line(['kind', 'n', 'p50 ms', 'p95 ms', 'max ms'])}\n`);
  for (const row of rows) process.stdout.write(`${line([row.kind, String(row.n), row.p50, row.p95, row.max])}\n`);
  process.stdout.write(
    `\nSlack's limit is 3000 ms. Non-200 answers: ${failed.length}. Work after the acks: ${slack.callsOf('views.open').length} views.open, ` +
      `${slack.callsOf('chat.postEphemeral').length} ephemerals, ${sink.posts.length} response_url replies.\n`,
  );
  await sink.stop();
  await slack.stop();
  if (failed.length > 0) process.exitCode = 1;
}

function summarise(kind: string, values: number[]): { kind: string; n: number; p50: string; p95: string; max: string } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { kind, n: sorted.length, p50: at(0.5).toFixed(1), p95: at(0.95).toFixed(1), max: (sorted.at(-1) ?? NaN).toFixed(1) };
}

const appMode = process.argv.indexOf('--app');
(appMode >= 0 ? serveApp(process.argv[appMode + 1]) : main()).catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
