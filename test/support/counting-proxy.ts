/**
 * A counting HTTP proxy on loopback, put in front of a real local endpoint (moto, OpenBao, SCIM,
 * the GitHub fake, a vendor API…): the connectors file names the proxy, so every request a
 * connector makes passes it. Each request is recorded with its endpoint, the API operation it
 * carries and whether that operation reads or changes something (./counting-classify.ts), then
 * forwarded unchanged — Host header included, so AWS signatures still verify — and the answer is
 * streamed back. A route may send some requests elsewhere (CloudTrail's LookupEvents to its stub).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type CallKind = 'read' | 'mutating';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface CountedCall {
  endpoint: string;
  method: string;
  path: string;
  operation: string;
  kind: CallKind;
}

export interface ProxyRoute {
  /** Name the calls are counted under ("moto", "cloudtrail"…). */
  endpoint: string;
  /** Origin the requests go to, e.g. http://127.0.0.1:5000. */
  target: string;
  /** Which requests take this route (the first matching route wins; one without `matches` takes the rest). */
  matches?: (request: ProxiedRequest) => boolean;
  classify: (request: ProxiedRequest) => { operation: string; kind: CallKind };
}

export interface CountingProxy {
  /** The proxy's origin (http://127.0.0.1:<port>). */
  readonly url: string;
  readonly calls: CountedCall[];
  stop(): Promise<void>;
}

export async function startCountingProxy(routes: readonly ProxyRoute[]): Promise<CountingProxy> {
  const calls: CountedCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const request: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: raw.toString('utf8') };
      const route = routes.find((candidate) => !candidate.matches || candidate.matches(request));
      if (!route) {
        res.writeHead(502).end('no route');
        return;
      }
      calls.push({ endpoint: route.endpoint, method: request.method, path: request.path, ...route.classify(request) });
      const target = new URL(route.target);
      const forwarded = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.path, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', (error) => {
        if (!res.headersSent) res.writeHead(502);
        res.end(String(error));
      });
      forwarded.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
