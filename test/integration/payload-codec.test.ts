/**
 * The AES-256-GCM payload codec against the run's real Temporal server: a client with the codec
 * starts a workflow with two arguments (on a task queue nobody polls, so only what the client
 * wrote is in the history); the server stores neither in readable form, a client without the
 * codec sees only encrypted payloads, and the codec reads them back. No memo: every later suite
 * may list all workflows, and a memo nobody there can decrypt would break their listing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_ENCRYPTION_KEY_ID } from '../../config/codec/aes-gcm-codec';
import { KeyRing } from '../../config/codec/key-ring';
import { historyToText } from '../support/history-text';
import { testServer, uniqueTaskQueue } from '../support/temporal';

const DISTINCT = `pelican-harbour-breach-${randomUUID()}`;
const SECOND_DISTINCT = `second-${randomUUID()}`;
const meta = (payload: Payload, name: string): string | undefined => {
  const bytes = payload.metadata?.[name];
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
};

let connection: Connection;
beforeAll(async () => {
  connection = await Connection.connect({ address: testServer().address });
});
afterAll(async () => {
  await connection.close();
});

it('stores workflow input encrypted; only a client with the key reads it back', async () => {
  const { namespace } = testServer();
  const codec = new AesGcmPayloadCodec(new KeyRing([{ id: 'it-2026-12', bytes: randomBytes(32) }]));
  const withCodec = new Client({ connection, namespace, dataConverter: { payloadCodecs: [codec] } });
  const plain = new Client({ connection, namespace });
  const workflowId = `payload-codec-${randomUUID()}`;
  const input = { incident: 'INC-codec', note: DISTINCT };

  const handle = await withCodec.workflow.start('quellPayloadCodecProbe', {
    taskQueue: uniqueTaskQueue('payload-codec-unpolled'),
    workflowId,
    args: [input, SECOND_DISTINCT],
  });
  try {
    // What the server keeps, fetched without the codec: no trace of either value, in any form.
    const raw = await plain.workflow.getHandle(workflowId).fetchHistory();
    const text = historyToText(raw);
    for (const secret of [DISTINCT, SECOND_DISTINCT]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 24));
    }
    const started = raw.events?.[0]?.workflowExecutionStartedEventAttributes;
    const stored = (started?.input?.payloads ?? []) as Payload[];
    expect(stored).toHaveLength(2);
    for (const payload of stored) {
      expect(meta(payload, METADATA_ENCODING_KEY)).toBe(ENCRYPTED_ENCODING);
      expect(meta(payload, METADATA_ENCRYPTION_KEY_ID)).toBe('it-2026-12');
    }

    // The stored input decrypts to exactly what was sent; without the codec it cannot be read.
    const decoded = await codec.decode(stored);
    expect(decoded.map((payload) => defaultPayloadConverter.fromPayload(payload))).toEqual([input, SECOND_DISTINCT]);
    expect(() => defaultPayloadConverter.fromPayload(stored[0]!)).toThrow(/binary\/encrypted/);
    expect(handle.workflowId).toBe(workflowId);
  } finally {
    await plain.workflow.getHandle(workflowId).terminate('payload codec test done');
  }
});
