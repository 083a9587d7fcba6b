/**
 * The replay check (replay.test.ts) can fail on a change to the code, not only to a history: a
 * copy of workflows/ with one small, realistic change (the approval step notifies its approvers
 * before it waits) is bundled the way production bundles, and a committed history no longer
 * replays against it. The same copy without the change replays clean, so the failure is the
 * change's, not the copying's. The recorded drills (replay-drills.test.ts) meet the same check,
 * with a second copy whose drill workflow tells the run of an inject after a timer.
 */
import { Worker } from '@temporalio/worker';
import { bundleQuellWorkflows } from '../../worker/workflow-bundle';
import { loadRecordedDrillHistories, loadRecordedHistories, recordedHistory } from '../support/recorded-histories';
import { ensureTestRuntime } from '../support/temporal';
import { copyWorkflows } from '../support/workflows-copy';

/** Where the approval step starts keeping its membership and then waits: the gate's first commands. */
const WAIT_FOR_DECISION = '  const membership = policyApplies ? keepGateMembership(ctx, gate, step.id) : undefined;\n';
/** What the changed code needs to import for its notify. */
const GATE_WAIT_IMPORT = "import { awaitGate, deadlineAfter } from './gate-wait';\n";
const NOTIFY_IMPORTS = `${GATE_WAIT_IMPORT}import { callAction } from '../call-action';\nimport { EXTERNAL_API } from '../activity-options';\n`;
const MARKER = 'Approval requested, your decision is awaited';
/** The change: before the gate's first commands, a `notify` activity to the approver groups. */
const NOTIFY_THEN_WAIT = `  await callAction(
    ctx,
    { stepId: step.id, action: 'notify', params: { to: spec.approvers, message: \`${MARKER}: \${summary}\` }, purpose: 'perform', keySuffix: 'requested' },
    EXTERNAL_API,
  );
${WAIT_FOR_DECISION}`;

/**
 * The drill's change: it tells the run of an inject a second after it fires (a timer before the
 * signal), and says so in the inject's record. The first inject of a recorded drill then meets a
 * recorded signal where the code now starts a timer.
 */
const DRILL_IMPORTS = "import { DrillClock } from './drill/clock';\n";
const DRILL_TELLS_RUN = '      await run.signal(drillInjectSignal, injectSignal(inject));\n';
const DRILL_MARKER = 'told the run a second late';
const BEAT_THEN_TELL = `      await sleep('1s');
      inject.effect = \`\${inject.effect}; ${DRILL_MARKER}\`;
${DRILL_TELLS_RUN}`;

let unchanged: { code: string };
let changed: { code: string };
let drillChanged: { code: string };

beforeAll(async () => {
  ensureTestRuntime();
  const copy = copyWorkflows();
  try {
    unchanged = await bundleQuellWorkflows(copy.workflowsPath);
    copy.replace('steps/approval.ts', WAIT_FOR_DECISION, NOTIFY_THEN_WAIT);
    copy.replace('steps/approval.ts', GATE_WAIT_IMPORT, NOTIFY_IMPORTS);
    changed = await bundleQuellWorkflows(copy.workflowsPath);
  } finally {
    copy.remove();
  }
  const drillCopy = copyWorkflows();
  try {
    drillCopy.replace('drill.ts', DRILL_IMPORTS, `import { sleep } from '@temporalio/workflow';\n${DRILL_IMPORTS}`);
    drillCopy.replace('drill.ts', DRILL_TELLS_RUN, BEAT_THEN_TELL);
    drillChanged = await bundleQuellWorkflows(drillCopy.workflowsPath);
  } finally {
    drillCopy.remove();
  }
});

async function replayAll(workflowBundle: { code: string }): Promise<Array<{ workflowId: string; error?: string }>> {
  const outcomes: Array<{ workflowId: string; error?: string }> = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, loadRecordedHistories())) {
    outcomes.push({ workflowId: result.workflowId, ...(result.error ? { error: result.error.name } : {}) });
  }
  return outcomes;
}

/** The recorded drills' histories replayed against a bundle, by name (`<recording>/<file>`). */
async function replayDrills(workflowBundle: { code: string }): Promise<Array<{ name: string; error?: string }>> {
  const histories = loadRecordedDrillHistories();
  const names = new Map(histories.map((recorded) => [recorded.workflowId, recorded.name]));
  const outcomes: Array<{ name: string; error?: string }> = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    outcomes.push({ name: names.get(result.workflowId)!, ...(result.error ? { error: result.error.name } : {}) });
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
    // Offboarding opens with its approval gate, so the collision is the gate's own.
    const { history } = recordedHistory('offboarding');
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

  test('the unchanged copy replays every recorded drill history clean: the drill, its run, its follow-up', async () => {
    expect(unchanged.code).not.toContain(DRILL_MARKER);
    expect(await replayDrills(unchanged)).toEqual([
      { name: 'drill-kinds/drill' },
      { name: 'drill-kinds/follow-up-second-key' },
      { name: 'drill-kinds/run' },
    ]);
  });

  test('a changed drill workflow (a timer before the run is told of an inject) fails the recorded drill, not its runs', async () => {
    expect(drillChanged.code).toContain(DRILL_MARKER);
    const drill = loadRecordedDrillHistories().find((recorded) => recorded.name === 'drill-kinds/drill')!;
    await expect(Worker.runReplayHistory({ workflowBundle: drillChanged }, drill.history, drill.workflowId)).rejects.toMatchObject({
      name: 'DeterminismViolationError',
      // The new timer meets the recorded signal to the run.
      message: expect.stringMatching(/Nondeterminism error: Timer machine does not handle this event: .*SignalExternalWorkflowExecutionInitiated/),
    });
    expect(await replayDrills(drillChanged)).toEqual([
      { name: 'drill-kinds/drill', error: 'DeterminismViolationError' },
      // The runs run the interpreter, which did not change.
      { name: 'drill-kinds/follow-up-second-key' },
      { name: 'drill-kinds/run' },
    ]);
  });

  test("against the changed interpreter, the drill's run (it has an approval gate) fails to replay; the drill and its gateless follow-up do not", async () => {
    expect(await replayDrills(changed)).toEqual([
      { name: 'drill-kinds/drill' },
      { name: 'drill-kinds/follow-up-second-key' },
      { name: 'drill-kinds/run', error: 'DeterminismViolationError' },
    ]);
  });
});
