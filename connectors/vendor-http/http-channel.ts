/**
 * Deletion requests to a vendor's HTTP API: one signed JSON POST (./signature.ts) with the
 * reference id as `Idempotency-Key`. The vendor's API is what makes this idempotent: it must
 * process each key once and answer a repeat with 409 Conflict ("already received"), which Quell
 * reports as already done. Any 2xx means received. Other statuses are classified like every
 * HTTP connector's (401/403 refused credentials, 404 no such endpoint, 429 throttled with
 * Retry-After, 5xx and network errors retried).
 */
import type { Secret } from '../../config/secret';
import { httpFailure, networkFailure, notConfiguredFailure, type FailureSite } from '../failures';
import type { DeletionRequest, HttpDeletionReceipt } from '../message-roles';
import { deletionRequestDocument } from './document';
import { signatureHeaders } from './signature';

const REQUEST_TIMEOUT_MS = 20_000;

export interface HttpVendor {
  connector: string;
  url: string;
  hmacSecret: Secret;
}

/** POSTs the request once; throws classified failures. */
export async function postDeletionRequest(vendor: HttpVendor, request: DeletionRequest): Promise<HttpDeletionReceipt> {
  const site: FailureSite = { connector: vendor.connector, operation: `deletion request ${request.reference}` };
  const body = JSON.stringify(deletionRequestDocument(request));
  let response: Response;
  let text: string;
  try {
    response = await fetch(vendor.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Idempotency-Key': request.reference,
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
