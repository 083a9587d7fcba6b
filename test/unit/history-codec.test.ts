/**
 * decodeHistoryPayloads (reports/audit/history-codec.ts): a raw history with encrypted payloads in
 * several places comes back with each one opened, in one codec call; plain payloads, search
 * attributes and headers come back as they were; the original is not changed; a payload under a
 * key the ring lacks fails naming the event, the field and the key id.
 */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../config/codec/aes-gcm-codec';
import { KeyRing } from '../../config/codec/key-ring';
import { decodeHistoryPayloads, HistoryDecodeError } from '../../reports/audit/history-codec';

const oldKey = { id: 'unit-old', bytes: randomBytes(32) };
const newKey = { id: 'unit-new', bytes: randomBytes(32) };
const rotated = new AesGcmPayloadCodec(new KeyRing([newKey, oldKey]));
const oldOnly = new AesGcmPayloadCodec(new KeyRing([oldKey]));
const newOnly = new AesGcmPayloadCodec(new KeyRing([newKey]));

const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: temporal.api.common.v1.IPayload | null | undefined): unknown => defaultPayloadConverter.fromPayload(payload as Payload);
const encodingOf = (payload: temporal.api.common.v1.IPayload | null | undefined): string => Buffer.from(payload?.metadata?.[METADATA_ENCODING_KEY] ?? []).toString('utf8');

/** Counts the calls made to a codec. */
function counting(codec: PayloadCodec): { codec: PayloadCodec; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    codec: {
      encode: (payloads) => codec.encode(payloads),
      decode: (payloads) => {
        calls.push(payloads.length);
        return codec.decode(payloads);
      },
    },
  };
}

async function sampleHistory(): Promise<temporal.api.history.v1.History> {
  const [input, secondInput] = await oldOnly.encode([toPayload({ token: 'ghp_unit_secret' }), toPayload('second')]);
  const [headerValue, searchValue] = await oldOnly.encode([toPayload('header-value'), toPayload('search-value')]);
  const [result] = await rotated.encode([toPayload({ status: 'completed' })]);
  const [signalArg] = await rotated.encode([toPayload({ certificate: 'cert-42' })]);
  return temporal.api.history.v1.History.fromObject({
    events: [
      {
        eventId: 1,
        eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        workflowExecutionStartedEventAttributes: {
          workflowType: { name: 'runRunbook' },
          input: { payloads: [input, secondInput] },
          header: { fields: { probe: headerValue } },
          searchAttributes: { indexedFields: { QuellRunbook: toPayload('offboarding'), Probe: searchValue } },
        },
      },
      {
        eventId: 5,
        eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        workflowExecutionSignaledEventAttributes: { signalName: 'event', input: { payloads: [signalArg] } },
      },
      {
        eventId: 7,
        eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_MARKER_RECORDED,
        markerRecordedEventAttributes: { markerName: 'core_patch', details: { 'patch-data': { payloads: [toPayload({ id: 'slack-surface' })] } } },
      },
      {
        eventId: 9,
        eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
        workflowExecutionCompletedEventAttributes: { result: { payloads: [result] } },
      },
    ],
  });
}

describe('decodeHistoryPayloads', () => {
  it('opens every encrypted payload in one codec call and keeps everything else as it was', async () => {
    const history = await sampleHistory();
    const before = JSON.stringify(history.toJSON());
    const { codec, calls } = counting(rotated);
    const decoded = await decodeHistoryPayloads(history, codec);

    expect(calls).toEqual([4]);
    const [started, signaled, marker, completed] = decoded.events!;
    expect(started!.workflowExecutionStartedEventAttributes!.input!.payloads!.map(fromPayload)).toEqual([{ token: 'ghp_unit_secret' }, 'second']);
    expect(fromPayload(signaled!.workflowExecutionSignaledEventAttributes!.input!.payloads![0])).toEqual({ certificate: 'cert-42' });
    expect(fromPayload(completed!.workflowExecutionCompletedEventAttributes!.result!.payloads![0])).toEqual({ status: 'completed' });
    // A plain payload is left alone (same object).
    // (Identity compared as a boolean: Jest would try to print two protobuf messages on failure.)
    const plainPayload = (event: temporal.api.history.v1.IHistoryEvent) => event.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0];
    expect(plainPayload(marker!) === plainPayload(history.events[2]!)).toBe(true);
    expect(fromPayload(plainPayload(marker!))).toEqual({ id: 'slack-surface' });
    // Headers and search attributes are never opened, even when they hold an encrypted payload.
    const attributes = started!.workflowExecutionStartedEventAttributes!;
    expect(encodingOf(attributes.header!.fields!.probe)).toBe(ENCRYPTED_ENCODING);
    expect(encodingOf(attributes.searchAttributes!.indexedFields!.Probe)).toBe(ENCRYPTED_ENCODING);
    expect(fromPayload(attributes.searchAttributes!.indexedFields!.QuellRunbook)).toBe('offboarding');

    // The copy is still a protobuf History (ids as Longs, toJSON works); the original is unchanged.
    expect(Object.getPrototypeOf(decoded) === Object.getPrototypeOf(history)).toBe(true);
    expect((decoded as temporal.api.history.v1.History).toJSON().events).toHaveLength(4);
    expect(String(decoded.events![3]!.eventId)).toBe('9');
    expect(JSON.stringify(history.toJSON())).toBe(before);
    expect(encodingOf(history.events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0])).toBe(ENCRYPTED_ENCODING);
  });

  it('does not call the codec for a history with nothing encrypted', async () => {
    const history = temporal.api.history.v1.History.fromObject({
      events: [{ eventId: 1, workflowExecutionStartedEventAttributes: { input: { payloads: [toPayload('plain')] } } }],
    });
    const { codec, calls } = counting(rotated);
    const decoded = await decodeHistoryPayloads(history, codec);
    expect(calls).toEqual([]);
    expect(fromPayload(decoded.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0])).toBe('plain');
  });

  it('names the event, the field and the missing key id when the ring lacks a key', async () => {
    const history = await sampleHistory();
    const error = await decodeHistoryPayloads(history, newOnly).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(HistoryDecodeError);
    expect((error as HistoryDecodeError).eventId).toBe(1);
    expect((error as HistoryDecodeError).fieldPath).toBe('events[0].workflowExecutionStartedEventAttributes.input.payloads[0]');
    expect((error as Error).message).toContain('key "unit-old", which is not in the payload key file (it has: unit-new)');

    // Keys the other way round: the first payload opens, the signal's (event 5) does not.
    const laterError = await decodeHistoryPayloads(history, oldOnly).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((laterError as HistoryDecodeError).eventId).toBe(5);
    expect((laterError as Error).message).toMatch(/^cannot decode the payload at event 5 \(events\[1\]\.workflowExecutionSignaledEventAttributes\.input\.payloads\[0\]\): .*"unit-new"/);
  });

  it('reports an altered payload as failing authentication, at its place', async () => {
    const history = await sampleHistory();
    const result = history.events[3]!.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!;
    const data = Buffer.from(result.data!);
    data[data.length - 1] ^= 0x01;
    result.data = data;
    await expect(decodeHistoryPayloads(history, rotated)).rejects.toThrow(/^cannot decode the payload at event 9 \(.*result\.payloads\[0\]\): .*failed authentication/);
  });
});
