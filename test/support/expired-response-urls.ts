/**
 * Response URLs that have expired, as Slack answers them (HTTP 404 `expired_url`), for tests of
 * what the Slack app does when it can no longer reply through one. Every post is counted.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Response URLs that have expired, as Slack answers them (404 expired_url); posts are counted. */
export interface ExpiredHooks {
  url(): string;
  readonly hits: string[];
  stop(): Promise<void>;
}

export async function startExpiredHooks(): Promise<ExpiredHooks> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('expired_url');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: () => `http://127.0.0.1:${port}/commands/${randomBytes(6).toString('hex')}`,
    hits,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
