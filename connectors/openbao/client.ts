/**
 * The few OpenBao (Vault-compatible) HTTP API calls Quell needs: token lookups and revocation by
 * accessor, lease listing and revocation by prefix, and the checks behind the connector probes.
 *
 * Every call sends the connector's token in `X-Vault-Token` (and `X-Vault-Namespace` when one is
 * configured). Answers that mean "gone" (an invalid accessor, no leases under a prefix) are
 * returned as values; any other non-2xx answer becomes a classified failure (403 → auth, 429 →
 * throttled, 5xx/sealed → unavailable).
 */
import type { Resolved } from '../../config/secret';
import { httpFailure, type FailureSite } from '../failures';
import { encodePath, errorExcerpt, joinUrl, requestJson, type JsonResponse } from '../http-json';
import type { OpenBaoConfig } from './settings';

export const OPENBAO_CONNECTOR = 'openbao';

/** What a token lookup tells about a token; never its id (the secret itself). */
export interface OpenBaoTokenInfo {
  accessor: string;
  display_name: string;
  policies: string[];
  entity_id: string;
  expire_time: string | null;
  /** Where the token was created, e.g. `auth/userpass/login/alice`: its lease prefix. */
  path: string;
}

export interface OpenBaoHealth {
  status: number;
  sealed?: boolean;
  initialized?: boolean;
  version?: string;
}

export class OpenBaoClient {
  readonly connector = OPENBAO_CONNECTOR;

  constructor(private readonly config: Resolved<OpenBaoConfig>) {}

  get address(): string {
    return this.config.address;
  }

  get namespace(): string | undefined {
    return this.config.namespace;
  }

  /** sys/health, unauthenticated; the status code itself carries the answer (503 sealed, 501 uninitialised). */
  async health(): Promise<OpenBaoHealth> {
    const response = await this.send('check health', 'GET', 'sys/health?standbyok=true&perfstandbyok=true', undefined, false);
    const body = (response.body ?? {}) as Record<string, unknown>;
    return {
      status: response.status,
      ...(typeof body.sealed === 'boolean' ? { sealed: body.sealed } : {}),
      ...(typeof body.initialized === 'boolean' ? { initialized: body.initialized } : {}),
      ...(typeof body.version === 'string' ? { version: body.version } : {}),
    };
  }

  /** The connector's own token. */
  async lookupSelf(): Promise<OpenBaoTokenInfo> {
    const response = await this.expect('look up the connector token', 'GET', 'auth/token/lookup-self', undefined, [200]);
    return tokenInfo(response.body);
  }

  /** Capabilities of the connector's token on each path (`update`, `sudo`, `root`, `deny`, …). */
  async capabilities(paths: string[]): Promise<Record<string, string[]>> {
    const response = await this.expect('check capabilities', 'POST', 'sys/capabilities-self', { paths }, [200]);
    const body = (response.body ?? {}) as Record<string, unknown>;
    const data = (body.data ?? body) as Record<string, unknown>;
    return Object.fromEntries(paths.map((p) => [p, Array.isArray(data[p]) ? (data[p] as string[]) : []]));
  }

  /** The token behind an accessor, or undefined when the accessor is invalid (revoked or expired). */
  async lookupAccessor(accessor: string): Promise<OpenBaoTokenInfo | undefined> {
    const operation = `look up accessor ${accessor}`;
    const response = await this.send(operation, 'POST', 'auth/token/lookup-accessor', { accessor });
    if (response.status === 200) return tokenInfo(response.body);
    // OpenBao answers 400 "invalid accessor" for a token that no longer exists.
    if (response.status === 400 && /invalid accessor/i.test(errorExcerpt(response.body))) return undefined;
    throw this.failure(operation, response);
  }

  /** Revokes the token behind the accessor and every child token it created. */
  async revokeAccessor(accessor: string): Promise<void> {
    await this.expect(`revoke accessor ${accessor}`, 'POST', 'auth/token/revoke-accessor', { accessor }, [200, 204]);
  }

  /** Entries directly under a lease prefix (lease ids or sub-folders); empty when there are none. */
  async listLeases(prefix: string): Promise<string[]> {
    const operation = `list leases under ${prefix}`;
    const response = await this.send(operation, 'GET', `sys/leases/lookup/${encodePath(prefix)}/?list=true`);
    if (response.status === 404) return [];
    if (response.status !== 200) throw this.failure(operation, response);
    return keysOf(response.body);
  }

  /** Revokes every lease (and token) whose id starts with `prefix/`; synchronous on the server. */
  async revokePrefix(prefix: string): Promise<void> {
    await this.expect(`revoke leases under ${prefix}`, 'PUT', `sys/leases/revoke-prefix/${encodePath(prefix)}`, undefined, [200, 204]);
  }

  /** Accessors of every token in the namespace (needs sudo on auth/token/accessors). */
  async listAccessors(): Promise<string[]> {
    const response = await this.expect('list token accessors', 'GET', 'auth/token/accessors?list=true', undefined, [200]);
    return keysOf(response.body);
  }

  private async expect(operation: string, method: string, apiPath: string, body: unknown, ok: number[]): Promise<JsonResponse> {
    const response = await this.send(operation, method, apiPath, body);
    if (!ok.includes(response.status)) throw this.failure(operation, response);
    return response;
  }

  private send(operation: string, method: string, apiPath: string, body?: unknown, authenticated = true): Promise<JsonResponse> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (authenticated) headers['X-Vault-Token'] = this.config.token.reveal();
    if (this.config.namespace) headers['X-Vault-Namespace'] = this.config.namespace;
    return requestJson(this.site(operation), { method, url: joinUrl(this.config.address, `v1/${apiPath}`), headers, body });
  }

  private failure(operation: string, response: JsonResponse) {
    // 403 is OpenBao's answer to a bad or under-privileged token; a sealed server answers 503.
    return httpFailure(this.site(operation), response.status, response.headers, errorExcerpt(response.body));
  }

  private site(operation: string): FailureSite {
    return { connector: OPENBAO_CONNECTOR, operation };
  }
}

function tokenInfo(body: unknown): OpenBaoTokenInfo {
  const data = ((body ?? {}) as { data?: Record<string, unknown> }).data ?? {};
  return {
    accessor: String(data.accessor ?? ''),
    display_name: String(data.display_name ?? ''),
    policies: Array.isArray(data.policies) ? data.policies.map(String) : [],
    entity_id: String(data.entity_id ?? ''),
    expire_time: typeof data.expire_time === 'string' ? data.expire_time : null,
    path: String(data.path ?? ''),
  };
}

function keysOf(body: unknown): string[] {
  const keys = ((body ?? {}) as { data?: { keys?: unknown } }).data?.keys;
  return Array.isArray(keys) ? keys.map(String) : [];
}
