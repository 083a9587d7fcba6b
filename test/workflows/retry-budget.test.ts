/**
 * Action steps are bounded by time, not by a count of attempts (workflows/activity-options.ts):
 * an action that keeps failing with a retryable error, as it does while a worker crash-loops,
 * still succeeds after more than the old ten attempts; a non-retryable failure ends it at once; a
 * runbook's explicit `max_attempts` is honoured; and the time budget does end an action that
 * never recovers. Runs a small test workflow with the action profile and short waits.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { ErrorType } from '../../common/errors';
import { ACTION_TIME_BUDGET, EXTERNAL_API, actionOptions } from '../../workflows/activity-options';
import { durationMs } from '../../common/duration';
import type { RetryBudgetInput } from '../fixtures/workflows/retry-budget';
import { connectTestClient, ensureTestRuntime, testServer, uniqueTaskQueue } from '../support/temporal';

describe('the action profile', () => {
  test('has no attempt count, only a time budget; an explicit max_attempts replaces the budget', () => {
    expect(EXTERNAL_API).toMatchObject({ scheduleToCloseTimeout: ACTION_TIME_BUDGET, retry: { maximumAttempts: Number.POSITIVE_INFINITY } });
    expect(actionOptions({})).toMatchObject({ scheduleToCloseTimeout: durationMs('30m'), retry: { maximumAttempts: Number.POSITIVE_INFINITY } });
    // A long step timeout still leaves room for a second attempt.
    expect(actionOptions({ timeout: '20m' })).toMatchObject({ startToCloseTimeout: durationMs('20m'), scheduleToCloseTimeout: durationMs('40m') });
    const counted = actionOptions({ retry: { max_attempts: 5, initial_interval: '30s' } });
    expect(counted.retry).toMatchObject({ maximumAttempts: 5, initialInterval: 30_000 });
    expect(counted).not.toHaveProperty('scheduleToCloseTimeout');
  });
});

describe('retries of an action step (on the test server)', () => {
  const taskQueue = uniqueTaskQueue('retry-budget');
  let worker: Worker;
  let running: Promise<void>;
  let connection: NativeConnection;

  beforeAll(async () => {
    ensureTestRuntime();
    connection = await NativeConnection.connect({ address: testServer().address });
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../fixtures/workflows/retry-budget'), logger: new DefaultLogger('WARN') });
    worker = await Worker.create({
      connection,
      namespace: testServer().namespace,
      taskQueue,
      workflowBundle: bundle,
      activities: {
        flaky(behaviour: string): Promise<number> {
          const { attempt } = Context.current().info;
          if (behaviour === 'refused') throw ApplicationFailure.create({ message: 'credentials refused', type: ErrorType.AuthFailed });
          const [, failures] = /^fails-(\d+)$/.exec(behaviour) ?? [];
          if (failures === undefined || attempt <= Number(failures)) throw new Error(`transient failure on attempt ${attempt}`);
          return Promise.resolve(attempt);
        },
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await connection.close();
  });

  async function run(input: RetryBudgetInput): Promise<number> {
    const client = await connectTestClient();
    try {
      return await client.workflow.execute('retryBudgetWorkflow', { taskQueue, workflowId: uniqueTaskQueue('retry-budget-run'), args: [input] });
    } finally {
      await client.connection.close();
    }
  }

  /** The chain of causes under a failed run: the activity failure, a timeout (if any), the last error. */
  async function failureOf(input: RetryBudgetInput): Promise<Array<{ name: string; message: string; type?: string; timeoutType?: unknown }>> {
    const error = await run(input).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const chain = [];
    for (let current = (error as Error).cause; current instanceof Error; current = current.cause) {
      const { type, timeoutType } = current as Error & { type?: string; timeoutType?: unknown };
      chain.push({ name: current.name, message: current.message, ...(type ? { type } : {}), ...(timeoutType !== undefined ? { timeoutType } : {}) });
    }
    return chain;
  }

  test('eleven retryable failures in a row (the old policy allowed 10 attempts) within the budget: the step still succeeds', async () => {
    expect(await run({ behaviour: 'fails-11', step: {} })).toBe(12);
  });

  test('a non-retryable failure ends the step at the first attempt', async () => {
    expect((await failureOf({ behaviour: 'refused', step: {} })).at(-1)).toMatchObject({ type: ErrorType.AuthFailed, message: 'credentials refused' });
  });

  test("a runbook's explicit max_attempts is honoured", async () => {
    expect((await failureOf({ behaviour: 'fails-11', step: { retry: { max_attempts: 3 } } })).at(-1)).toMatchObject({ message: 'transient failure on attempt 3' });
  });

  test('the time budget ends an action that never recovers', async () => {
    const started = Date.now();
    const chain = await failureOf({ behaviour: 'never', step: {}, budgetMs: 1_500 });
    expect(chain).toMatchObject([{ name: 'ActivityFailure' }, { name: 'TimeoutFailure', timeoutType: 'SCHEDULE_TO_CLOSE' }]);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
