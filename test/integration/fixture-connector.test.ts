/**
 * Adding a system takes one folder and one registry line (issue 12, docs/architecture.md "Adding a
 * system"). The test adds a fake system, Echo Pager (test/fixtures/connectors/echo-pager/, one
 * action: `sessions.revoke`), to a scratch copy of the project exactly that way, checks that
 * nothing else changed, and then shows the system everywhere, running the copy from its sources
 * as a contributor would: `quell lint` accepts a step naming it (the project without it refuses
 * the same runbook), the connectors file accepts its section and refuses a bad one with
 * file:line:col, `quell doctor` probes it, README's table generator lists it, a tabletop run uses
 * its simulation and a live run calls its handler, which talks to a loopback HTTP server here.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { RunState } from '../../common/run-state';
import { copyProject, type ProjectCopy } from '../support/project-copy';
import { captureChildOutput, recordChildOutput } from '../support/run-logs';
import { REPO } from '../support/runbooks';
import { testServer, uniqueTaskQueue } from '../support/temporal';

const SYSTEM = 'echo-pager';
const FIXTURE_DIR = path.join(REPO, 'test', 'fixtures', 'connectors', SYSTEM);
const IMPORT_LINE = "import { echoPager } from './echo-pager';";
const ENTRY_LINE = 'echoPager,';
const PRINCIPAL = 'pat.pager';

const RUNBOOK = `id: fixture-echo-pager
version: 1
title: End a person's paging sessions (fixture connector)
severity: low
inputs:
  principal: { type: string, required: true }
steps:
  - id: end-paging
    action: sessions.revoke
    with: { provider: ${SYSTEM}, principal: "\${{ inputs.principal }}" }
`;

/** A loopback stand-in for the paging service: answers the probe, records every request. */
interface PagerService {
  url: string;
  requests: { method: string; path: string; body: Record<string, unknown>; idempotencyKey?: string }[];
  close(): Promise<void>;
}

async function startPagerService(): Promise<PagerService> {
  const requests: PagerService['requests'] = [];
  const receipts = new Map<string, string>();
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const key = request.headers['idempotency-key'];
      const idempotencyKey = typeof key === 'string' ? key : undefined;
      requests.push({ method: request.method ?? '', path: request.url ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, idempotencyKey });
      const reply = (status: number, body: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (request.method === 'GET' && request.url === '/health') return reply(200, { ok: true });
      if (request.method === 'POST' && request.url === '/sessions/revoke' && idempotencyKey) {
        const earlier = receipts.get(idempotencyKey);
        if (earlier) return reply(200, { sessions_ended: 2, receipt: earlier, already_done: true });
        const receipt = `ep-${receipts.size + 1}`;
        receipts.set(idempotencyKey, receipt);
        return reply(200, { sessions_ended: 2, receipt });
      }
      reply(404, { error: 'no such endpoint' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Adds the import and the entry under the registry's marker comments, one line each. */
function register(registry: string): string {
  const lines = registry.split('\n');
  const after = (marker: RegExp, line: (markerLine: string) => string): void => {
    const at = lines.findIndex((text) => marker.test(text));
    if (at < 0) throw new Error(`connectors/registry.ts has no line matching ${marker}`);
    lines.splice(at + 1, 0, line(lines[at]));
  };
  after(/^\s*\/\/ ── connector imports/, () => IMPORT_LINE);
  after(/^\s*\/\/ ── connector entries/, (marker) => `${/^\s*/.exec(marker)![0]}${ENTRY_LINE}`);
  return lines.join('\n');
}

/** The lines `after` adds to `before`, or undefined when it also removes or changes some. */
function insertedLines(before: string, after: string): string[] | undefined {
  const old = before.split('\n');
  const added: string[] = [];
  let next = 0;
  for (const line of after.split('\n')) {
    if (next < old.length && line === old[next]) next += 1;
    else added.push(line);
  }
  return next === old.length ? added : undefined;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> args` in `cwd`; its output goes to the run-wide secret scan as well. */
function runNode(cwd: string, script: string, args: string[], env: Record<string, string>, label: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 90_000 }, (error, stdout, stderr) => {
      recordChildOutput(label, stdout, stderr);
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

describe('a connector added through the registry alone', () => {
  const server = testServer();
  const taskQueue = uniqueTaskQueue('fixture-connector');
  let copy: ProjectCopy;
  let scratch: string;
  let pager: PagerService;
  let worker: ChildProcessByStdio<null, Readable, Readable> | undefined;
  let workerReady: Promise<void>;
  let files: { runbook: string; runbooksDir: string; connectors: string; badConnectors: string };

  /** The environment of a `quell` command of the copy (or, for controls, of the project). */
  const quellEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    QUELL_FROM_SOURCES: '1',
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: server.namespace,
    QUELL_TASK_QUEUE: taskQueue,
    QUELL_DATA_DIR: path.join(scratch, 'cli-data'),
    QUELL_RUNBOOKS_DIR: files.runbooksDir,
    QUELL_LOG_LEVEL: 'warn',
    ...extra,
  });
  const quell = (root: string, args: string[], extra?: Record<string, string>): Promise<Ran> =>
    runNode(root, path.join(root, 'bin', 'quell.js'), args, quellEnv(extra), root === REPO ? 'quell-project' : 'quell-copy');

  beforeAll(async () => {
    copy = copyProject('quell-fixture-connector-');
    fs.cpSync(FIXTURE_DIR, path.join(copy.root, 'connectors', SYSTEM), { recursive: true });
    const registry = path.join(copy.root, 'connectors', 'registry.ts');
    fs.writeFileSync(registry, register(fs.readFileSync(registry, 'utf8')));

    pager = await startPagerService();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-fixture-connector-files-'));
    const runbooksDir = path.join(scratch, 'runbooks');
    fs.mkdirSync(runbooksDir);
    files = {
      runbook: path.join(runbooksDir, 'end-paging.yaml'),
      runbooksDir,
      connectors: path.join(scratch, 'connectors.yaml'),
      badConnectors: path.join(scratch, 'bad-connectors.yaml'),
    };
    fs.writeFileSync(files.runbook, RUNBOOK);
    fs.writeFileSync(files.connectors, `version: 1\n${SYSTEM}:\n  url: ${pager.url}\n  team: incident-command\n`);
    // Line 3: a value the section's schema refuses; line 4: a key it does not have.
    fs.writeFileSync(files.badConnectors, `version: 1\n${SYSTEM}:\n  url: pager.example\n  colour: red\n`);

    // Started now: the worker bundles the workflow code while the checks below run.
    worker = spawn(process.execPath, [path.join(copy.root, 'bin', 'quell-worker.js')], {
      cwd: copy.root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...quellEnv({ QUELL_DATA_DIR: path.join(scratch, 'worker-data'), QUELL_CONNECTORS_FILE: files.connectors, QUELL_LOG_LEVEL: 'info' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    captureChildOutput(worker, 'worker-copy');
    const started = worker;
    workerReady = new Promise<void>((resolve, reject) => {
      let output = '';
      const seen = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (!output.includes('Quell worker running')) return;
        started.stdout.off('data', seen);
        started.stderr.off('data', seen);
        resolve();
      };
      started.stdout.on('data', seen);
      started.stderr.on('data', seen);
      started.once('exit', (code, signal) => reject(new Error(`the worker of the copy exited (${signal ?? code}) before it was ready:\n${output}`)));
    });
    // Awaited by the run test; a failure before then must not surface as an unhandled rejection.
    workerReady.catch(() => undefined);
  }, 60_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const child = worker;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    await pager?.close();
    copy?.remove();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('changes nothing outside its folder but one import and one entry in the registry', () => {
    const fixtureFiles = fs.readdirSync(FIXTURE_DIR).map((name) => `connectors/${SYSTEM}/${name}`);
    expect(copy.changedPaths()).toEqual([...fixtureFiles, 'connectors/registry.ts'].sort());
    const registry = fs.readFileSync(path.join(copy.root, 'connectors', 'registry.ts'), 'utf8');
    expect(insertedLines(copy.original('connectors/registry.ts'), registry)?.map((line) => line.trim())).toEqual([IMPORT_LINE, ENTRY_LINE]);
  });

  it('quell lint accepts a step naming it; the project without it refuses the same runbook', async () => {
    const accepted = await quell(copy.root, ['lint', files.runbook]);
    expect(accepted).toMatchObject({ code: 0, stdout: '' });
    expect(accepted.stderr).toContain('1 runbook OK');

    const refused = await quell(REPO, ['lint', files.runbook]);
    expect(refused.code).toBe(1);
    // The error points at the system's name in the step's `with` (line 10).
    expect(refused.stdout).toMatch(new RegExp(`^${escape(files.runbook)}:10:\\d+: provider must be one of .*; got "${SYSTEM}"$`, 'm'));
  });

  it('the connectors file takes its section, doctor probes it, and a bad section is refused where it is wrong', async () => {
    const before = pager.requests.length;
    const doctor = await quell(copy.root, ['doctor', '--json'], { QUELL_CONNECTORS_FILE: files.connectors });
    const rows = JSON.parse(doctor.stdout) as { connector: string; name: string; ok: boolean; detail: string; description: string }[];
    expect(rows.filter((row) => row.connector === SYSTEM)).toEqual([
      { connector: SYSTEM, description: `Echo Pager at ${pager.url}, team incident-command`, name: 'health', ok: true, detail: 'GET /health answered 200' },
    ]);
    expect(doctor).toMatchObject({ code: 0 });
    expect(pager.requests.slice(before)).toEqual([expect.objectContaining({ method: 'GET', path: '/health' })]);

    const bad = await quell(copy.root, ['doctor'], { QUELL_CONNECTORS_FILE: files.badConnectors });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${files.badConnectors}:3:8: url must be an http(s) URL`);
    expect(bad.stderr).toContain(`${files.badConnectors}:4:3: unknown key "colour"`);

    // Control: the project without the system does not know the section.
    const unknown = await quell(REPO, ['doctor'], { QUELL_CONNECTORS_FILE: files.connectors });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`${files.connectors}:2:1: unknown key "${SYSTEM}"`);
  });

  it("README's table generator lists it", async () => {
    const tsNode = path.join(copy.root, 'node_modules', 'ts-node', 'dist', 'bin.js');
    const docs = (args: string[]): Promise<Ran> => runNode(copy.root, tsNode, ['--transpile-only', 'scripts/docs.ts', ...args], {}, 'docs-copy');
    expect(await docs(['--check'])).toMatchObject({ code: 1, stderr: expect.stringContaining('the connector table is out of date') });
    expect(await docs([])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^updated: /) });
    expect((await docs(['--check'])).code).toBe(0);

    const readme = fs.readFileSync(path.join(copy.root, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith(`| \`${SYSTEM}\``));
    expect(rows).toEqual([
      `| \`${SYSTEM}\` Echo Pager (test fixture) | \`${SYSTEM}\` | — | **\`sessions.revoke\`** ends every paging session of \`principal\` (\`POST /sessions/revoke\`) A repeat with the same idempotency key is answered as already done. |`,
    ]);
    // Only the generated table changed.
    const outsideTable = (text: string): string => text.replace(/<!-- connectors table:[\s\S]*<!-- end of connectors table -->/, '');
    expect(outsideTable(readme)).toBe(outsideTable(copy.original('README.md')));
  });

  it('a tabletop run uses its simulation and a live run calls its handler', async () => {
    await workerReady;
    const start = async (mode: 'tabletop' | 'live'): Promise<{ ran: Ran; state: RunState }> => {
      const incident = `INC-FIXTURE-${mode}-${Date.now()}`;
      const args = ['start', files.runbook, '--input', `principal=${PRINCIPAL}`, '--incident', incident, '--as', 'fixture.tester', '--wait', '--json'];
      const ran = await quell(copy.root, mode === 'tabletop' ? [...args, '--tabletop'] : args, { QUELL_CONNECTORS_FILE: files.connectors });
      if (ran.code !== 0) throw new Error(`quell start (${mode}) exited ${ran.code}:\n${ran.stderr}\n${ran.stdout}`);
      return { ran, state: JSON.parse(ran.stdout) as RunState };
    };

    const requestsSince = (from: number): string[] => pager.requests.slice(from).map((request) => `${request.method} ${request.path}`);
    const beforeTabletop = pager.requests.length;
    const tabletop = await start('tabletop');
    expect(tabletop.state).toMatchObject({ mode: 'tabletop', status: 'completed' });
    expect(tabletop.state.steps).toEqual([
      expect.objectContaining({
        id: 'end-paging',
        status: 'succeeded',
        output: { principal: PRINCIPAL, sessions_ended: 0, simulated: true, would_do: [`echo-pager: end every paging session of ${PRINCIPAL}`] },
      }),
    ]);
    // Simulated: the service was not even probed.
    expect(requestsSince(beforeTabletop)).toEqual([]);

    const beforeLive = pager.requests.length;
    const live = await start('live');
    expect(live.state).toMatchObject({ mode: 'live', status: 'completed' });
    expect(live.state.steps).toEqual([
      expect.objectContaining({
        id: 'end-paging',
        status: 'succeeded',
        output: { principal: PRINCIPAL, team: 'incident-command', sessions_ended: 2, receipt: 'ep-1' },
      }),
    ]);
    // The worker's live-readiness check probed the system before its first step, then the
    // handler made exactly one request, for the step's principal.
    expect(requestsSince(beforeLive)).toEqual(['GET /health', 'POST /sessions/revoke']);
    expect(pager.requests.filter((request) => request.method === 'POST')).toEqual([
      { method: 'POST', path: '/sessions/revoke', body: { principal: PRINCIPAL, team: 'incident-command' }, idempotencyKey: expect.any(String) },
    ]);
  }, 180_000);
});

/** `text` as a literal inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
