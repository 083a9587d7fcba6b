/**
 * Hostile Update payloads (issue 11) against a real run: every value people can put in a
 * decision, an event, a completion or a cancel is refused with the field named, both
 *
 * - through the client module (client/runs.ts), which checks with the run's own schemas before
 *   sending, so the value never travels, and
 * - sent raw to the workflow (bypassing the client), where the Update validator refuses it,
 *
 * and the run's history is unchanged either way (a validator's refusal never reaches it). A
 * legitimate decision afterwards is accepted, so the refusals were about the values alone.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { cancelRun, completeManual, decideApproval, deliverEvent, getRunState } from '../../client/runs';
import type { RunState } from '../../common/run-state';
import { cancelRunUpdate, completeManualUpdate, decideApprovalUpdate, deliverEventUpdate } from '../../workflows/messages';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitForState } from '../support/run-driver';

const GATE = 'test/fixtures/runbooks/two-person-gate.yaml';
const ROW_TIME_LIMIT_MS = 10_000;

let engine: TestEngine;
let workflowId: string;
let summarySha256: string;
let historyLength: number;

beforeAll(async () => {
  engine = await startTestEngine('hostile-updates');
  workflowId = await engine.start(GATE, { target: '192.0.2.77' }, { requester: 'rita.requester' });
  const ready = await waitForState(
    () => getRunState(engine.client, workflowId),
    (s: RunState) => s.steps[0].status === 'waiting' && s.steps[0].approval?.policy !== undefined,
  );
  summarySha256 = ready.steps[0].approval!.summarySha256;
  historyLength = await eventCount();
});

afterAll(async () => {
  await engine?.client.workflow.getHandle(workflowId).terminate('hostile-updates test done').catch(() => undefined);
  await engine?.stop();
});

async function eventCount(): Promise<number> {
  return ((await engine.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).length;
}

const decision = (extra: Record<string, unknown>) => ({ stepId: 'approve', actor: 'alice', decision: 'approve', via: 'cli', summarySha256, ...extra });
const event = (extra: Record<string, unknown>) => ({ event: 'vendor-confirmed', actor: 'alice', via: 'cli', ...extra });
const completion = (extra: Record<string, unknown>) => ({ stepId: 'approve', actor: 'alice', via: 'cli', ...extra });
const cancel = (extra: Record<string, unknown>) => ({ actor: 'alice', via: 'cli', reason: 'test', ...extra });

const nested = (depth: number): unknown => (depth === 0 ? 'x' : { deeper: nested(depth - 1) });

type Kind = 'decide' | 'event' | 'manual' | 'cancel';
const PREFIX: Record<Kind, string> = { decide: 'invalid approval request', event: 'invalid event', manual: 'invalid completion', cancel: 'invalid cancel request' };

/** [what, update kind, request, the refusal's beginning (prefix and field), what follows]. */
const rows: Array<[string, Kind, Record<string, unknown>, string, string]> = [
  ['an actor with a line feed (a fake audit line)', 'decide', decision({ actor: 'alice\n2030-01-01 approved by bob' }), 'actor', 'contains U+000A (line feed) at character 6'],
  ['an actor with a right-to-left override', 'decide', decision({ actor: 'ecila\u202e' }), 'actor', 'contains U+202E (right-to-left override)'],
  ['an actor past its limit', 'decide', decision({ actor: 'a'.repeat(201) }), 'actor', 'is too long: 201 characters where the limit is 200 characters'],
  ['a 1 MiB actor', 'cancel', cancel({ actor: 'a'.repeat(1024 * 1024) }), 'actor', 'is too long: 1,048,576 characters'],
  ['a step id with an ANSI escape', 'decide', decision({ stepId: 'approve\u001b[2K' }), 'stepId', 'contains U+001B (escape (ANSI))'],
  ['a step id past its limit', 'manual', completion({ stepId: 's'.repeat(401) }), 'stepId', 'is too long: 401 characters where the limit is 400 characters'],
  ['a reason with a carriage return', 'decide', decision({ decision: 'reject', reason: 'fine\rapproved' }), 'reason', 'contains U+000D (carriage return) at character 5: line breaks and tabs are allowed'],
  ['a reason past its limit', 'cancel', cancel({ reason: 'r'.repeat(2001) }), 'reason', 'is too long: 2,001 characters where the limit is 2,000 characters'],
  ['a note with a zero-width space', 'manual', completion({ note: 'done\u200b' }), 'note', 'contains U+200B (zero-width space)'],
  ['an event name with a line feed', 'event', event({ event: 'vendor-confirmed\nrun.closed' }), 'event', 'contains U+000A (line feed)'],
  ['an event name past its limit', 'event', event({ event: 'e'.repeat(401) }), 'event', 'is too long: 401 characters'],
  ['details with a __proto__ key', 'event', event({ payload: JSON.parse('{"__proto__":{"admin":true}}') as unknown }), 'payload', 'has the key "__proto__", which names a built-in property of every object'],
  ['details with a constructor key', 'event', event({ payload: { constructor: 'x' } }), 'payload', 'has the key "constructor"'],
  ['details posing as what the run records', 'event', event({ payload: { received_via: 'slack' } }), 'payload', 'has the key "received_via", which the run records itself'],
  ['details nested too deeply', 'event', event({ payload: nested(20) }), 'payload.deeper.deeper.deeper.deeper.deeper.deeper.deeper.deeper', 'is nested too deeply: 9 levels where the limit is 8 levels'],
  ['details past their size', 'event', event({ payload: { certificate: 'c'.repeat(17 * 1024) } }), 'payload', 'is too large: the limit is 16 KiB'],
  ['details with an escape deep inside', 'event', event({ payload: { proof: { url: 'https://x.example/\u001b]8;;evil' } } }), 'payload.proof.url', 'contains U+001B (escape (ANSI))'],
  ['a request with an unknown field', 'decide', decision({ admin: true }), 'request', 'Unrecognized key'],
];

/** Sends `request` through the client module. */
function viaClient(kind: Kind, request: Record<string, unknown>): Promise<unknown> {
  const id = workflowId;
  switch (kind) {
    case 'decide':
      return decideApproval(engine.client, id, request as never);
    case 'event':
      return deliverEvent(engine.client, id, request as never);
    case 'manual':
      return completeManual(engine.client, id, request as never);
    case 'cancel':
      return cancelRun(engine.client, id, request as never);
  }
}

/** Sends `request` to the workflow as any Temporal client could, with no check on the way. */
function raw(kind: Kind, request: unknown): Promise<unknown> {
  const handle = engine.client.workflow.getHandle(workflowId);
  const update = { decide: decideApprovalUpdate, event: deliverEventUpdate, manual: completeManualUpdate, cancel: cancelRunUpdate }[kind];
  return handle.executeUpdate(update as typeof decideApprovalUpdate, { args: [request as never] });
}

describe('hostile Update payloads are refused with the field named; the history does not change', () => {
  test.each(rows)('%s', async (_what, kind, request, field, problem) => {
    const began = performance.now();
    await expect(viaClient(kind, request)).rejects.toMatchObject({
      name: 'QuellClientError',
      code: 'refused',
      message: expect.stringMatching(new RegExp(`^${PREFIX[kind]}: .*${escapeRegExp(`${field}: `)}`)),
    });
    await expect(viaClient(kind, request)).rejects.toMatchObject({ message: expect.stringContaining(problem) });
    // The same request sent raw: the workflow's validator words the same refusal.
    if (JSON.stringify(request).length < 1024 * 1024) {
      const refused = await raw(kind, request).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      const reason = ((refused as WorkflowUpdateFailedError).cause as Error).message;
      expect(reason).toContain(`${PREFIX[kind]}: `);
      expect(reason).toContain(`${field}: `);
      expect(reason).toContain(problem);
    }
    expect(performance.now() - began).toBeLessThan(ROW_TIME_LIMIT_MS);
  });

  test('payloads that are not requests at all are refused by the validator', async () => {
    for (const request of [null, 'approve', 42, [], { stepId: 'approve' }]) {
      const refused = await raw('decide', request).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((refused as WorkflowUpdateFailedError).cause as Error).message).toMatch(/^invalid approval request: /);
    }
  });

  test('after all of that the history is as it was, and a legitimate decision is accepted', async () => {
    expect(await eventCount()).toBe(historyLength);
    const state = await getRunState(engine.client, workflowId);
    expect(state.steps[0].approval!.decisions).toEqual([]);
    expect(state.status).toBe('running');
    const gate = await decideApproval(engine.client, workflowId, decision({ reason: 'checked\nwith the owner' }) as never);
    expect(gate.decisions).toMatchObject([{ actor: 'alice', decision: 'approve', reason: 'checked\nwith the owner' }]);
    expect(await eventCount()).toBeGreaterThan(historyLength);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
