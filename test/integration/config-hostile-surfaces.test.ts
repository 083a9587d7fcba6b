/**
 * Hostile configuration files through every process that reads them (issue 11): the worker
 * (bin/quell-worker.js, a real process), `quell doctor` and `quell start` (bin/quell.js). For each
 * file: the exit code, `file:line:col: message` in the output, no stack trace, nothing started,
 * and an upper bound on time (the old code hung for minutes, or forever on a FIFO).
 *
 * Then the run-time half of the URL-credential class, through a real worker and a LIVE run: a
 * vendor URL with a password that reaches the HTTP client anyway (the loader refuses it, so the
 * test builds the configuration by code) leaves no trace of the password in the run's history or
 * in the worker's log.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildLiveSetup } from '../../activities/live-setup';
import { formatConnectorsError, loadConnectorsText } from '../../connectors/connectors-file';
import { getRunState } from '../../client/runs';
import { createLogger } from '../../worker/logger';
import { runQuell, type CliResult } from '../support/cli';
import { startTestEngine } from '../support/engine';
import { historyText } from '../support/history-text';
import { plantSecret } from '../support/planted-secrets';
import { REPO } from '../support/runbooks';
import { waitForState } from '../support/run-driver';
import { leaksIn, secretForms } from '../support/secret-scan';
import { connectTestClient, runLogger, testServer, uniqueTaskQueue } from '../support/temporal';
import { spawnWorkerProcess } from '../support/worker-process';

const PASSWORD = plantSecret(`pw-${randomBytes(8).toString('hex')}`, 'password in a vendor URL');
const LEAK_FORMS = secretForms([['vendor url password', PASSWORD]]);
const VENDOR_RUNBOOK = path.join(REPO, 'test', 'fixtures', 'live', 'vendor-request.yaml');
/** Per process: start-up (~2 s) plus parsing a 2 MB file on a loaded machine, far below the old minutes. */
const SURFACE_BOUND_MS = 30_000;

const VALID_CONNECTORS = 'version: 1\nvendors:\n  globex: { channel: email, name: Globex, email: privacy@globex.example }\n';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-config-surfaces-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Outcome extends CliResult {
  elapsedMs: number;
}

/** `npm start` with `env` on top of the test server's address: its exit code and output. */
function runWorker(env: Record<string, string>): Promise<Outcome> {
  const started = performance.now();
  const child = spawnWorkerProcess(
    { QUELL_TASK_QUEUE: uniqueTaskQueue('config-hostile'), QUELL_DATA_DIR: path.join(work, 'worker-data'), QUELL_LOG_LEVEL: 'info', ...env },
    'config-hostile-worker',
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A worker that hangs (the old FIFO behaviour) is stopped after the bound and reported as such.
  const timer = setTimeout(() => child.kill('SIGKILL'), SURFACE_BOUND_MS + 5_000);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}

async function runCli(args: string[], env: Record<string, string>): Promise<Outcome> {
  const server = testServer();
  const started = performance.now();
  const result = await runQuell(args, {
    address: server.address,
    namespace: server.namespace,
    taskQueue: uniqueTaskQueue('config-hostile-cli'),
    dataDir: path.join(work, 'cli-data'),
    extra: env,
  });
  return { ...result, elapsedMs: performance.now() - started };
}

interface HostileFile {
  name: string;
  /** Writes the files; returns the environment naming them and where the refusal must point. */
  setup(): { env: Record<string, string>; file: string; at: { line: number; col: number }; message: RegExp };
  /** Exit code per surface; a surface left out does not read what this row breaks (see its note). */
  exits: { worker: number; doctor: number; start?: number };
}

function write(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

const rows: HostileFile[] = [
  {
    name: 'a vendor URL with a password',
    setup() {
      const text = `version: 1\nvendors:\n  globex: { channel: http, name: Globex, url: "https://admin:${PASSWORD}@api.globex.example/v1/delete", hmac_secret: { env: GLOBEX_KEY } }\n`;
      const file = write('url-password.yaml', text);
      const at = { line: 3, col: text.split('\n')[2].indexOf('"https') + 1 };
      return { env: { QUELL_CONNECTORS_FILE: file, GLOBEX_KEY: 'globex-hmac-key-0123' }, file, at, message: /vendors\.globex\.url must not contain credentials.*hmac_secret/ };
    },
    exits: { worker: 2, doctor: 2, start: 2 },
  },
  {
    name: 'an alias bomb',
    setup() {
      const lines = ['version: 1', 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let level = 0; level < 8; level += 1) {
        const name = String.fromCharCode(98 + level);
        lines.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(97 + level)}`).join(', ')}]`);
      }
      const file = write('alias-bomb.yaml', `${lines.join('\n')}\n`);
      return { env: { QUELL_CONNECTORS_FILE: file }, file, at: { line: 3, col: 8 }, message: /alias/i };
    },
    exits: { worker: 2, doctor: 2, start: 2 },
  },
  {
    // `quell start` never reads secret values (the CLI may run where the worker's secrets are not),
    // so it never opens the FIFO: only the worker and doctor read it.
    name: 'a secret file that is a FIFO nobody writes to',
    setup() {
      const fifo = path.join(work, `fifo-${randomBytes(4).toString('hex')}`);
      execFileSync('mkfifo', [fifo]);
      const file = write('fifo-secret.yaml', `version: 1\nopenbao:\n  address: http://127.0.0.1:8200\n  token: { file: ${fifo} }\n`);
      return { env: { QUELL_CONNECTORS_FILE: file }, file, at: { line: 4, col: 10 }, message: /openbao\.token: cannot read secret file .*fifo-[0-9a-f]+: is not a regular file/ };
    },
    exits: { worker: 2, doctor: 2 },
  },
  {
    // Doctor reports the approvers file as a failing row (exit 1), beside the connectors it probed.
    name: 'an approvers file with 100,000 people',
    setup() {
      const people = Array.from({ length: 100_000 }, (_, i) => `  p${i}: {cli: c${i}}\n`).join('');
      const file = write('people.yaml', `version: 1\npeople:\n${people}groups:\n  g: {people: [p1]}\n`);
      return {
        env: { QUELL_CONNECTORS_FILE: write('valid.yaml', VALID_CONNECTORS), QUELL_APPROVERS_FILE: file },
        file,
        // ~2.4 MB: refused from its size before a byte is parsed.
        at: { line: 1, col: 1 },
        message: /file is too large: [\d,]+ bytes where the limit is 1 MiB/,
      };
    },
    exits: { worker: 2, doctor: 1, start: 2 },
  },
  {
    name: 'a 60 MB connectors file',
    setup() {
      const file = path.join(work, 'huge.yaml');
      fs.closeSync(fs.openSync(file, 'w'));
      fs.truncateSync(file, 60 * 1024 * 1024);
      return { env: { QUELL_CONNECTORS_FILE: file }, file, at: { line: 1, col: 1 }, message: /file is too large: 62,914,560 bytes where the limit is 1 MiB/ };
    },
    exits: { worker: 2, doctor: 2, start: 2 },
  },
];

function expectClean(outcome: Outcome, expected: { code: number; file: string; at: { line: number; col: number }; message: RegExp }, surface: string): void {
  const output = `${outcome.stdout}\n${outcome.stderr}`;
  const where = `${expected.file}:${expected.at.line}:${expected.at.col}: `;
  const context = `${surface} exited ${outcome.code} in ${Math.round(outcome.elapsedMs)} ms:\n${output.slice(0, 2_000)}`;
  expect({ surface, code: outcome.code }).toEqual({ surface, code: expected.code });
  const line = output.split('\n').find((candidate) => candidate.includes(where));
  if (!line) throw new Error(`no "${where}" in the output of ${context}`);
  expect(line).toMatch(expected.message);
  expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(output).not.toMatch(/Quell worker running|^started /m);
  expect(leaksIn(output, LEAK_FORMS)).toEqual([]);
  expect(outcome.elapsedMs).toBeLessThan(SURFACE_BOUND_MS);
}

describe('hostile configuration files through the worker, doctor and start', () => {
  it.each(rows)('$name', async ({ setup, exits }) => {
    const { env, file, at, message } = setup();
    const incident = `INC-HOSTILE-${randomBytes(4).toString('hex')}`;
    const [worker, doctor, start] = await Promise.all([
      runWorker(env),
      runCli(['doctor'], env),
      exits.start === undefined ? undefined : runCli(['start', VENDOR_RUNBOOK, '-i', 'vendor=globex', '--incident', incident, '--as', 'rita.requester'], env),
    ]);
    expectClean(worker, { code: exits.worker, file, at, message }, 'worker');
    expectClean(doctor, { code: exits.doctor, file, at, message }, 'doctor');
    if (start && exits.start !== undefined) {
      expectClean(start, { code: exits.start, file, at, message }, 'start');
      const client = await connectTestClient();
      try {
        await expect(client.workflow.getHandle(`quell:vendor-request:${incident}`).describe()).rejects.toThrow(/not found/i);
      } finally {
        await client.connection.close();
      }
    }
  });
});

describe('a vendor URL with a password that reaches the HTTP client in a live run', () => {
  it('fails the step with the password nowhere in the history or the log', async () => {
    // Answers anything (the readiness probe's HEAD included); the deletion request never gets here:
    // fetch refuses a URL with credentials, quoting it, which is the text that used to leak.
    const vendor = http.createServer((_request, response) => response.writeHead(500).end('down'));
    await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
    const port = (vendor.address() as AddressInfo).port;
    const logLines: string[] = [];
    const captured = new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) });
    const engine = await startTestEngine('config-hostile-url', {
      logger: createLogger({ logLevel: 'trace' }, captured),
      live: await liveSetupWithCredentialUrl(`http://admin:${PASSWORD}@127.0.0.1:${port}/v1/delete`),
    });
    try {
      const workflowId = await engine.start(VENDOR_RUNBOOK, { vendor: 'globex' }, { mode: 'live' });
      const final = await waitForState(() => getRunState(engine.client, workflowId), (state) => ['completed', 'failed'].includes(state.status), 90_000);
      expect(final.status).toBe('failed');
      const history = await historyText(engine.client, workflowId);
      expect(history).toContain(`[redacted]@127.0.0.1:${port}`);
      expect(leaksIn(history, LEAK_FORMS)).toEqual([]);
      const log = logLines.join('');
      expect(log).toContain('action failed');
      expect(leaksIn(log, LEAK_FORMS)).toEqual([]);
    } finally {
      await engine.stop();
      vendor.close();
    }
  });
});

/** A valid live setup whose vendor URL is then given credentials, as code (or an older Quell) could. */
async function liveSetupWithCredentialUrl(url: string) {
  const text = 'version: 1\nvendors:\n  globex: { channel: http, name: Globex, url: "http://127.0.0.1:9/v1/delete", hmac_secret: { env: GLOBEX_KEY } }\n';
  const loaded = loadConnectorsText(text, path.join(work, 'runtime.yaml'), { GLOBEX_KEY: 'globex-hmac-key-0123' });
  if (!loaded.ok) throw new Error(loaded.errors.map(formatConnectorsError).join('\n'));
  const vendor = loaded.config.vendors?.globex as { url: string };
  vendor.url = url;
  return await buildLiveSetup(loaded.config, { logger: runLogger('config-hostile-live'), dataDir: path.join(work, 'live-data') });
}
