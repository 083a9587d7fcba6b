/**
 * `quell audit verify --replay` (client/audit-replay.ts): every committed history, of runs and of
 * recorded drills, is reproduced by today's code; a deliberately changed copy of the interpreter
 * (test/fixtures/workflows/changed-interpreter.ts: action steps skipped) reproduces none of the
 * runs that performed an action, and the verdict names the recorded event the change collides
 * with. No worker and no server: replay needs only the history and the workflow code.
 */
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { readHistoryFile, replayHistory, type ReplayVerdict } from '../../client/audit-replay';
import { changedInterpreterCopy, CHANGED_MARKER } from '../fixtures/workflows/changed-interpreter';
import { HISTORIES_DIR, loadRecordedDrillHistories, loadRecordedHistories } from '../support/recorded-histories';
import { ensureTestRuntime } from '../support/temporal';
import type { WorkflowsCopy } from '../support/workflows-copy';

type History = temporal.api.history.v1.IHistory;

interface Committed {
  name: string;
  workflowId: string;
  history: History;
}

/** Every committed history: the runs by file name, the drills as `<recording>/<file>`. */
function committedHistories(): Committed[] {
  return [
    ...loadRecordedHistories().map(({ workflowId, history }) => ({ name: workflowId, workflowId, history })),
    ...loadRecordedDrillHistories().map(({ name, workflowId, history }) => ({ name, workflowId, history })),
  ];
}

/**
 * The id of the history's first action: an ActivityTaskScheduled event for a step's action (its
 * request names the action and the step; approver look-ups and other activities do not).
 */
function firstAction(history: History): { eventId: number; action: string } | undefined {
  const event = history.events?.find((candidate) => {
    const scheduled = candidate.activityTaskScheduledEventAttributes;
    const payload = scheduled?.input?.payloads?.[0];
    if (!payload) return false;
    const request = defaultPayloadConverter.fromPayload<{ action?: string; stepId?: string }>(payload);
    return request.action === scheduled.activityType?.name && request.stepId !== undefined;
  });
  return event ? { eventId: Number(event.eventId), action: event.activityTaskScheduledEventAttributes!.activityType!.name! } : undefined;
}

/** Characters of `text` that a regular expression would read as syntax, escaped. */
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function replayAll(workflowsPath?: string): Promise<Array<{ name: string; verdict: ReplayVerdict }>> {
  const outcomes: Array<{ name: string; verdict: ReplayVerdict }> = [];
  for (const { name, workflowId, history } of committedHistories()) {
    outcomes.push({ name, verdict: await replayHistory(history, { workflowId, ...(workflowsPath ? { workflowsPath } : {}) }) });
  }
  return outcomes;
}

let changed: WorkflowsCopy;

beforeAll(() => {
  ensureTestRuntime();
  changed = changedInterpreterCopy();
});

afterAll(() => changed?.remove());

describe('audit replay of the committed histories', () => {
  test("today's code reproduces every committed run and drill history, counting each one's events", async () => {
    const committed = committedHistories();
    // The set the acceptance names: the three runbooks, a cancelled run, and a recorded drill.
    expect(committed.map(({ name }) => name)).toEqual([
      'cancelled-with-compensation',
      'credential-compromise',
      'offboarding',
      'vendor-breach',
      'drill-kinds/drill',
      'drill-kinds/follow-up-second-key',
      'drill-kinds/run',
    ]);
    const outcomes = await replayAll();
    for (const [index, { name, verdict }] of outcomes.entries()) {
      const { workflowId, history } = committed[index]!;
      const workflowType = history.events![0]!.workflowExecutionStartedEventAttributes!.workflowType!.name;
      expect({ name, ...verdict }).toEqual({
        name,
        reproduced: true,
        workflowId,
        workflowType,
        eventCount: history.events!.length,
        mode: 'tabletop',
        detail: `${workflowType} replayed ${history.events!.length} events with no determinism violation`,
      });
    }
  });

  test("a history file as Quell's recorders write it reads and replays", async () => {
    const history = readHistoryFile(path.join(HISTORIES_DIR, 'credential-compromise.json'));
    const verdict = await replayHistory(history);
    expect(verdict).toMatchObject({ reproduced: true, workflowType: 'runRunbook', eventCount: history.events!.length });
    // The id comes from the start event when the file records it.
    expect(verdict.workflowId).toBe(history.events![0]!.workflowExecutionStartedEventAttributes!.workflowId);
  });

  test('a history that does not begin with the workflow start is refused, naming why', async () => {
    const { history } = loadRecordedHistories()[0]!;
    await expect(replayHistory({ events: history.events!.slice(1) })).rejects.toThrow('history: the first event is not the start of a workflow execution');
  });
});

describe('audit replay against a deliberately changed interpreter', () => {
  test('the changed copy reproduces no run that performed an action; the drill workflow and an action-less run still replay', async () => {
    const outcomes = await replayAll(changed.workflowsPath);
    expect(outcomes.map(({ name, verdict }) => ({ name, reproduced: verdict.reproduced }))).toEqual([
      { name: 'cancelled-with-compensation', reproduced: false },
      { name: 'credential-compromise', reproduced: false },
      { name: 'offboarding', reproduced: false },
      { name: 'vendor-breach', reproduced: false },
      // runDrill is not the interpreter: the change does not touch it.
      { name: 'drill-kinds/drill', reproduced: true },
      // Its only step is a wait: the changed path is never taken.
      { name: 'drill-kinds/follow-up-second-key', reproduced: true },
      { name: 'drill-kinds/run', reproduced: false },
    ]);
    const byName = new Map(committedHistories().map((committed) => [committed.name, committed.history]));
    expect(firstAction(byName.get('drill-kinds/follow-up-second-key')!)).toBeUndefined();
    for (const { name, verdict } of outcomes.filter((outcome) => !outcome.verdict.reproduced)) {
      // The detail names the recorded event the changed code cannot match: the run's first action,
      // which the changed code no longer performs. The SDK core names it by its event id when the
      // code issued nothing in its place, by its activity type when the code scheduled another
      // activity there (a gate's approver look-up that followed the action in the recording).
      const scheduled = firstAction(byName.get(name)!)!;
      const byId = `HistoryEvent\\(id: ${scheduled.eventId}, ActivityTaskScheduled\\)`;
      const byType = `Activity type of scheduled event '${literally(scheduled.action)}' does not match activity type of activity command '[\\w.]+'`;
      expect({ name, detail: verdict.detail }).toEqual({
        name,
        detail: expect.stringMatching(new RegExp(`^determinism violation: .*Nondeterminism error: .*(${byId}|${byType})$`)),
      });
      // One line, no stack.
      expect(verdict.detail).not.toMatch(/\n|\bat .*\.[jt]s:\d+/);
    }
  });

  test('the failure is the change, not the copying: the copy carries the change and the real code does not', async () => {
    const fs = await import('node:fs');
    const changedSource = fs.readFileSync(path.join(changed.workflowsPath, 'steps', 'index.ts'), 'utf8');
    const realSource = fs.readFileSync(path.resolve(__dirname, '..', '..', 'workflows', 'steps', 'index.ts'), 'utf8');
    expect(changedSource).toContain(CHANGED_MARKER);
    expect(realSource).not.toContain(CHANGED_MARKER);
    // The same history, two verdicts: only the code differs.
    const { history, workflowId } = loadRecordedHistories().find((recorded) => recorded.workflowId === 'offboarding')!;
    expect((await replayHistory(history, { workflowId })).reproduced).toBe(true);
    expect((await replayHistory(history, { workflowId, workflowsPath: changed.workflowsPath })).reproduced).toBe(false);
  });
});
