/**
 * A small GuardDuty endpoint on loopback, speaking GuardDuty's REST-JSON protocol, for the calls
 * moto does not implement: ListDetectors (`GET /detector`), ListFindings
 * (`POST /detector/{id}/findings`) and GetFindings (`POST /detector/{id}/findings/get`).
 *
 * It behaves as the service documents: camelCase JSON bodies, finding times as ISO strings,
 * `findingCriteria.criterion` filters (equals/notEquals on any attribute path, the range
 * conditions on `updatedAt`/`createdAt`/`severity`, epoch milliseconds for times), `sortCriteria`,
 * maxResults 1–50 with an opaque nextToken, at most 50 ids per GetFindings, errors as JSON with
 * `__type` and `x-amzn-errortype`, and requests without a SigV4 Authorization header refused.
 * Tests seed findings with `addFindings` and read what clients asked in `requests`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A finding as GuardDuty's wire format has it (camelCase); only the fields the stub filters on are typed. */
export interface StubFinding {
  id: string;
  type: string;
  updatedAt: string;
  createdAt: string;
  severity: number;
  resource: { resourceType: string; accessKeyDetails?: { userName?: string; accessKeyId?: string } };
  [field: string]: unknown;
}

export interface StubCondition {
  equals?: string[];
  notEquals?: string[];
  greaterThan?: number;
  greaterThanOrEqual?: number;
  lessThan?: number;
  lessThanOrEqual?: number;
  eq?: string[];
  neq?: string[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface GuardDutyRequest {
  operation: 'ListDetectors' | 'ListFindings' | 'GetFindings';
  detectorId?: string;
  /** The query string (ListDetectors) or JSON body (the others), as received. */
  input: {
    findingCriteria?: { criterion?: Record<string, StubCondition> };
    sortCriteria?: { attributeName?: string; orderBy?: 'ASC' | 'DESC' };
    maxResults?: number;
    nextToken?: string;
    findingIds?: string[];
  };
}

export interface GuardDutyStub {
  readonly endpoint: string;
  /** Every well-formed request received, in order. */
  readonly requests: GuardDutyRequest[];
  /** Creates the detector if needed and adds findings to it. */
  addFindings(detectorId: string, findings: StubFinding[]): void;
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

const PAGE_LIMIT = 50;
const TIME_ATTRIBUTES = new Set(['updatedAt', 'createdAt']);

export async function startGuardDutyStub(): Promise<GuardDutyStub> {
  const detectors = new Map<string, StubFinding[]>();
  const requests: GuardDutyRequest[] = [];

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown, errorType?: string) => {
        response.writeHead(status, {
          'content-type': 'application/json',
          'x-amzn-requestid': `stub-${Date.now()}`,
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        response.end(JSON.stringify(body));
      };
      try {
        if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
          throw new ServiceError('AccessDeniedException', 'Request is missing a SigV4 Authorization header', 403);
        }
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const route = /^\/detector(?:\/([^/]+)\/findings(\/get)?)?$/.exec(url.pathname);
        if (!route) throw new ServiceError('BadRequestException', `no operation at ${request.method} ${url.pathname}`);
        const [, detectorId, get] = route;
        if (detectorId === undefined) {
          if (request.method !== 'GET') throw new ServiceError('BadRequestException', `${request.method} /detector is not implemented by this stub`);
          const input = { maxResults: optionalNumber(url.searchParams.get('maxResults')), nextToken: url.searchParams.get('nextToken') ?? undefined };
          requests.push({ operation: 'ListDetectors', input });
          const page = paged([...detectors.keys()], input);
          reply(200, { detectorIds: page.items, ...(page.next ? { nextToken: page.next } : {}) });
          return;
        }
        if (request.method !== 'POST') throw new ServiceError('BadRequestException', `${request.method} ${url.pathname} is not implemented by this stub`);
        if (request.headers['content-type'] !== 'application/json') throw new ServiceError('BadRequestException', 'body must be application/json');
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as GuardDutyRequest['input'];
        const decoded = decodeURIComponent(detectorId);
        const findings = detectors.get(decoded);
        requests.push({ operation: get ? 'GetFindings' : 'ListFindings', detectorId: decoded, input });
        if (!findings) throw new ServiceError('BadRequestException', 'The request is rejected because the input detectorId is not owned by the current account.');
        reply(200, get ? getFindings(findings, input) : listFindings(findings, input));
      } catch (error) {
        if (error instanceof ServiceError) reply(error.status, { __type: error.type, message: error.message }, error.type);
        else reply(500, { __type: 'InternalServerErrorException', message: String(error) }, 'InternalServerErrorException');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    addFindings: (detectorId, added) => detectors.set(detectorId, [...(detectors.get(detectorId) ?? []), ...added]),
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function optionalNumber(text: string | null): number | undefined {
  return text === null ? undefined : Number(text);
}

function listFindings(all: readonly StubFinding[], input: GuardDutyRequest['input']) {
  const criterion = input.findingCriteria?.criterion ?? {};
  const matching = all.filter((finding) => Object.entries(criterion).every(([attribute, condition]) => satisfies(finding, attribute, condition)));
  const sort = input.sortCriteria;
  if (sort?.attributeName) {
    const direction = sort.orderBy === 'DESC' ? -1 : 1;
    matching.sort((a, b) => direction * compare(comparable(a, sort.attributeName!), comparable(b, sort.attributeName!)));
  }
  const page = paged(
    matching.map((finding) => finding.id),
    input,
  );
  return { findingIds: page.items, ...(page.next ? { nextToken: page.next } : {}) };
}

function getFindings(all: readonly StubFinding[], input: GuardDutyRequest['input']) {
  const ids = input.findingIds ?? [];
  if (ids.length === 0 || ids.length > PAGE_LIMIT) throw new ServiceError('BadRequestException', `findingIds must hold 1–${PAGE_LIMIT} ids, not ${ids.length}`);
  const byId = new Map(all.map((finding) => [finding.id, finding]));
  return { findings: ids.flatMap((id) => byId.get(id) ?? []) };
}

function paged<T>(items: readonly T[], input: { maxResults?: number; nextToken?: string }): { items: T[]; next?: string } {
  const limit = input.maxResults ?? PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT) throw new ServiceError('BadRequestException', `maxResults must be 1–${PAGE_LIMIT}`);
  let offset = 0;
  if (input.nextToken !== undefined && input.nextToken !== '') {
    offset = Number(Buffer.from(input.nextToken, 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(offset) || offset < 0) throw new ServiceError('BadRequestException', 'The request is rejected because an invalid or out-of-range value is specified for nextToken.');
  }
  const next = offset + limit < items.length ? Buffer.from(`offset:${offset + limit}`).toString('base64url') : undefined;
  return { items: items.slice(offset, offset + limit), ...(next ? { next } : {}) };
}

/** The attribute's value: times as epoch milliseconds (what criteria compare with), else as stored. */
function comparable(finding: StubFinding, attribute: string): unknown {
  const value = attribute.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), finding);
  return TIME_ATTRIBUTES.has(attribute) && typeof value === 'string' ? Date.parse(value) : value;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

function satisfies(finding: StubFinding, attribute: string, condition: StubCondition): boolean {
  const value = comparable(finding, attribute);
  const equals = condition.equals ?? condition.eq;
  const notEquals = condition.notEquals ?? condition.neq;
  const bounds: Array<[number | undefined, (v: number, bound: number) => boolean]> = [
    [condition.greaterThan ?? condition.gt, (v, bound) => v > bound],
    [condition.greaterThanOrEqual ?? condition.gte, (v, bound) => v >= bound],
    [condition.lessThan ?? condition.lt, (v, bound) => v < bound],
    [condition.lessThanOrEqual ?? condition.lte, (v, bound) => v <= bound],
  ];
  if (equals && !equals.includes(String(value))) return false;
  if (notEquals && notEquals.includes(String(value))) return false;
  for (const [bound, holds] of bounds) {
    if (bound === undefined) continue;
    if (typeof value !== 'number' || !holds(value, bound)) return false;
  }
  return true;
}
