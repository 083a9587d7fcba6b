/**
 * The file effect journal over its index: a record is found after a restart, concurrent
 * `recordOnce` calls for one key record it once, and two journals on one file (two worker
 * processes sharing the data folder) agree on the record even when both write it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import type { EffectRecord } from '../../activities/effects/effect-journal';

let dir: string;
let filePath: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-journal-'));
  filePath = path.join(dir, 'effects.jsonl');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function effect(idempotencyKey: string, output: Record<string, unknown> = {}, workflowId = 'wf-1'): EffectRecord {
  return {
    idempotencyKey,
    action: 'egress.block',
    mode: 'tabletop',
    workflowId,
    stepId: idempotencyKey.split('/').at(-2) ?? 'step',
    params: { target: 'sg-1' },
    output,
    recordedAt: '2025-01-01T00:00:00.000Z',
  };
}

test('a record is found by a journal opened later on the same file', async () => {
  const first = new FileEffectJournal(filePath);
  expect(await first.recordOnce(effect('wf-1/run/block/action', { rule_id: 'r-1' }))).toEqual({
    record: effect('wf-1/run/block/action', { rule_id: 'r-1' }),
    alreadyRecorded: false,
  });
  await first.recordOnce(effect('wf-2/run/tell/action', {}, 'wf-2'));

  const restarted = new FileEffectJournal(filePath);
  expect(await restarted.find('wf-1/run/block/action')).toEqual(effect('wf-1/run/block/action', { rule_id: 'r-1' }));
  expect(await restarted.find('wf-1/run/other/action')).toBeUndefined();
  const again = await restarted.recordOnce(effect('wf-1/run/block/action', { rule_id: 'r-2' }));
  expect(again).toEqual({ record: effect('wf-1/run/block/action', { rule_id: 'r-1' }), alreadyRecorded: true });
  expect((await restarted.list({ workflowId: 'wf-2' })).map((record) => record.idempotencyKey)).toEqual(['wf-2/run/tell/action']);
  expect(await restarted.list()).toHaveLength(2);
});

test('concurrent recordOnce calls for one key record it once and all return that record', async () => {
  const journal = new FileEffectJournal(filePath);
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => journal.recordOnce(effect(i % 2 === 0 ? 'wf-1/run/a/action' : 'wf-1/run/b/action', { attempt: i }))),
  );
  expect(answers.filter((answer) => !answer.alreadyRecorded).map((answer) => answer.record.output)).toEqual([{ attempt: 0 }, { attempt: 1 }]);
  for (const answer of answers) {
    expect(answer.record.output).toEqual({ attempt: answer.record.idempotencyKey === 'wf-1/run/a/action' ? 0 : 1 });
  }
  expect(await journal.list()).toHaveLength(2);
});

test('two journals on one file agree on each record, whoever wrote first', async () => {
  const one = new FileEffectJournal(filePath);
  const two = new FileEffectJournal(filePath);
  const keys = Array.from({ length: 10 }, (_, i) => `wf-1/run/s${i}/action`);
  const answers = await Promise.all(keys.flatMap((key) => [one.recordOnce(effect(key, { by: 'one' })), two.recordOnce(effect(key, { by: 'two' }))]));

  for (const key of keys) {
    const forKey = answers.filter((answer) => answer.record.idempotencyKey === key);
    // Both answers carry the same record: the first line for the key in the file.
    const firstInFile = (await new FileEffectJournal(filePath).list()).find((record) => record.idempotencyKey === key);
    expect(forKey.map((answer) => answer.record)).toEqual([firstInFile, firstInFile]);
    expect(forKey.filter((answer) => !answer.alreadyRecorded)).toHaveLength(1);
    expect(await one.find(key)).toEqual(firstInFile);
    expect(await two.find(key)).toEqual(firstInFile);
  }
});
