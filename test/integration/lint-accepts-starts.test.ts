/**
 * "Whatever the linter accepts starts in tabletop without throwing", on the real server: a seeded
 * sample of mutated runbooks that lint cleanly is started through the client module with a worker,
 * and each run must get through its first workflow task (no failed workflow task in history,
 * state query answers) — the fuzz suite checks the same in process for thousands of mutants.
 */
import fc from 'fast-check';
import { temporal } from '@temporalio/proto';
import { startRun } from '../../client/runs';
import { loadRunbookText, type LoadedRunbook } from '../../runbooks/load';
import { runStateQuery } from '../../workflows/messages';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { fuzzSettings } from '../support/fuzz-settings';
import { runbookMutant, seedRunbookTexts } from '../support/runbook-mutants';
import { plausibleInputs } from '../support/start-check';

const SAMPLE = 24;
const { EventType } = temporal.api.enums.v1;
const { seed } = fuzzSettings('lint-accepts-starts', 1);

/** The first `count` distinct mutants that lint cleanly and have plausible inputs. */
function acceptedSample(count: number): Array<{ loaded: LoadedRunbook; inputs: Record<string, unknown> }> {
  const mutants = fc.sample(runbookMutant(seedRunbookTexts()), { seed, numRuns: count * 20 });
  const sample: Array<{ loaded: LoadedRunbook; inputs: Record<string, unknown> }> = [];
  const seen = new Set<string>();
  for (const { text } of mutants) {
    const loaded = loadRunbookText(text, 'mutant.yaml');
    if (!loaded.ok || seen.has(loaded.sha256)) continue;
    const inputs = plausibleInputs(loaded.runbook);
    if (inputs === undefined) continue;
    seen.add(loaded.sha256);
    sample.push({ loaded, inputs });
    if (sample.length === count) break;
  }
  return sample;
}

describe(`lint-accepted mutants start in tabletop (seed ${seed})`, () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine('lint-starts');
  });
  afterAll(async () => {
    await engine.stop();
  });

  it(`${SAMPLE} accepted mutants each start and complete their first workflow task`, async () => {
    const sample = acceptedSample(SAMPLE);
    expect(sample).toHaveLength(SAMPLE);
    const started: string[] = [];
    for (const [index, { loaded, inputs }] of sample.entries()) {
      const handle = await startRun(engine.client, {
        runbook: loaded.runbook,
        runbookSha256: loaded.sha256,
        inputs,
        mode: 'tabletop',
        requestedBy: 'rita.requester',
        requestedVia: 'api',
        incidentId: `INC-mutant-${Date.now()}-${index}`,
        taskQueue: engine.taskQueue,
      });
      started.push(handle.workflowId);
    }
    for (const workflowId of started) {
      const handle = engine.client.workflow.getHandle(workflowId);
      const firstTask = await eventually(`the first workflow task of ${workflowId}`, async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        return events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      });
      expect({ workflowId, firstTask: firstTask.eventType }).toEqual({ workflowId, firstTask: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED });
      const state = await handle.query(runStateQuery);
      expect(state.runbook.sha256).toHaveLength(64);
      await handle.terminate('lint-accepts-starts test done').catch(() => undefined);
    }
  });
});
