/**
 * Replay of recorded drills: the committed histories of real drills (test/fixtures/histories/drills,
 * recorded by `quell drill record` through `npm run record-drill-histories`) must replay against
 * today's workflow code, the drill's own history and its runs' alike. A change to the drill
 * workflow or the interpreter that would break drills in flight fails here. The fixtures are
 * checked to hold what makes them worth replaying: every inject kind told to the run, a late event
 * delivered, an approval, facilitator controls, a follow-up run.
 */
import fs from 'node:fs';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { INJECT_KINDS } from '../../common/drill-state';
import type { RunDrillInput } from '../../workflows/drill/state';
import type { RunRunbookInput } from '../../workflows/input';
import { loadRecordedDrillHistories, type RecordedDrillHistory } from '../support/recorded-histories';
import { ensureTestRuntime, testServer } from '../support/temporal';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function bundle() {
  return { workflowBundle: { code: fs.readFileSync(testServer().bundlePath, 'utf8') } };
}

const eventsOf = (recorded: RecordedDrillHistory): HistoryEvent[] => recorded.history.events ?? [];
const startInput = <T>(recorded: RecordedDrillHistory): T => defaultPayloadConverter.fromPayload<T>(eventsOf(recorded)[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!);
const signals = (recorded: RecordedDrillHistory, name: string) =>
  eventsOf(recorded)
    .filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === name)
    .map((event) => defaultPayloadConverter.fromPayload<{ injectId: string; kind?: string }>(event.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!));
const updatesAccepted = (recorded: RecordedDrillHistory) =>
  eventsOf(recorded).flatMap((event) => {
    const name = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
    return name ? [name] : [];
  });

describe('replay of recorded drills', () => {
  beforeAll(() => ensureTestRuntime());

  test('the drill-kinds recording holds the drill, its run and its follow-up, with every inject kind played', () => {
    const recording = loadRecordedDrillHistories().filter((recorded) => recorded.recording === 'drill-kinds');
    const drillId = 'quell-drill:drill-kinds:recorded';
    expect(recording.map(({ name, workflowId, role, workflowType }) => ({ name, workflowId, role, workflowType }))).toEqual([
      { name: 'drill-kinds/drill', workflowId: drillId, role: 'drill', workflowType: 'runDrill' },
      { name: 'drill-kinds/follow-up-second-key', workflowId: `${drillId}:follow-up:second-key`, role: 'follow-up', workflowType: 'runRunbook' },
      { name: 'drill-kinds/run', workflowId: `${drillId}:run`, role: 'run', workflowType: 'runRunbook' },
    ]);
    const [drill, followUp, run] = recording as [RecordedDrillHistory, RecordedDrillHistory, RecordedDrillHistory];

    // The manifest describes the drill the history started.
    const input = startInput<RunDrillInput>(drill);
    expect(drill.manifest.scenario).toEqual({ id: input.scenario.id, version: input.scenario.version, sha256: input.scenario.sha256 });
    expect(drill.manifest.runbook).toEqual({ id: input.runbook.id, sha256: input.runbookSha256 });
    expect(new Set(input.injects.map((inject) => inject.kind))).toEqual(new Set(INJECT_KINDS));

    // The run was told of every inject once, every kind among them, and the late event arrived.
    const told = signals(run, 'drillInject');
    expect(told.map((signal) => signal.injectId).sort()).toEqual(input.injects.map((inject) => inject.id).sort());
    expect(new Set(told.map((signal) => signal.kind))).toEqual(new Set(INJECT_KINDS));
    expect(signals(run, 'drillEventArrives').map((arrival) => arrival.injectId)).toEqual(['vendor-late']);
    expect(updatesAccepted(run)).toEqual(expect.arrayContaining(['decideApproval', 'deliverEvent']));
    // The faulted action's last attempt carries the drill's deliberate failure.
    const lastFailures = eventsOf(run).map((event) => event.activityTaskStartedEventAttributes?.lastFailure?.applicationFailureInfo?.type).filter(Boolean);
    expect(lastFailures).toContain('QuellDrillFault');

    // The facilitator steered: a note, a pause and resume, a follow-up, the end.
    expect(updatesAccepted(drill)).toEqual(expect.arrayContaining(['noteDrill', 'pauseDrill', 'resumeDrill', 'startFollowUp', 'endDrill']));
    expect(startInput<RunRunbookInput>(followUp)).toMatchObject({ mode: 'tabletop', drill: { drillId: drill.manifest.drillId } });
  });

  test("every recorded drill history replays deterministically with today's workflow code", async () => {
    const histories = loadRecordedDrillHistories();
    expect(histories.length).toBeGreaterThanOrEqual(3);
    const outcomes: Array<{ workflowId: string; error?: string }> = [];
    for await (const result of Worker.runReplayHistories(bundle(), histories)) {
      outcomes.push({ workflowId: result.workflowId, ...(result.error ? { error: `${result.error.name}: ${result.error.message}` } : {}) });
    }
    expect(outcomes).toEqual(histories.map(({ workflowId }) => ({ workflowId })));
    expect(new Set(histories.map(({ workflowId }) => workflowId)).size).toBe(histories.length);
  });
});
