/**
 * One JSON request over Node's global fetch, shared by the OpenBao, GitHub and SCIM connectors.
 *
 * It never throws because of an HTTP status: what a 404 or a 400 means depends on the API and the
 * moment (often "already done"), so each connector decides. A socket error, DNS failure or
 * timeout, on the other hand, always means "try again later" and becomes a classified,
 * retryable {@link networkFailure} here.
 */
import { networkFailure, type FailureSite } from './failures';

/** How long one request may take before it counts as a network failure. */
const DEFAULT_TIMEOUT_MS = 20_000;

export interface JsonRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON when present. */
  body?: unknown;
  /** Content type of the body (SCIM wants application/scim+json). */
  contentType?: string;
  /** `manual` to see a 3xx answer itself (GitHub's membership check answers 302). */
  redirect?: 'follow' | 'manual';
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** The parsed body, or undefined when it was empty or not JSON. */
  body: unknown;
}

/** Sends one request and parses the JSON answer; rejects only with a classified network failure. */
export async function requestJson(site: FailureSite, request: JsonRequest): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      redirect: request.redirect ?? 'follow',
      signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    throw networkFailure(site, error);
  }
  return { status: response.status, headers: response.headers, body: parseJson(text) };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What the server said about an error, in one short line: OpenBao's `errors`, GitHub's `message`,
 * SCIM's `detail`. Used in failure messages (which are scrubbed of secrets anyway).
 */
export function errorExcerpt(body: unknown): string {
  if (body === null || typeof body !== 'object') return '';
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors)) return record.errors.map((e) => String(e).replace(/\s+/g, ' ').trim()).join('; ');
  for (const key of ['detail', 'message']) {
    if (typeof record[key] === 'string') return (record[key] as string).slice(0, 300);
  }
  return '';
}

/** Joins a base URL (possibly with a path, e.g. GHES `/api/v3`) and an API path. */
export function joinUrl(base: string, apiPath: string): string {
  return `${base.replace(/\/+$/, '')}/${apiPath.replace(/^\/+/, '')}`;
}

/** Encodes each segment of a slash-separated path (OpenBao lease prefixes, GitHub owner/repo). */
export function encodePath(value: string): string {
  return value
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
