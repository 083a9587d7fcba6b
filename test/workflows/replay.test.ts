/**
 * Replay: the committed histories of real runs (test/fixtures/histories, recorded by
 * `npm run record-histories`) must replay against today's workflow code without a determinism
 * error. A change that would break runs in flight fails here, in CI, before it ships.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { RunRunbookInput } from '../../workflows/input';
import { loadEarlierVersionHistories, loadRecordedHistories } from '../support/recorded-histories';
import { REPO } from '../support/runbooks';
import { ensureTestRuntime, testServer } from '../support/temporal';

function bundle() {
  return { workflowBundle: { code: fs.readFileSync(testServer().bundlePath, 'utf8') } };
}

describe('replay of recorded histories', () => {
  beforeAll(() => ensureTestRuntime());

  test('the fixtures cover the three shipped runbooks and a cancelled run', () => {
    expect(loadRecordedHistories().map((h) => h.workflowId)).toEqual(['cancelled-with-compensation', 'credential-compromise', 'offboarding', 'vendor-breach']);
  });

  test('every recorded history replays deterministically with today\'s workflow code', async () => {
    const outcomes: Array<{ workflowId: string; error?: string }> = [];
    for await (const result of Worker.runReplayHistories(bundle(), loadRecordedHistories())) {
      outcomes.push({ workflowId: result.workflowId, ...(result.error ? { error: String(result.error) } : {}) });
    }
    expect(outcomes).toEqual([
      { workflowId: 'cancelled-with-compensation' },
      { workflowId: 'credential-compromise' },
      { workflowId: 'offboarding' },
      { workflowId: 'vendor-breach' },
    ]);
  });

  test('runs started on the earlier versions of the shipped runbooks still replay', async () => {
    const outcomes: Array<{ workflowId: string; error?: string }> = [];
    for await (const result of Worker.runReplayHistories(bundle(), loadEarlierVersionHistories())) {
      outcomes.push({ workflowId: result.workflowId, ...(result.error ? { error: String(result.error) } : {}) });
    }
    expect(outcomes).toEqual([{ workflowId: 'credential-compromise-v3' }, { workflowId: 'offboarding-v1' }, { workflowId: 'vendor-breach-v2' }]);
  });

  test('the recordings are of the runbooks as shipped today', () => {
    for (const { workflowId, history } of loadRecordedHistories().filter((recorded) => recorded.workflowId !== 'cancelled-with-compensation')) {
      const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      const input = defaultPayloadConverter.fromPayload<RunRunbookInput>(payload!);
      const shipped = parseYaml(fs.readFileSync(path.join(REPO, 'runbooks', `${workflowId}.yaml`), 'utf8')) as { version: number };
      expect({ workflowId, version: input.runbook.version }).toEqual({ workflowId, version: shipped.version });
    }
  });

  test('the check can fail: a history whose runbook no longer matches its commands is a determinism error', async () => {
    const [{ history }] = loadRecordedHistories().filter((h) => h.workflowId === 'credential-compromise');
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0];
    if (!payload) throw new Error('fixture has no start input');
    const input = defaultPayloadConverter.fromPayload<RunRunbookInput>(payload);
    // As if the approval gate had been removed from the code path: the recorded commands no longer match.
    input.runbook.steps = input.runbook.steps.filter((step) => step.id !== 'approve-containment');
    started.input = { payloads: [defaultPayloadConverter.toPayload(input)] };

    await expect(Worker.runReplayHistory(bundle(), history, 'tampered')).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });
});
