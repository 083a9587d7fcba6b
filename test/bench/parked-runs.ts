/**
 * `npm run bench -- parked-runs`: worker memory per run parked at a human gate, Quell's bundle
 * side by side with a trivial workflow parked in a bundle of its own (what the SDK alone costs).
 * Reported, never asserted.
 *
 * A real Temporal dev server (worker/dev-server.ts) and, for each bundle in turn, a worker in a
 * child process: Quell's through createQuellWorker (tabletop activities), the baseline through a
 * bare Worker.create, both with room in the cache for every run. WARMUP runs are parked first (the
 * sandbox exists, code is compiled), memory is taken, N more runs are parked, memory is taken
 * again: the difference over N is what one more parked run costs. Quell parks
 * runbooks/credential-compromise.yaml at its first step (the triage decision); the baseline sets a
 * query and an update handler and waits on a condition with a deadline.
 *
 * Memory, in the worker process after garbage collection: RSS (the whole process: V8, the Rust
 * core's cached histories, native buffers) and V8 heap in use, main thread plus the SDK's workflow
 * thread (where every cached run's sandbox lives), read by a probe preloaded with `-r` (Node runs
 * preloads in worker threads too) that answers on a BroadcastChannel.
 *
 * Environment: BENCH_PARKED_RUNS (N, default 300), BENCH_WARMUP_RUNS (10), BENCH_PARK_TIMEOUT_MS
 * (600000), BENCH_QUELL_BUNDLE (a pre-built bundle to measure, e.g. dist/workflow-bundle.js after
 * `npm run build`; default: workflows/ bundled from sources as production bundles it).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import pino from 'pino';
import { buildActivityDeps } from '../../activities/build-deps';
import { startRun } from '../../client/runs';
import { resolveTemporalCli, startDevServer } from '../../worker/dev-server';
import { createQuellWorker } from '../../worker/create-worker';
import { bundleQuellWorkflows } from '../../worker/workflow-bundle';
import { loadTestRunbook } from '../support/runbooks';

const REPO = path.resolve(__dirname, '..', '..');
const PARKED = positive('BENCH_PARKED_RUNS', 300);
const WARMUP = positive('BENCH_WARMUP_RUNS', 10);
const PARK_TIMEOUT_MS = positive('BENCH_PARK_TIMEOUT_MS', 600_000);
const RUNBOOK = 'runbooks/credential-compromise.yaml';
const RUNBOOK_INPUTS = { principal: 'alice', access_key_id: 'AKIAABCDEFGHIJKLMNOP', cidrs: ['203.0.113.0/24'] };
/** Starts and queries in flight at once (two cores: more only queues). */
const CONCURRENCY = 20;
const HEAP_CHANNEL = 'quell-bench-parked-runs-heap';
const MB = 1024 * 1024;
/** What a parked Quell run may cost the worker (RSS), the reason this benchmark exists. */
const GOAL_MB = 0.4;

type Kind = 'baseline' | 'quell';

/** `heapUsed`: V8 heap in use, main thread plus every worker thread (the SDK's workflow thread). */
interface Memory {
  rss: number;
  heapUsed: number;
  threads: number;
}
interface Measured {
  perRun: Memory;
  before: Memory;
  after: Memory;
}

/** What the worker process is told (by environment). */
interface WorkerSettings {
  kind: Kind;
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath: string;
  dataDir: string;
  maxCachedWorkflows: number;
}

/** The baseline: as little as a parked workflow can be (a handler each and a gate with a deadline). */
const BASELINE_WORKFLOW = `
const { condition, defineQuery, defineUpdate, setHandler } = require('@temporalio/workflow');
exports.parkedBaseline = async function parkedBaseline() {
  let released = false;
  setHandler(defineQuery('parked'), () => true);
  setHandler(defineUpdate('release'), () => { released = true; });
  await condition(() => released, '1h');
};
`;

/** Preloaded into the worker process (Node runs it in each worker thread): a thread answers with its heap after a full GC. */
const HEAP_PROBE = `
const { isMainThread, threadId } = require('node:worker_threads');
if (!isMainThread) {
  const v8 = require('node:v8');
  const channel = new BroadcastChannel(${JSON.stringify(HEAP_CHANNEL)});
  channel.onmessage = (event) => {
    if (!event.data || event.data.type !== 'measure') return;
    if (typeof globalThis.gc === 'function') { globalThis.gc(); globalThis.gc(); }
    channel.postMessage({ type: 'heap', id: event.data.id, threadId, used: v8.getHeapStatistics().used_heap_size });
  };
  channel.unref();
}
`;

// ---- The benchmark (parent process) ---------------------------------------------------------

async function main(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-bench-parked-'));
  const logger = { info: () => undefined, warn: (_fields: unknown, message: string) => void process.stderr.write(`[dev-server] ${message}\n`) }; // warnings only
  const cli = await resolveTemporalCli({ logger });
  const server = await startDevServer({ cli, logger });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  try {
    const bundles = await prepareBundles(scratch);
    process.stdout.write(
      `parked runs: N=${PARKED} (after ${WARMUP} warm-up runs), Temporal ${server.address}, Node ${process.version}, ${os.cpus().length} CPUs\n` +
        `bundles: quell ${describeBundle(bundles.quell)}; baseline ${describeBundle(bundles.baseline)}\n`,
    );
    const env = { client, address: server.address, namespace: server.namespace, scratch };
    const baseline = await measureKind('baseline', bundles.baseline, env);
    report({ baseline, quell: await measureKind('quell', bundles.quell, env) });
  } finally {
    await connection.close();
    await server.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Quell's bundle (pre-built, or from sources with the production options) and the baseline's. */
async function prepareBundles(scratch: string): Promise<Record<Kind, string>> {
  const quell = path.join(scratch, 'quell-bundle.js');
  const prebuilt = process.env.BENCH_QUELL_BUNDLE;
  if (prebuilt) fs.copyFileSync(path.resolve(prebuilt), quell);
  else fs.writeFileSync(quell, (await bundleQuellWorkflows()).code);

  const source = path.join(scratch, 'baseline-workflow', 'index.js');
  fs.mkdirSync(path.dirname(source), { recursive: true });
  fs.writeFileSync(source, BASELINE_WORKFLOW);
  const { code } = await bundleWorkflowCode({
    workflowsPath: source,
    logger: new DefaultLogger('WARN'),
    // The source sits in a temp folder: resolve @temporalio/workflow from the project.
    webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, modules: [...(config.resolve?.modules ?? []), path.join(REPO, 'node_modules')] } }),
  });
  const baseline = path.join(scratch, 'baseline-bundle.js');
  fs.writeFileSync(baseline, code);
  return { quell, baseline };
}

function describeBundle(file: string): string {
  const code = fs.readFileSync(file, 'utf8');
  const map = code.lastIndexOf('//# sourceMappingURL=');
  return `${(code.length / MB).toFixed(2)} MB (${((map < 0 ? code.length : map) / MB).toFixed(2)} MB without the inline source map)`;
}

async function measureKind(kind: Kind, bundlePath: string, env: { client: Client; address: string; namespace: string; scratch: string }): Promise<Measured> {
  const { address, namespace, scratch } = env;
  const taskQueue = `bench-parked-${kind}-${process.pid}`;
  // Room in the cache for every run: an evicted run would not count.
  const settings: WorkerSettings = { kind, address, namespace, taskQueue, bundlePath, dataDir: path.join(scratch, `${kind}-data`), maxCachedWorkflows: WARMUP + PARKED + 50 };
  const worker = await startWorkerProcess(settings, scratch);
  const ids: string[] = [];
  try {
    const park = async (count: number): Promise<void> => {
      const names = Array.from({ length: count }, (_, index) => `${kind}-${ids.length + index}`);
      const batch: string[] = [];
      const started = Date.now();
      await inBatches(names, async (name) => {
        const id = await startParkedRun(env.client, settings, name);
        batch.push(id);
        ids.push(id);
      });
      await waitParked(env.client, kind, batch);
      process.stdout.write(`  ${kind}: ${count} runs parked in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    };
    await park(WARMUP);
    const before = await worker.measure();
    await park(PARKED);
    const after = await worker.measure();
    const perRun = { rss: (after.rss - before.rss) / PARKED, heapUsed: (after.heapUsed - before.heapUsed) / PARKED, threads: after.threads };
    return { perRun, before, after };
  } finally {
    await inBatches(ids, (id) => env.client.workflow.getHandle(id).terminate('benchmark done').then(() => undefined, () => undefined));
    await worker.stop();
  }
}

let runbookLoaded: ReturnType<typeof loadTestRunbook> | undefined;

/** Starts one run; returns its workflow id (Quell's is derived from runbook, incident and mode). */
async function startParkedRun(client: Client, settings: WorkerSettings, name: string): Promise<string> {
  if (settings.kind === 'baseline') {
    const handle = await client.workflow.start('parkedBaseline', { taskQueue: settings.taskQueue, workflowId: name, args: [] });
    return handle.workflowId;
  }
  runbookLoaded ??= loadTestRunbook(RUNBOOK);
  const { runbook, sha256 } = await runbookLoaded;
  const handle = await startRun(client, {
    runbook,
    runbookSha256: sha256,
    inputs: RUNBOOK_INPUTS,
    mode: 'tabletop',
    requestedBy: 'bench.requester',
    requestedVia: 'api',
    incidentId: `INC-BENCH-${process.pid}-${name}`,
    taskQueue: settings.taskQueue,
  });
  return handle.workflowId;
}

/** Waits until every run is idle at its gate (Quell: the gate is open and its policy known). */
async function waitParked(client: Client, kind: Kind, workflowIds: readonly string[]): Promise<void> {
  const deadline = Date.now() + PARK_TIMEOUT_MS;
  let pending = [...workflowIds];
  while (pending.length > 0) {
    if (Date.now() > deadline) throw new Error(`${pending.length} ${kind} runs did not park within ${PARK_TIMEOUT_MS} ms`);
    const parked = new Set<string>();
    await inBatches(pending, async (id) => {
      if (await isParked(client, kind, id)) parked.add(id);
    });
    pending = pending.filter((id) => !parked.has(id));
    if (pending.length > 0) await delay(250);
  }
  // Let the last tasks' completions and any follow-up (membership reads, timers) settle.
  await delay(2_000);
}

async function isParked(client: Client, kind: Kind, id: string): Promise<boolean> {
  const handle = client.workflow.getHandle(id);
  try {
    if (kind === 'baseline') return (await handle.query<boolean>('parked')) === true;
    const state = await handle.query<{ steps: Array<{ kind: string; status: string; approval?: { policy?: string }; decision?: { policy?: string } }> }>('runState');
    return state.steps.some((step) => step.status === 'waiting' && (step.approval ?? step.decision)?.policy !== undefined);
  } catch {
    // Not yet started by the worker (no completed workflow task to query).
    return false;
  }
}

function report(results: Record<Kind, Measured>): void {
  const mb = (bytes: number) => (bytes / MB).toFixed(3).padStart(8);
  const total = (bytes: number) => (bytes / MB).toFixed(0).padStart(6);
  process.stdout.write('\n                 MB per parked run      worker process totals, MB (before -> after N runs)\n');
  process.stdout.write('                    RSS     heap        RSS              heap\n');
  for (const kind of ['baseline', 'quell'] as const) {
    const { perRun, before, after } = results[kind];
    const totals = `${total(before.rss)} -> ${total(after.rss)}    ${total(before.heapUsed)} -> ${total(after.heapUsed)}   (${after.threads} threads)`;
    process.stdout.write(`  ${kind.padEnd(10)}  ${mb(perRun.rss)} ${mb(perRun.heapUsed)}     ${totals}\n`);
  }
  const ratio = (field: 'rss' | 'heapUsed') => (results.quell.perRun[field] / results.baseline.perRun[field]).toFixed(1);
  process.stdout.write(`  quell/baseline: RSS ${ratio('rss')}x, heap ${ratio('heapUsed')}x (goal for quell: at most ${GOAL_MB} MB per parked run)\n`);
}

// ---- The worker process (child) -------------------------------------------------------------

async function startWorkerProcess(settings: WorkerSettings, scratch: string): Promise<{ measure(): Promise<Memory>; stop(): Promise<void> }> {
  const probe = path.join(scratch, 'heap-probe.js');
  fs.writeFileSync(probe, HEAP_PROBE);
  const child = spawn(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', '-r', probe, __filename], {
    cwd: REPO,
    env: { ...process.env, BENCH_PARKED_WORKER: JSON.stringify(settings) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const replies: Array<(message: unknown) => void> = [];
  child.on('message', (message) => replies.shift()?.(message));
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      replies.push(resolve);
      void exited.then(() => reject(new Error(`the ${settings.kind} worker process exited`)));
    });
  const ready = (await next()) as { type?: string };
  if (ready.type !== 'ready') throw new Error(`the ${settings.kind} worker process did not start: ${JSON.stringify(ready)}`);
  return {
    async measure() {
      const reply = next();
      child.send({ type: 'measure' });
      const memory = (await reply) as Memory | { type: 'error'; message: string };
      if ('type' in memory) throw new Error(`the ${settings.kind} worker could not measure itself: ${memory.message}`);
      return memory;
    },
    async stop() {
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited.finally(() => clearTimeout(timer));
    },
  };
}

async function workerMain(settings: WorkerSettings): Promise<void> {
  // Errors only (core's included): the bench's output is its table.
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  process.on('worker', (thread) => {
    liveThreads.add(thread.threadId);
    thread.once('exit', () => liveThreads.delete(thread.threadId));
  });
  const connection = await NativeConnection.connect({ address: settings.address });
  const worker =
    settings.kind === 'quell'
      ? await createQuellWorker({
          connection,
          namespace: settings.namespace,
          taskQueue: settings.taskQueue,
          deps: await buildActivityDeps({ dataDir: settings.dataDir, tabletopLatencyMs: 0 }, pino({ level: 'silent' })),
          workflowBundle: { codePath: settings.bundlePath },
          maxCachedWorkflows: settings.maxCachedWorkflows,
        })
      : await Worker.create({
          connection,
          namespace: settings.namespace,
          taskQueue: settings.taskQueue,
          workflowBundle: { codePath: settings.bundlePath },
          maxCachedWorkflows: settings.maxCachedWorkflows,
        });
  const running = worker.run();
  const heap = new BroadcastChannel(HEAP_CHANNEL);
  heap.unref();
  process.on('message', (message: { type: string }) => {
    const answer = (reply: unknown) => process.send?.(reply);
    if (message.type === 'measure') measureSelf(heap).then(answer, (error: unknown) => answer({ type: 'error', message: String(error) }));
    if (message.type === 'stop') worker.shutdown();
  });
  process.send?.({ type: 'ready' });
  try {
    await running;
  } finally {
    heap.close();
    await connection.close();
    // The IPC channel would keep this process alive.
    process.disconnect?.();
  }
}

let measurements = 0;
/** The process's worker threads (the SDK's workflow thread): each must answer a measurement. */
const liveThreads = new Set<number>();
/** A thread with a big heap may take a while to collect it and answer. */
const THREAD_ANSWER_LIMIT_MS = 60_000;
const ignore = (): void => undefined;

/** This process's memory after collecting garbage everywhere; the threads answer through the probe. */
async function measureSelf(channel: BroadcastChannel): Promise<Memory> {
  const threads = await threadHeaps(channel);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  // Settle, then the process as a whole.
  await delay(500);
  const usage = process.memoryUsage();
  const threadHeap = [...threads.values()].reduce((sum, used) => sum + used, 0);
  return { rss: usage.rss, heapUsed: usage.heapUsed + threadHeap, threads: threads.size };
}

/** Heap in use of every live worker thread (by thread id), each after a full collection. */
function threadHeaps(channel: BroadcastChannel): Promise<Map<number, number>> {
  const id = ++measurements;
  const threads = new Map<number, number>();
  if (liveThreads.size === 0) return Promise.resolve(threads);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.onmessage = ignore;
      reject(new Error(`${liveThreads.size - threads.size} of ${liveThreads.size} worker threads did not report their heap within ${THREAD_ANSWER_LIMIT_MS} ms`));
    }, THREAD_ANSWER_LIMIT_MS);
    channel.onmessage = (event) => {
      const data = (event as { data?: { type?: string; id?: number; threadId: number; used: number } }).data;
      if (data?.type !== 'heap' || data.id !== id) return;
      threads.set(data.threadId, data.used);
      if ([...liveThreads].every((threadId) => threads.has(threadId))) {
        clearTimeout(timer);
        channel.onmessage = ignore;
        resolve(threads);
      }
    };
    channel.postMessage({ type: 'measure', id });
  });
}

// ---- Helpers ----------------------------------------------------------------------------------

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let index = 0; index < items.length; index += CONCURRENCY) {
    await Promise.all(items.slice(index, index + CONCURRENCY).map(work));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(raw)}`);
  return value;
}

const workerSettings = process.env.BENCH_PARKED_WORKER;
(workerSettings ? workerMain(JSON.parse(workerSettings) as WorkerSettings) : main()).catch((error: unknown) => {
  process.stderr.write(`parked-runs bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
