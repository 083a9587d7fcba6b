/**
 * Property test of the indexed delivery log and effect journal against the rule they replaced:
 * "re-read the whole file and take the entries of the key in file order". Random sequences of
 * writes from two objects on one file (two workers sharing the data folder), writes torn by a
 * crash, lines that lost only their newline and restarts (a fresh object): after every step both
 * objects answer for every key exactly what a full re-read of the file answers.
 * QUELL_FUZZ_SEED / QUELL_FUZZ_RUNS replay or widen a run (fast-check prints the seed).
 */
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import type { EffectRecord } from '../../activities/effects/effect-journal';
import { DeliveryLog, type DeliveryEntry, type DeliveryStatus } from '../../activities/notify/delivery-log';
import { fuzzSettings } from '../support/fuzz-settings';
import { parseAllLines } from '../support/json-lines-baseline';

const KEYS = ['k0', 'k1', 'k2'];

type Op =
  | { kind: 'attempt' | 'refuse' | 'deliver'; by: 0 | 1; key: string }
  | { kind: 'torn'; key: string; keep: number }
  | { kind: 'unterminated'; key: string }
  | { kind: 'restart'; by: 0 | 1 };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('attempt' as const, 'refuse' as const, 'deliver' as const), by: fc.constantFrom(0 as const, 1 as const), key: fc.constantFrom(...KEYS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('torn' as const), key: fc.constantFrom(...KEYS), keep: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unterminated' as const), key: fc.constantFrom(...KEYS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), by: fc.constantFrom(0 as const, 1 as const) }) },
);

/** What the code did before the index: parse every line, skip what does not parse. */
function reread<T>(filePath: string): T[] {
  return fs.existsSync(filePath) ? parseAllLines<T>(fs.readFileSync(filePath, 'utf8')) : [];
}

/** The delivery log's old `statusOf`, over a full re-read. */
function statusByReread(filePath: string, key: string): DeliveryStatus {
  const status: DeliveryStatus = { outcomeUnknown: false };
  for (const entry of reread<DeliveryEntry>(filePath)) {
    if (entry.key !== key) continue;
    if (entry.state === 'attempted') status.attempted ??= entry;
    if (entry.state === 'delivered') status.delivered ??= entry;
    if (entry.state !== 'delivered') status.outcomeUnknown = entry.state === 'attempted';
  }
  if (status.delivered) status.outcomeUnknown = false;
  return status;
}

/**
 * A writer that crashed mid-write: like every writer it started on a fresh line, then stopped
 * inside the line (`torn`) or just before its newline (`unterminated`).
 */
function crashedWrite(filePath: string, line: string, op: { kind: 'torn'; keep: number } | { kind: 'unterminated' }): void {
  const fresh = fs.existsSync(filePath) && !fs.readFileSync(filePath, 'utf8').endsWith('\n') && fs.statSync(filePath).size > 0 ? '\n' : '';
  fs.appendFileSync(filePath, fresh + (op.kind === 'torn' ? line.slice(0, Math.min(op.keep, line.length - 2)) : line));
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-index-fuzz-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the delivery log answers what a full re-read answers', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 20 }), async (ops) => {
      run += 1;
      const filePath = path.join(dir, `sent-${run}.jsonl`);
      const logs = [new DeliveryLog(filePath), new DeliveryLog(filePath)];
      for (const [step, op] of ops.entries()) {
        const details = { step };
        if (op.kind === 'torn' || op.kind === 'unterminated') crashedWrite(filePath, JSON.stringify({ key: op.key, state: 'delivered', at: 'x', details }), op);
        else if (op.kind === 'restart') logs[op.by] = new DeliveryLog(filePath);
        else if (op.kind === 'attempt') await logs[op.by].recordAttempt(op.key, details);
        else if (op.kind === 'refuse') await logs[op.by].recordRefused(op.key, details);
        else await logs[op.by].recordDelivered(op.key, details);
        for (const key of KEYS) {
          const expected = statusByReread(filePath, key);
          for (const log of logs) expect(await log.status(key)).toEqual(expected);
        }
      }
    }),
    fuzzSettings('json-lines-index-delivery', 25),
  );
});

test('the effect journal answers what a full re-read answers', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 20 }), async (ops) => {
      run += 1;
      const filePath = path.join(dir, `effects-${run}.jsonl`);
      const journals = [new FileEffectJournal(filePath), new FileEffectJournal(filePath)];
      const record = (key: string, step: number): EffectRecord => ({
        idempotencyKey: key,
        action: 'notify',
        mode: 'tabletop',
        workflowId: 'wf',
        stepId: key,
        params: {},
        output: { step },
        recordedAt: 'x',
      });
      for (const [step, op] of ops.entries()) {
        if (op.kind === 'restart') journals[op.by] = new FileEffectJournal(filePath);
        else if (op.kind === 'torn' || op.kind === 'unterminated') crashedWrite(filePath, JSON.stringify(record(op.key, step)), op);
        else {
          const answer = await journals[op.by].recordOnce(record(op.key, step));
          const first = reread<EffectRecord>(filePath).find((entry) => entry.idempotencyKey === op.key);
          expect(answer.record).toEqual(first);
          expect(answer.alreadyRecorded).toBe(first?.output.step !== step);
        }
        for (const key of KEYS) {
          const expected = reread<EffectRecord>(filePath).find((entry) => entry.idempotencyKey === key);
          for (const journal of journals) expect(await journal.find(key)).toEqual(expected);
        }
      }
    }),
    fuzzSettings('json-lines-index-journal', 25),
  );
});
