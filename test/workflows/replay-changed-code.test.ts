/**
 * The replay check (replay.test.ts) can fail on a change to the code, not only to a history: a
 * copy of workflows/ with one small, realistic change (the approval step notifies its approvers
 * before it waits) is bundled the way production bundles, and a committed history no longer
 * replays against it. The same copy without the change replays clean, so the failure is the
 * change's, not the copying's.
 */
import { Worker } from '@temporalio/worker';
import { bundleQuellWorkflows } from '../../worker/workflow-bundle';
import { loadRecordedHistories, recordedHistory } from '../support/recorded-histories';
import { ensureTestRuntime } from '../support/temporal';
import { copyWorkflows } from '../support/workflows-copy';

/** The approval step's wait for a decision: the first command a gate issues is its timeout timer. */
const WAIT_FOR_DECISION = '    let decided = await condition(() => gate.outcome !== undefined, waitMs);\n';
const MARKER = 'Approval requested, your decision is awaited';
/** The change: before the timer, a `notify` activity to the approver groups. */
const NOTIFY_THEN_WAIT = `    await callAction(
      ctx,
      { stepId: step.id, action: 'notify', params: { to: spec.approvers, message: \`${MARKER}: \${summary}\` }, purpose: 'perform', keySuffix: 'requested' },
      EXTERNAL_API,
    );
${WAIT_FOR_DECISION}`;

let unchanged: { code: string };
let changed: { code: string };

beforeAll(async () => {
  ensureTestRuntime();
  const copy = copyWorkflows();
  try {
    unchanged = await bundleQuellWorkflows(copy.workflowsPath);
    copy.replace('steps/approval.ts', WAIT_FOR_DECISION, NOTIFY_THEN_WAIT);
    changed = await bundleQuellWorkflows(copy.workflowsPath);
  } finally {
    copy.remove();
  }
});

async function replayAll(workflowBundle: { code: string }): Promise<Array<{ workflowId: string; error?: string }>> {
  const outcomes: Array<{ workflowId: string; error?: string }> = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, loadRecordedHistories())) {
    outcomes.push({ workflowId: result.workflowId, ...(result.error ? { error: result.error.name } : {}) });
  }
  return outcomes;
}

describe('replay against a changed copy of the workflow code', () => {
  test('the copy, unchanged and bundled by the production bundler, replays every history clean', async () => {
    expect(unchanged.code).not.toContain(MARKER);
    expect(await replayAll(unchanged)).toEqual([
      { workflowId: 'cancelled-with-compensation' },
      { workflowId: 'credential-compromise' },
      { workflowId: 'offboarding' },
      { workflowId: 'vendor-breach' },
    ]);
  });

  test('the changed copy (a notify before the approval wait) is a determinism error on a recorded run with a gate', async () => {
    expect(changed.code).toContain(MARKER);
    const { history } = recordedHistory('credential-compromise');
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, 'changed-code')).rejects.toMatchObject({
      name: 'DeterminismViolationError',
      // The new activity meets the gate's recorded timeout timer (the SDK core's wording).
      message: expect.stringMatching(/Nondeterminism error: Activity machine does not handle this event: .*TimerStarted/),
    });
  });

  test('against the changed copy, exactly the recorded runs with an approval gate fail to replay', async () => {
    expect(await replayAll(changed)).toEqual([
      // No approval step in its runbook: the changed code path is never taken.
      { workflowId: 'cancelled-with-compensation' },
      { workflowId: 'credential-compromise', error: 'DeterminismViolationError' },
      { workflowId: 'offboarding', error: 'DeterminismViolationError' },
      { workflowId: 'vendor-breach', error: 'DeterminismViolationError' },
    ]);
  });
});
