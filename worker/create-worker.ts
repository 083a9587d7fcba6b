/**
 * Builds the Quell worker: the interpreter workflow plus the activity registry over the given deps.
 * Shared by `npm start` (worker/main.ts), tests and the durability child process.
 */
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities, ActivityDeps } from '../activities';

export interface QuellWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A pre-built bundle (tests build one per run); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createQuellWorker(options: QuellWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
  });
}
