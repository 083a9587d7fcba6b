/**
 * A small CloudTrail endpoint on loopback, speaking the AWS JSON 1.1 protocol, for the one call
 * moto does not implement: LookupEvents. The target header is accepted in both spellings the
 * service takes: `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents` (the API
 * reference) and `CloudTrail_20131101.LookupEvents` (what SDK v3 sends).
 *
 * It behaves as the service documents: timestamps are epoch seconds, events come newest first,
 * at most one lookup attribute, MaxResults 1–50, an opaque NextToken, JSON error bodies with
 * `__type`, and unsigned requests are refused. Tests seed events with `addEvents` and read what
 * clients asked in `requests`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const TARGET = /^(?:com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\.(\w+)$/;
const LOOKUP_KEYS = new Set(['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId']);

export interface StubTrailEvent {
  EventId: string;
  EventName: string;
  EventTime: Date;
  EventSource?: string;
  Username?: string;
  AccessKeyId?: string;
  ReadOnly?: 'true' | 'false';
  Resources?: Array<{ ResourceType?: string; ResourceName?: string }>;
  /** The full record as CloudTrail keeps it (a JSON string). */
  CloudTrailEvent?: string;
}

export interface LookupRequest {
  LookupAttributes?: Array<{ AttributeKey: string; AttributeValue: string }>;
  StartTime?: number;
  EndTime?: number;
  MaxResults?: number;
  NextToken?: string;
}

export interface CloudTrailStub {
  readonly endpoint: string;
  /** Every LookupEvents request received, in order. */
  readonly requests: LookupRequest[];
  addEvents(events: StubTrailEvent[]): void;
  stop(): Promise<void>;
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startCloudTrailStub(): Promise<CloudTrailStub> {
  const events: StubTrailEvent[] = [];
  const requests: LookupRequest[] = [];

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `stub-${Date.now()}` });
        response.end(JSON.stringify(body));
      };
      try {
        if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
          throw new ServiceError('MissingAuthenticationTokenException', 'Request is missing Authentication Token', 403);
        }
        const target = String(request.headers['x-amz-target'] ?? '');
        const operation = TARGET.exec(target)?.[1];
        if (request.method !== 'POST' || !operation) throw new ServiceError('UnknownOperationException', `unknown target ${target}`);
        if (operation !== 'LookupEvents') throw new ServiceError('UnknownOperationException', `${operation} is not implemented by this stub`);
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as LookupRequest;
        requests.push(input);
        reply(200, lookupEvents(events, input));
      } catch (error) {
        if (error instanceof ServiceError) reply(error.status, { __type: error.type, message: error.message });
        else reply(500, { __type: 'InternalFailure', message: String(error) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    addEvents: (added) => events.push(...added),
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function lookupEvents(all: readonly StubTrailEvent[], input: LookupRequest) {
  const attributes = input.LookupAttributes ?? [];
  if (attributes.length > 1) throw new ServiceError('InvalidLookupAttributesException', 'only one lookup attribute may be given');
  const attribute = attributes[0];
  if (attribute && !LOOKUP_KEYS.has(attribute.AttributeKey)) throw new ServiceError('InvalidLookupAttributesException', `unknown key ${attribute.AttributeKey}`);
  const limit = input.MaxResults ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new ServiceError('InvalidMaxResultsException', 'MaxResults must be 1–50');
  const start = input.StartTime ?? 0;
  const end = input.EndTime ?? Date.now() / 1000;
  if (start > end) throw new ServiceError('InvalidTimeRangeException', 'StartTime is after EndTime');

  const matching = all
    .filter((event) => {
      const at = event.EventTime.getTime() / 1000;
      return at >= start && at <= end && (!attribute || attributeValue(event, attribute.AttributeKey).includes(attribute.AttributeValue));
    })
    .sort((a, b) => b.EventTime.getTime() - a.EventTime.getTime());

  let offset = 0;
  if (input.NextToken !== undefined) {
    const decoded = Number(Buffer.from(input.NextToken, 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) throw new ServiceError('InvalidNextTokenException', 'invalid NextToken');
    offset = decoded;
  }
  const page = matching.slice(offset, offset + limit);
  const next = offset + limit < matching.length ? Buffer.from(`offset:${offset + limit}`).toString('base64url') : undefined;
  return {
    Events: page.map((event) => ({ ...event, EventTime: event.EventTime.getTime() / 1000 })),
    ...(next ? { NextToken: next } : {}),
  };
}

function attributeValue(event: StubTrailEvent, key: string): string[] {
  switch (key) {
    case 'ResourceType':
      return (event.Resources ?? []).map((resource) => resource.ResourceType ?? '');
    case 'ResourceName':
      return (event.Resources ?? []).map((resource) => resource.ResourceName ?? '');
    default: {
      const value = (event as unknown as Record<string, unknown>)[key];
      return typeof value === 'string' ? [value] : [];
    }
  }
}
