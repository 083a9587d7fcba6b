/**
 * A real OpenBao dev server on loopback for one test file (`bao server -dev`, in-memory storage,
 * a random root token), plus the admin calls tests use to set the scene: policies, tokens,
 * userpass logins. The root token is handed to connectors files through an environment variable,
 * never written into them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTool, startServerProcess, type ServerProcess } from './server-process';
import { plantSecret } from './planted-secrets';

export interface IssuedToken {
  token: string;
  accessor: string;
  entityId: string;
}

export interface OpenBaoServer {
  readonly address: string;
  readonly rootToken: string;
  /** Calls the HTTP API with `token` (root by default); resolves with status and parsed body. */
  api(method: string, apiPath: string, body?: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  writePolicy(name: string, hcl: string): Promise<void>;
  createToken(policies: string[], displayName: string): Promise<IssuedToken>;
  /** Enables userpass (once) and creates a user with the given policies. */
  createUserpassUser(username: string, password: string, policies: string[]): Promise<void>;
  login(username: string, password: string): Promise<IssuedToken>;
  /** HTTP status of lookup-self with `token`: 200 while it authenticates, 403 once revoked. */
  authStatus(token: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startOpenBao(): Promise<OpenBaoServer> {
  // The dev server prints the root token it was given at start: allowed in its own output only.
  const rootToken = plantSecret(`root-${randomBytes(12).toString('hex')}`, 'openbao root token', { allowedInLogsOf: ['endpoint-bao'] });
  // The dev server stores its root token with the CLI token helper in $HOME: keep it out of ours.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-bao-home-'));
  let server: ServerProcess;
  try {
    server = await startServerProcess({
      command: findTool('bao'),
      args: (port) => ['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${rootToken}`],
      env: { HOME: home },
      ready: async (url) => (await fetch(`${url}/v1/sys/health`, { signal: AbortSignal.timeout(1_000) })).status === 200,
    });
  } catch (error) {
    fs.rmSync(home, { recursive: true, force: true });
    throw error;
  }

  const api: OpenBaoServer['api'] = async (method, apiPath, body, token = rootToken) => {
    const response = await fetch(`${server.url}/v1/${apiPath}`, {
      method,
      headers: { 'X-Vault-Token': token, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const expectOk = async (method: string, apiPath: string, body?: unknown) => {
    const result = await api(method, apiPath, body);
    if (result.status >= 300) throw new Error(`OpenBao ${method} ${apiPath}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  };
  const issued = (body: Record<string, unknown>): IssuedToken => {
    const auth = body.auth as { client_token: string; accessor: string; entity_id: string };
    return { token: plantSecret(auth.client_token, 'openbao token issued'), accessor: auth.accessor, entityId: auth.entity_id };
  };
  let userpassEnabled = false;

  return {
    address: server.url,
    rootToken,
    api,
    async writePolicy(name, hcl) {
      await expectOk('PUT', `sys/policies/acl/${name}`, { policy: hcl });
    },
    async createToken(policies, displayName) {
      return issued(await expectOk('POST', 'auth/token/create', { policies, display_name: displayName, ttl: '1h' }));
    },
    async createUserpassUser(username, password, policies) {
      plantSecret(password, 'openbao userpass password');
      if (!userpassEnabled) {
        await expectOk('POST', 'sys/auth/userpass', { type: 'userpass' });
        userpassEnabled = true;
      }
      await expectOk('POST', `auth/userpass/users/${username}`, { password, token_policies: policies.join(',') });
    },
    async login(username, password) {
      const response = await fetch(`${server.url}/v1/auth/userpass/login/${username}`, { method: 'POST', body: JSON.stringify({ password }) });
      if (!response.ok) throw new Error(`userpass login of ${username}: HTTP ${response.status}`);
      return issued((await response.json()) as Record<string, unknown>);
    },
    async authStatus(token) {
      return (await api('GET', 'auth/token/lookup-self', undefined, token)).status;
    },
    async stop() {
      await server.stop();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
