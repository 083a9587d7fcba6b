/**
 * Opens the encrypted payloads of a raw Temporal history, for reports built from histories.
 *
 * `handle.fetchHistory()` hands back payloads exactly as the server stores them: with Quell's
 * payload codec on, every input, result, signal and Update argument is `binary/encrypted`. The
 * client's data converter never touches a fetched history, so a report must decode it itself.
 *
 * Search attributes and headers are copied untouched: the codec never encrypts them (the server
 * must read search attributes to index them), so nothing there is for this to open.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { isEncryptedPayload } from '../../config/codec/aes-gcm-codec';

export type RawHistory = temporal.api.history.v1.IHistory;

/** Fields left as they are wherever they appear. */
const UNTOUCHED_FIELDS = new Set(['searchAttributes', 'header']);

/** A payload the history could not open; the message names the event and the codec's reason (the key id, for a missing key). */
export class HistoryDecodeError extends Error {
  override readonly name = 'HistoryDecodeError';
  constructor(
    message: string,
    readonly eventId: number | undefined,
    readonly fieldPath: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Slot {
  payload: Payload;
  eventId: number | undefined;
  fieldPath: string;
  put(decoded: Payload): void;
}

/**
 * A copy of `history` in which every payload marked `binary/encrypted` is replaced by what `codec`
 * decodes it to; every other value is kept (unencrypted payloads, search attributes, headers).
 * All payloads go to the codec in one call.
 * @throws HistoryDecodeError naming the event and field of the first payload that cannot be opened.
 */
export async function decodeHistoryPayloads(history: RawHistory, codec: PayloadCodec): Promise<RawHistory> {
  const slots: Slot[] = [];
  const copy = copyCollecting(history, '', undefined, slots) as RawHistory;
  if (slots.length === 0) return copy;
  const payloads = slots.map((slot) => slot.payload);
  let decoded: Payload[];
  try {
    decoded = await codec.decode(payloads);
  } catch (error) {
    throw await firstFailure(slots, codec, error);
  }
  if (decoded.length !== slots.length) throw new Error(`the payload codec returned ${decoded.length} payloads for ${slots.length}`);
  slots.forEach((slot, index) => slot.put(decoded[index]!));
  return copy;
}

/**
 * The batch failed: find which payload did, so the error says where it sits. Only runs on failure,
 * so the one-by-one calls cost nothing when the keys are right.
 */
async function firstFailure(slots: readonly Slot[], codec: PayloadCodec, batchError: unknown): Promise<HistoryDecodeError> {
  for (const slot of slots) {
    try {
      await codec.decode([slot.payload]);
    } catch (error) {
      const where = slot.eventId === undefined ? slot.fieldPath : `event ${slot.eventId} (${slot.fieldPath})`;
      return new HistoryDecodeError(`cannot decode the payload at ${where}: ${(error as Error).message}`, slot.eventId, slot.fieldPath, { cause: error });
    }
  }
  const reason = batchError instanceof Error ? batchError.message : String(batchError);
  return new HistoryDecodeError(`cannot decode the history's payloads: ${reason}`, undefined, '', { cause: batchError });
}

function isPayloadShaped(value: object): value is Payload {
  const metadata = (value as { metadata?: unknown }).metadata;
  return metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) && !(metadata instanceof Uint8Array);
}

/**
 * Copies `value` (keeping each object's prototype, so protobuf messages and Longs still behave
 * as before) and records every encrypted payload found, with `put` to place its decoded form in
 * the copy. Byte arrays are shared, not copied: nothing here writes to them.
 */
function copyCollecting(value: unknown, fieldPath: string, eventId: number | undefined, slots: Slot[], put?: (decoded: Payload) => void): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    value.forEach((item, index) => {
      copy.push(copyCollecting(item, `${fieldPath}[${index}]`, eventId, slots, (decoded) => (copy[index] = decoded)));
    });
    return copy;
  }
  if (isPayloadShaped(value)) {
    // A payload: encrypted ones are opened later through `put`; any other is kept as it is.
    if (put && isEncryptedPayload(value)) slots.push({ payload: value, eventId, fieldPath, put });
    return value;
  }
  const ownEventId = /^events\[\d+\]$/.test(fieldPath) ? eventIdOf(value) : eventId;
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const [key, field] of Object.entries(value)) {
    const childPath = fieldPath === '' ? key : `${fieldPath}.${key}`;
    copy[key] = UNTOUCHED_FIELDS.has(key) ? field : copyCollecting(field, childPath, ownEventId, slots, (decoded) => (copy[key] = decoded));
  }
  return copy;
}

function eventIdOf(event: object): number | undefined {
  const id = (event as { eventId?: unknown }).eventId;
  if (id === undefined || id === null) return undefined;
  const number = Number(typeof id === 'object' ? String(id) : id);
  return Number.isFinite(number) ? number : undefined;
}
