/**
 * A SCIM 2.0 client (RFC 7644) that works with whatever service provider is on the other end:
 *
 * - reads the ServiceProviderConfig once to learn whether PATCH is supported (else it replaces
 *   the whole resource with PUT);
 * - sends `If-Match` with the version it last read and, when the server answers 412 because the
 *   resource changed meanwhile, reads it again and re-decides (so a concurrent edit is neither
 *   lost nor overwritten);
 * - accepts 200 (with a body) and 204 (without) as the answer to PATCH and PUT;
 * - pages through list answers (`startIndex`/`count`), tolerating a missing `Resources`.
 *
 * Non-2xx answers become classified failures (401/403 auth, 404 not found, 429 throttled, 5xx
 * unavailable) unless the caller treats them as an answer.
 */
import type { Resolved } from '../../config/secret';
import { httpFailure, notFoundFailure, unavailableFailure, type FailureSite } from '../failures';
import { errorExcerpt, joinUrl, requestJson, type JsonResponse } from '../http-json';
import type { ScimConfig } from './settings';

export const SCIM_CONNECTOR = 'scim';
export type ScimKind = 'Users' | 'Groups';

export interface ScimResource {
  id: string;
  meta?: { version?: string; location?: string };
  [attribute: string]: unknown;
}

export interface ScimCapabilities {
  patch: boolean;
  etag: boolean;
}

/** A change to one resource: the PATCH operations, and the same change as a whole-resource edit for PUT. */
export interface ScimChange {
  /** False when the resource already is as wanted (nothing is sent). */
  needed(resource: ScimResource): boolean;
  operations(resource: ScimResource): Array<Record<string, unknown>>;
  apply(resource: ScimResource): ScimResource;
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PAGE_SIZE = 100;
/** Re-reads after a 412 before giving up (retryable) on a resource that keeps changing. */
const MAX_CONFLICT_ATTEMPTS = 4;

export class ScimClient {
  readonly connector = SCIM_CONNECTOR;
  private capabilitiesRead?: Promise<ScimCapabilities>;

  constructor(private readonly config: Resolved<ScimConfig>) {}

  get baseUrl(): string {
    return this.config.base_url;
  }

  get deletesUsers(): boolean {
    return this.config.delete_users;
  }

  /** PATCH and ETag support from /ServiceProviderConfig; assumed when the server does not say. */
  capabilities(): Promise<ScimCapabilities> {
    // Read once per process; a failed read is forgotten so the next call asks again.
    this.capabilitiesRead ??= this.readCapabilities().catch((error: unknown) => {
      this.capabilitiesRead = undefined;
      throw error;
    });
    return this.capabilitiesRead;
  }

  private async readCapabilities(): Promise<ScimCapabilities> {
    const response = await this.request('read ServiceProviderConfig', 'GET', 'ServiceProviderConfig');
    if (response.status !== 200) throw this.failure('read ServiceProviderConfig', response);
    const body = (response.body ?? {}) as { patch?: { supported?: unknown }; etag?: { supported?: unknown } };
    return { patch: body.patch?.supported !== false, etag: body.etag?.supported === true };
  }

  /** One resource with its version, or undefined when the server answers 404. */
  async get(kind: ScimKind, id: string): Promise<{ resource: ScimResource; version?: string } | undefined> {
    const operation = `read ${kind}/${id}`;
    const response = await this.request(operation, 'GET', `${kind}/${encodeURIComponent(id)}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.failure(operation, response);
    const resource = response.body as ScimResource;
    return { resource, version: response.headers.get('etag') ?? resource.meta?.version };
  }

  /** Every resource matching `filter` (all of them without one), page by page. */
  async list(kind: ScimKind, filter?: string): Promise<ScimResource[]> {
    const found: ScimResource[] = [];
    for (let startIndex = 1; ; ) {
      const query = new URLSearchParams({ startIndex: String(startIndex), count: String(PAGE_SIZE) });
      if (filter) query.set('filter', filter);
      const operation = `list ${kind}${filter ? ` where ${filter}` : ''}`;
      const response = await this.request(operation, 'GET', `${kind}?${query.toString()}`);
      if (response.status !== 200) throw this.failure(operation, response);
      const page = (response.body ?? {}) as { Resources?: ScimResource[]; totalResults?: number };
      const resources = Array.isArray(page.Resources) ? page.Resources : [];
      found.push(...resources);
      startIndex += resources.length;
      if (resources.length === 0 || found.length >= (page.totalResults ?? 0)) return found;
    }
  }

  /**
   * Applies `change` to one resource: read, decide, write with If-Match, and start over on 412.
   * Resolves true when something was written, false when the resource already was as wanted.
   */
  async update(kind: ScimKind, id: string, change: ScimChange, description: string): Promise<boolean> {
    const { patch } = await this.capabilities();
    for (let attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt += 1) {
      const current = await this.get(kind, id);
      if (!current) throw notFoundFailure(this.site(description), `${kind}/${id} no longer exists`);
      if (!change.needed(current.resource)) return false;
      const headers = current.version ? { 'If-Match': current.version } : undefined;
      const response = patch
        ? await this.request(description, 'PATCH', `${kind}/${encodeURIComponent(id)}`, {
            schemas: [PATCH_OP],
            Operations: change.operations(current.resource),
          }, headers)
        : await this.request(description, 'PUT', `${kind}/${encodeURIComponent(id)}`, withoutMeta(change.apply(current.resource)), headers);
      if (response.status === 200 || response.status === 204) return true;
      // RFC 7644 3.5.2: removing a value that is no longer there may answer 400 noTarget.
      if (response.status === 400 && scimType(response) === 'noTarget') return false;
      if (response.status !== 412) throw this.failure(description, response);
    }
    throw unavailableFailure(this.site(description), `${kind}/${id} kept changing (HTTP 412 ${MAX_CONFLICT_ATTEMPTS} times)`);
  }

  /** Deletes a resource; resolves false when it was already gone. */
  async delete(kind: ScimKind, id: string): Promise<boolean> {
    const operation = `delete ${kind}/${id}`;
    const response = await this.request(operation, 'DELETE', `${kind}/${encodeURIComponent(id)}`);
    if (response.status === 404) return false;
    if (response.status !== 200 && response.status !== 204) throw this.failure(operation, response);
    return true;
  }

  /** A raw request, for callers that give meaning to statuses themselves (probes). */
  request(operation: string, method: string, apiPath: string, body?: unknown, extraHeaders?: Record<string, string>): Promise<JsonResponse> {
    return requestJson(this.site(operation), {
      method,
      url: joinUrl(this.config.base_url, apiPath),
      headers: {
        Authorization: `Bearer ${this.config.token.reveal()}`,
        Accept: 'application/scim+json, application/json',
        ...extraHeaders,
      },
      body,
      contentType: 'application/scim+json',
    });
  }

  failure(operation: string, response: JsonResponse) {
    return httpFailure(this.site(operation), response.status, response.headers, errorExcerpt(response.body));
  }

  private site(operation: string): FailureSite {
    return { connector: SCIM_CONNECTOR, operation };
  }
}

/** A SCIM filter value: a JSON string literal (RFC 7644 3.4.2.2). */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

function scimType(response: JsonResponse): string | undefined {
  const body = (response.body ?? {}) as { scimType?: unknown };
  return typeof body.scimType === 'string' ? body.scimType : undefined;
}

/** PUT bodies carry the attributes, not the server-managed `meta`. */
function withoutMeta(resource: ScimResource): Record<string, unknown> {
  const { meta: _meta, ...rest } = resource;
  return rest;
}
