/**
 * A small GitHub REST API on node:http for the connector tests (there is no local GitHub). It
 * speaks the documented protocol for the endpoints Quell uses: the same paths (optionally under a
 * GHES-style `/api/v3` prefix), status codes (204 for membership checks and deletions, 404 for
 * "not a member" or "no such key", 401 "Bad credentials", 403 for forbidden and for rate limits),
 * JSON bodies (`message`, `documentation_url`) and rate-limit headers. It keeps organisation
 * memberships and deploy keys in memory, records every request, and can answer the next matching
 * requests with a canned failure (a secondary rate limit, an outage).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { plantSecret } from './planted-secrets';

export interface RecordedRequest {
  method: string;
  /** Path below the API base, with query string. */
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Membership {
  state: 'active' | 'pending';
  role: 'admin' | 'member';
}

export interface FakeGitHubOptions {
  org: string;
  token: string;
  /** Login of the token's user, an owner of the organisation. */
  tokenUser?: string;
  /** GHES serves the API under /api/v3; github.com at the root. */
  prefix?: string;
}

export interface FakeGitHub {
  /** What the connectors file's `github.api_url` is. */
  readonly apiUrl: string;
  readonly requests: RecordedRequest[];
  setMember(login: string, membership: Membership): void;
  membership(login: string): Membership | undefined;
  addRepository(fullName: string): void;
  addDeployKey(fullName: string, title: string): number;
  hasDeployKey(fullName: string, id: number): boolean;
  /** Answers the next `times` requests matching method and path with `response` instead. */
  failNext(match: { method: string; path: RegExp }, response: CannedResponse, times?: number): void;
  stop(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const SUPPORTED_VERSIONS = new Set(['2022-11-28']);

interface DeployKey {
  id: number;
  title: string;
  key: string;
  read_only: boolean;
  created_at: string;
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  plantSecret(options.token, 'github token');
  const prefix = options.prefix ?? '';
  const tokenUser = options.tokenUser ?? 'quell-bot';
  const members = new Map<string, Membership>([[tokenUser, { state: 'active', role: 'admin' }]]);
  const repositories = new Map<string, Map<number, DeployKey>>();
  const requests: RecordedRequest[] = [];
  const canned: Array<{ method: string; path: RegExp; response: CannedResponse; left: number }> = [];
  let nextKeyId = 90_000_001;
  let remaining = 5000;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-github');
    const apiPath = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : '';
    requests.push({ method: req.method ?? 'GET', path: `${apiPath}${url.search}`, headers: req.headers });
    remaining = Math.max(0, remaining - 1);
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'x-github-request-id': `FAKE:${requests.length}`,
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
        ...(body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        ...headers,
      });
      res.end(body !== undefined ? JSON.stringify(body) : undefined);
    };
    const error = (status: number, message: string, headers?: Record<string, string>) =>
      send(status, { message, documentation_url: DOCS, status: String(status) }, headers);

    req.resume();
    req.on('end', () => {
      const injected = canned.find((c) => c.left > 0 && c.method === req.method && c.path.test(apiPath));
      if (injected) {
        injected.left -= 1;
        return send(injected.response.status, injected.response.body, injected.response.headers);
      }
      if (!apiPath) return error(404, 'Not Found');
      if (req.headers.authorization !== `Bearer ${options.token}` && req.headers.authorization !== `token ${options.token}`) {
        return error(401, req.headers.authorization ? 'Bad credentials' : 'Requires authentication');
      }
      const version = req.headers['x-github-api-version'];
      if (typeof version === 'string' && !SUPPORTED_VERSIONS.has(version)) return error(400, `Invalid API version: ${version}`);
      route(req.method ?? 'GET', apiPath.split('/').filter(Boolean).map(decodeURIComponent));
    });

    function route(method: string, parts: string[]): void {
      const [head, org, kind, name, leaf] = parts;
      if (method === 'GET' && parts.length === 1 && head === 'rate_limit') {
        const core = { limit: 5000, remaining, reset: Math.floor(Date.now() / 1000) + 3600, used: 5000 - remaining, resource: 'core' };
        return send(200, { resources: { core }, rate: core });
      }
      if (method === 'GET' && parts.length === 1 && head === 'user') return send(200, { login: tokenUser, id: 1, type: 'User' });
      if (head === 'orgs') {
        if (org !== options.org) return error(404, 'Not Found');
        if (method === 'GET' && parts.length === 2) return send(200, { login: org, id: 4242, url: `${prefix}/orgs/${org}`, description: 'fake org' });
        const requester = members.get(tokenUser);
        if (kind === 'members' && parts.length === 4) {
          const membership = members.get(name);
          if (method === 'GET') return send(membership?.state === 'active' ? 204 : 404);
          if (method === 'DELETE') {
            if (requester?.role !== 'admin') return error(403, 'You must be an admin to remove a member');
            members.delete(name);
            return send(204);
          }
        }
        if (kind === 'memberships' && parts.length === 4) {
          const membership = members.get(name);
          if (method === 'GET') {
            if (!membership) return error(404, 'Not Found');
            return send(200, {
              url: `${prefix}/orgs/${org}/memberships/${name}`,
              state: membership.state,
              role: membership.role,
              organization_url: `${prefix}/orgs/${org}`,
              organization: { login: org, id: 4242 },
              user: { login: name, id: 7000 + name.length, type: 'User' },
            });
          }
          if (method === 'DELETE') {
            if (requester?.role !== 'admin') return error(403, 'You must be an admin to remove a membership');
            if (!membership) return error(404, 'Not Found');
            members.delete(name);
            return send(204);
          }
        }
      }
      if (head === 'repos') {
        const fullName = `${org}/${kind}`;
        const keys = repositories.get(fullName);
        if (!keys) return error(404, 'Not Found');
        if (method === 'GET' && parts.length === 3) {
          return send(200, { id: 31337, name: kind, full_name: fullName, owner: { login: org }, private: true });
        }
        if (name === 'keys' && parts.length === 5) {
          const key = keys.get(Number(leaf));
          if (!key) return error(404, 'Not Found');
          if (method === 'GET') return send(200, { ...key, url: `${prefix}/repos/${fullName}/keys/${key.id}`, verified: true, added_by: tokenUser, last_used: null, enabled: true });
          if (method === 'DELETE') {
            keys.delete(key.id);
            return send(204);
          }
        }
      }
      return error(404, 'Not Found');
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiUrl: `http://127.0.0.1:${port}${prefix}`,
    requests,
    setMember: (login, membership) => void members.set(login, membership),
    membership: (login) => members.get(login),
    addRepository: (fullName) => void repositories.set(fullName, repositories.get(fullName) ?? new Map()),
    addDeployKey(fullName, title) {
      const keys = repositories.get(fullName);
      if (!keys) throw new Error(`no repository ${fullName}`);
      const id = nextKeyId++;
      keys.set(id, { id, title, key: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${id}`, read_only: true, created_at: new Date().toISOString() });
      return id;
    },
    hasDeployKey: (fullName, id) => repositories.get(fullName)?.has(id) ?? false,
    failNext: (match, response, times = 1) => void canned.push({ ...match, response, left: times }),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
