/**
 * A real SCIM 2.0 service provider on loopback for one test file: scim2-server (in memory, with
 * PATCH, filters and ETags), serving RFC 7643 Users and Groups under `/v2` and accepting only
 * the bearer token given with `--bearer-token`. The helpers create and read resources over SCIM
 * itself, so a test sets the scene and checks results through the same protocol Quell uses.
 */
import { randomBytes } from 'node:crypto';
import { findTool, startServerProcess, type ServerProcess } from './server-process';
import { plantSecret } from './planted-secrets';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export interface ScimUser {
  id: string;
  userName: string;
  active?: boolean;
  emails?: Array<{ value: string; primary?: boolean }>;
}

export interface ScimGroup {
  id: string;
  displayName: string;
  members?: Array<{ value: string; type?: string }>;
}

export interface ScimTestServer {
  /** What the connectors file's `scim.base_url` is: the root with /Users and /Groups under it. */
  readonly baseUrl: string;
  readonly token: string;
  createUser(userName: string, options?: { emails?: string[]; active?: boolean }): Promise<ScimUser>;
  createGroup(displayName: string, memberIds: string[]): Promise<ScimGroup>;
  /** The user, or undefined once deleted (404). */
  getUser(id: string): Promise<ScimUser | undefined>;
  getGroup(id: string): Promise<ScimGroup>;
  stop(): Promise<void>;
}

export async function startScimServer(): Promise<ScimTestServer> {
  const token = plantSecret(`scim-${randomBytes(12).toString('hex')}`, 'scim bearer token');
  const server: ServerProcess = await startServerProcess({
    command: findTool('scim2-server'),
    args: (port) => ['--hostname', '127.0.0.1', '--port', String(port), '--bearer-token', token],
    ready: async (url) => (await fetch(`${url}/v2/ServiceProviderConfig`, { signal: AbortSignal.timeout(1_000) })).ok,
  });
  const baseUrl = `${server.url}/v2`;

  const call = async <T>(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${baseUrl}/${apiPath}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/scim+json', ...(body ? { 'Content-Type': 'application/scim+json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const created = async <T>(apiPath: string, body: unknown): Promise<T> => {
    const result = await call<T>('POST', apiPath, body);
    if (result.status !== 201) throw new Error(`SCIM POST ${apiPath}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  };

  return {
    baseUrl,
    token,
    createUser: (userName, options = {}) =>
      created<ScimUser>('Users', {
        schemas: [USER_SCHEMA],
        userName,
        active: options.active ?? true,
        emails: (options.emails ?? []).map((value, index) => ({ value, primary: index === 0 })),
      }),
    createGroup: (displayName, memberIds) =>
      created<ScimGroup>('Groups', { schemas: [GROUP_SCHEMA], displayName, members: memberIds.map((value) => ({ value, type: 'User' })) }),
    async getUser(id) {
      const result = await call<ScimUser>('GET', `Users/${id}`);
      if (result.status === 404) return undefined;
      if (result.status !== 200) throw new Error(`SCIM GET Users/${id}: HTTP ${result.status}`);
      return result.body;
    },
    async getGroup(id) {
      const result = await call<ScimGroup>('GET', `Groups/${id}`);
      if (result.status !== 200) throw new Error(`SCIM GET Groups/${id}: HTTP ${result.status}`);
      return result.body;
    },
    stop: () => server.stop(),
  };
}
