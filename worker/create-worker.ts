/**
 * Builds the Quell worker: the interpreter workflow plus the activity registry over the given deps.
 * Shared by `npm start` (worker/main.ts), tests and the durability child process.
 */
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities, ActivityDeps } from '../activities';
import { bundleQuellWorkflows, prebuiltWorkflowBundle } from './workflow-bundle';

/** The environment variable that bounds the workflow cache (see {@link maxCachedWorkflowsFrom}). */
export const MAX_CACHED_WORKFLOWS_ENV = 'QUELL_MAX_CACHED_WORKFLOWS';

/**
 * Runs kept in the worker's cache by default. A cached run costs worker memory (about 0.3 MB parked
 * at a gate, see test/bench/parked-runs.ts); an evicted one costs a replay of its history when it
 * next has work (an approval, a timer), which for a parked run is milliseconds. The SDK's own
 * default grows with the heap limit (about 2,300 runs on a 4 GB heap); this bound keeps a worker
 * with many parked runs around 0.2 GB of cached runs, whatever the heap.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

export interface QuellWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /**
   * A pre-built bundle (tests build one per run). Otherwise the build's bundle when running
   * compiled code, or workflows/ bundled at start when running the TypeScript sources.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Bound of the workflow cache; default: QUELL_MAX_CACHED_WORKFLOWS, else DEFAULT_MAX_CACHED_WORKFLOWS. */
  maxCachedWorkflows?: number;
  /** The payload codec (config/codec/payload-data-converter.ts); without it payloads are stored readable. */
  dataConverter?: WorkerOptions['dataConverter'];
}

/**
 * The workflow cache bound from the environment: a whole number, 2 or more (or 0: no cache, every
 * workflow task replays the run's history; for testing replay). Unset or empty: the default.
 * @throws Error naming the variable when the value is not such a number.
 */
export function maxCachedWorkflowsFrom(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[MAX_CACHED_WORKFLOWS_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_MAX_CACHED_WORKFLOWS;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (value === 0 || value >= 2) return value;
  throw new Error(`${MAX_CACHED_WORKFLOWS_ENV} must be a whole number of runs, 2 or more (0 disables the cache), not ${JSON.stringify(raw.slice(0, 40))}`);
}

export async function createQuellWorker(options: QuellWorkerOptions): Promise<Worker> {
  const maxCachedWorkflows = options.maxCachedWorkflows ?? maxCachedWorkflowsFrom();
  // From sources: bundled here as the build bundles it (same options, same checks).
  const workflowBundle = options.workflowBundle ?? prebuiltWorkflowBundle() ?? { code: (await bundleQuellWorkflows()).code };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    // A run's next workflow task goes first to the worker that has it cached; if that worker died
    // (SIGKILL tells the server nothing), the task waits this long before any worker may take it.
    // The SDK's default of 10 s would dominate recovery; a live worker answers well within 3 s.
    stickyQueueScheduleToStartTimeout: '3s',
    // Bounded: runs parked at gates for days would otherwise fill the heap-sized default cache. An
    // evicted run is replayed from its history when it next has work, which approvals do at once.
    maxCachedWorkflows,
    workflowBundle,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
}
