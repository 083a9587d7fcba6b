/**
 * The delivery log over its index answers exactly what a full re-read of the file answered
 * before (the first attempt's plan, the first delivery, whether the latest attempt is still
 * open), for one object, a restarted one and one sharing the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeliveryLog } from '../../activities/notify/delivery-log';

let dir: string;
let filePath: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-delivery-'));
  filePath = path.join(dir, 'sent.jsonl');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the first attempt plans, refusals close an attempt, the first delivery wins', async () => {
  const log = new DeliveryLog(filePath);
  expect(await log.status('m1')).toEqual({ outcomeUnknown: false });

  const first = await log.recordAttempt('m1', { reference: 'QDR-1' });
  expect(first.details).toEqual({ reference: 'QDR-1' });
  expect(await log.status('m1')).toEqual({ attempted: first, outcomeUnknown: true });

  await log.recordRefused('m1', { type: 'Throttled' });
  expect((await log.status('m1')).outcomeUnknown).toBe(false);

  const retry = await log.recordAttempt('m1', { reference: 'QDR-other' });
  expect(retry).toEqual(first);
  expect(await log.status('m1')).toEqual({ attempted: first, outcomeUnknown: true });

  const delivered = await log.recordDelivered('m1', { messageId: '<a@b>' });
  expect(await log.recordDelivered('m1', { messageId: '<c@d>' })).toEqual(delivered);
  await log.recordAttempt('m1', {});
  expect(await log.status('m1')).toEqual({ attempted: first, delivered, outcomeUnknown: false });

  // Another key is untouched; a restarted worker sees the same.
  expect(await log.status('m2')).toEqual({ outcomeUnknown: false });
  expect(await new DeliveryLog(filePath).status('m1')).toEqual({ attempted: first, delivered, outcomeUnknown: false });
});

test('two logs on one file agree on the plan of the first attempt', async () => {
  const one = new DeliveryLog(filePath);
  const two = new DeliveryLog(filePath);
  const plans = await Promise.all([one.recordAttempt('m1', { by: 'one' }), two.recordAttempt('m1', { by: 'two' })]);
  expect(plans[0]).toEqual(plans[1]);
  expect((await one.status('m1')).attempted).toEqual(plans[0]);
  expect((await two.status('m1')).attempted).toEqual(plans[0]);
});
