/**
 * Requests to a vendor's HTTP API (deletion requests, and the other `vendor.request`s): one signed
 * JSON POST (./signature.ts) with the reference id as `Idempotency-Key`. The vendor's API is what makes this idempotent: it must
 * process each key once and answer a repeat with 409 Conflict ("already received"), which Quell
 * reports as already done. Any 2xx means received. Other statuses are classified like every
 * HTTP connector's (401/403 refused credentials, 404 no such endpoint, 429 throttled with
 * Retry-After, 5xx and network errors retried).
 */
import type { Secret } from '../../config/secret';
import { httpFailure, networkFailure, notConfiguredFailure, type FailureSite } from '../failures';
import type { DeletionRequest, HttpDeletionReceipt, VendorRequest } from '../message-roles';
import { deletionRequestDocument, vendorRequestDocument } from './document';
import { signatureHeaders } from './signature';

const REQUEST_TIMEOUT_MS = 20_000;

export interface HttpVendor {
  connector: string;
  url: string;
  hmacSecret: Secret;
}

/** POSTs the request once; throws classified failures. */
export function postDeletionRequest(vendor: HttpVendor, request: DeletionRequest): Promise<HttpDeletionReceipt> {
  return postSigned(vendor, request.reference, deletionRequestDocument(request), `deletion request ${request.reference}`);
}

/** POSTs a `vendor.request` once; throws classified failures. */
export function postVendorRequest(vendor: HttpVendor, request: VendorRequest): Promise<HttpDeletionReceipt> {
  return postSigned(vendor, request.reference, vendorRequestDocument(request), `${request.kind} request ${request.reference}`);
}

/** Signs and POSTs `document` under `reference` (the Idempotency-Key); `operation` names it in failures. */
async function postSigned(vendor: HttpVendor, reference: string, document: Record<string, unknown>, operation: string): Promise<HttpDeletionReceipt> {
  const site: FailureSite = { connector: vendor.connector, operation };
  const body = JSON.stringify(document);
  let response: Response;
  let text: string;
  try {
    response = await fetch(vendor.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Idempotency-Key': reference,
        ...signatureHeaders(vendor.hmacSecret.reveal(), body, Math.floor(Date.now() / 1000)),
      },
      body,
      // A signed request is never re-sent elsewhere: a redirect is a configuration problem.
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    throw networkFailure(site, error);
  }
  const answer = parseJson(text);
  if (response.status === 409) return { status: 409, alreadyReceived: true, ...vendorReceipt(answer) };
  if (response.status >= 300 && response.status < 400) {
    throw notConfiguredFailure(site, `the vendor URL redirects (HTTP ${response.status} to ${response.headers.get('location') ?? '?'}); configure the final URL`);
  }
  if (response.status < 200 || response.status > 299) throw httpFailure(site, response.status, response.headers, excerpt(answer, text));
  return { status: response.status, alreadyReceived: false, ...vendorReceipt(answer) };
}

/** The vendor's own id for the request, when its answer names one. */
function vendorReceipt(answer: unknown): { vendorReceipt?: string } {
  if (answer === null || typeof answer !== 'object') return {};
  const record = answer as Record<string, unknown>;
  const receipt = record.receipt ?? record.id ?? record.ticket;
  return typeof receipt === 'string' || typeof receipt === 'number' ? { vendorReceipt: String(receipt) } : {};
}

function parseJson(text: string): unknown {
  try {
    return text.trim() ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function excerpt(answer: unknown, text: string): string {
  if (answer !== null && typeof answer === 'object') {
    const record = answer as Record<string, unknown>;
    for (const key of ['error', 'message', 'detail']) if (typeof record[key] === 'string') return record[key] as string;
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}
