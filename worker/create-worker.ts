/**
 * Builds the Quell worker: the interpreter workflow plus the activity registry over the given deps.
 * Shared by `npm start` (worker/main.ts), tests and the durability child process.
 */
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities, ActivityDeps } from '../activities';
import { prebuiltWorkflowBundle } from './workflow-bundle';

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
}

export async function createQuellWorker(options: QuellWorkerOptions): Promise<Worker> {
  const workflowBundle = options.workflowBundle ?? prebuiltWorkflowBundle();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    // A run's next workflow task goes first to the worker that has it cached; if that worker died
    // (SIGKILL tells the server nothing), the task waits this long before any worker may take it.
    // The SDK's default of 10 s would dominate recovery; a live worker answers well within 3 s.
    stickyQueueScheduleToStartTimeout: '3s',
    ...(workflowBundle
      ? { workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
  });
}
