/**
 * Property test of every Update payload schema (workflows/messages.ts: the first check of the
 * run's validators, and what client/runs.ts applies before sending) over hostile requests built
 * the way they arrive, as JSON: fields with forging characters, every Unicode plane, values around
 * their limits, wrong types, keys named like JavaScript built-ins, event details that are deep,
 * large or shadow what the run records. Properties, for every case:
 * - parsing never throws; a refusal names each field at fault (or the request as a whole);
 * - what is accepted is bounded and free of forbidden characters (reasons and notes may hold line
 *   feeds and tabs), and accepted event details are small, shallow, JSON, with no built-in keys;
 * - no object's prototype changes;
 * - each case takes under 200 ms.
 * Seeded (QUELL_FUZZ_SEED replays a seed; fast-check prints the failing one), QUELL_FUZZ_RUNS scales.
 */
import fc from 'fast-check';
import { LIMITS } from '../../common/limits';
import { CancelRequest, DecisionRequest, EventDelivery, ManualCompletion, describeIssues, payloadProblem, type RequestSchema } from '../../workflows/messages';
import { fuzzSettings } from '../support/fuzz-settings';
import { PROTOTYPE_NAMES, aroundLimit, hostileText, isVisible, prototypeName, prototypeSnapshot, withinTime } from './hostile-text';

const { seed, numRuns } = fuzzSettings('update-payloads', 1_300);
const CASE_TIME_BOUND_MS = 200;

const SCHEMAS = { decide: DecisionRequest, event: EventDelivery, manual: ManualCompletion, cancel: CancelRequest } as const;
type Kind = keyof typeof SCHEMAS;
const FIELDS: Record<Kind, string[]> = {
  decide: ['stepId', 'actor', 'decision', 'via', 'reason', 'summarySha256'],
  event: ['event', 'actor', 'via', 'payload'],
  manual: ['stepId', 'actor', 'via', 'note'],
  cancel: ['actor', 'via', 'reason'],
};
const VALID: Record<string, unknown> = {
  stepId: 'approve',
  actor: 'U0ALICE',
  decision: 'approve',
  via: 'slack',
  reason: 'checked with\nthe owner',
  summarySha256: 'a'.repeat(64),
  event: 'vendor-deletion-confirmed',
  payload: { certificate_url: 'https://vendor.example/cert/42', pages: 3 },
  note: 'done',
};
const LIMIT_OF: Record<string, number> = { actor: LIMITS.identityLength.value, stepId: LIMITS.referenceLength.value, event: LIMITS.referenceLength.value, reason: LIMITS.reasonLength.value, note: LIMITS.reasonLength.value };

/** JSON text of an object with exactly these entries, in order (so `__proto__` stays a key). */
function objectJson(entries: Array<[string, string]>): string {
  return `{${entries.map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(',')}}`;
}

const smallJson = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null');
const detailsKey = fc.oneof(fc.constantFrom('url', 'certificate_url', 'pages', 'event', 'received_at', 'received_via'), prototypeName, hostileText());
const detailsJson: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.tuple(detailsKey, fc.oneof(smallJson, hostileText().map((text) => JSON.stringify(text)))), { maxLength: 5 }).map(objectJson) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((depth) => `{"list":${'['.repeat(depth)}${']'.repeat(depth)}}`) },
  { weight: 1, arbitrary: fc.integer({ min: 8_000, max: 40_000 }).map((size) => JSON.stringify({ blob: 'é'.repeat(size) })) },
  { weight: 1, arbitrary: smallJson },
);

function fieldJson(field: string): fc.Arbitrary<string> {
  if (field === 'payload') return detailsJson;
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.constant(VALID[field] as string) },
    { weight: 4, arbitrary: hostileText() },
    { weight: 1, arbitrary: aroundLimit(LIMIT_OF[field] ?? 200) },
  );
  return fc.oneof({ weight: 8, arbitrary: text.map((value) => JSON.stringify(value)) }, { weight: 1, arbitrary: smallJson });
}

/** A request of `kind`: each field present or not, valid or hostile, plus stray keys. */
function requestOf(kind: Kind): fc.Arbitrary<{ kind: Kind; request: unknown }> {
  const fields = FIELDS[kind].map((field) => fc.option(fieldJson(field).map((json): [string, string] => [field, json]), { freq: 6, nil: undefined }));
  const stray = fc.array(fc.tuple(fc.oneof(prototypeName, hostileText()), smallJson), { maxLength: 2 });
  return fc
    .tuple(fc.tuple(...fields), fc.oneof({ weight: 5, arbitrary: fc.constant([] as Array<[string, string]>) }, { weight: 1, arbitrary: stray }))
    .map(([present, extra]) => ({ kind, request: JSON.parse(objectJson([...present.filter((entry) => entry !== undefined), ...extra])) as unknown }));
}

const anyRequest = fc.oneof(
  { weight: 12, arbitrary: fc.oneof(requestOf('decide'), requestOf('event'), requestOf('manual'), requestOf('cancel')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom<Kind>('decide', 'event', 'manual', 'cancel'), fc.jsonValue({ maxDepth: 3 })).map(([kind, request]) => ({ kind, request: request as unknown })) },
);

describe(`Update payload fuzz (seed ${seed}, ${numRuns} cases)`, () => {
  it('never throws, names each field it refuses, and accepts only bounded, visible values', () => {
    console.info(`update-payloads fuzz: seed ${seed}, ${numRuns} cases (QUELL_FUZZ_SEED=${seed} replays)`);
    const prototypes = prototypeSnapshot();
    const outcomes = { refused: 0, accepted: 0 };
    fc.assert(
      fc.property(anyRequest, ({ kind, request }) => {
        withinTime(CASE_TIME_BOUND_MS, `one ${kind} request`, () => check(kind, request, outcomes));
        if (prototypeSnapshot() !== prototypes) throw new Error('Object.prototype changed');
      }),
      { seed, numRuns },
    );
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.accepted).toBeGreaterThan(0);
  });
});

function check(kind: Kind, request: unknown, outcomes: { refused: number; accepted: number }): void {
  const schema: RequestSchema<unknown> = SCHEMAS[kind];
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    outcomes.refused += 1;
    for (const issue of parsed.error.issues) {
      const named = issue.path.length > 0 || issue.code === 'invalid_type' || issue.code === 'unrecognized_keys';
      if (!named || issue.message.trim() === '') throw new Error(`refusal names no field: ${JSON.stringify(issue)}`);
    }
    const described = describeIssues(parsed.error);
    if (!isVisible(described)) throw new Error(`refusal is not visible text: ${JSON.stringify(described.slice(0, 200))}`);
    return;
  }
  outcomes.accepted += 1;
  const data = parsed.data as Record<string, unknown>;
  for (const field of ['actor', 'stepId', 'event']) {
    const value = data[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '' || !isVisible(value) || value.length > LIMIT_OF[field]) throw new Error(`accepted ${field} ${JSON.stringify(value).slice(0, 80)}`);
  }
  for (const field of ['reason', 'note']) {
    const value = data[field];
    if (value !== undefined && (typeof value !== 'string' || !isVisible(value, true) || value.length > LIMIT_OF[field])) throw new Error(`accepted ${field} ${JSON.stringify(value).slice(0, 80)}`);
  }
  if (data.payload !== undefined) checkAcceptedDetails(data.payload);
}

function checkAcceptedDetails(payload: unknown): void {
  if (payloadProblem(payload) !== undefined) throw new Error('accepted details that payloadProblem refuses');
  const json = JSON.stringify(payload);
  if (new TextEncoder().encode(json).length > LIMITS.eventPayloadBytes.value) throw new Error(`accepted ${json.length} characters of details`);
  const pending: Array<{ value: unknown; depth: number }> = [{ value: payload, depth: 1 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > LIMITS.eventPayloadNesting.value) throw new Error('accepted details nested too deeply');
    for (const [key, item] of Object.entries(value)) {
      if ((PROTOTYPE_NAMES as readonly string[]).includes(key)) throw new Error(`accepted details with the key ${key}`);
      pending.push({ value: item, depth: depth + 1 });
    }
  }
}
