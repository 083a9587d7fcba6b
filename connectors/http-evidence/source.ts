/**
 * The `http` source: GETs the configured endpoint (JSON or NDJSON) and stores the response body
 * as it streams in. The step's context travels as query parameters the endpoint may use:
 * `query`, `principal`, and `since`/`until` (ISO 8601, the collection window). A bearer token,
 * when configured, is sent in `Authorization` and never appears in messages.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ConnectorProbe } from '../connector';
import { httpFailure, networkFailure } from '../failures';
import type { Secret } from '../../config/secret';
import type { CollectionRequest, EvidenceSource, PlannedArtifact } from '../evidence-roles';
import { HTTP_EVIDENCE_CONNECTOR } from './connector-id';

/** Time to wait for the response headers; the body may then take as long as it needs. */
const HEADERS_TIMEOUT_MS = 30_000;

export interface HttpSourceConfig {
  url: string;
  format: 'json' | 'ndjson';
  token?: Secret;
}

export class HttpSource implements EvidenceSource {
  readonly kind = 'http' as const;
  readonly connector = HTTP_EVIDENCE_CONNECTOR;
  readonly windowed = true;
  readonly description: string;

  constructor(private readonly config: HttpSourceConfig) {
    this.description = `GET ${config.url} (${config.format})`;
  }

  async plan({ params, window }: CollectionRequest): Promise<PlannedArtifact[]> {
    const url = new URL(this.config.url);
    const context: Partial<Record<string, string>> = {
      query: params.query,
      principal: params.principal,
      since: window.start.toISOString(),
      until: window.end.toISOString(),
    };
    for (const [name, value] of Object.entries(context)) if (value !== undefined) url.searchParams.set(name, value);
    const ndjson = this.config.format === 'ndjson';
    return [
      {
        name: ndjson ? 'http/response.ndjson' : 'http/response.json',
        mediaType: ndjson ? 'application/x-ndjson' : 'application/json',
        open: () => this.get(url),
      },
    ];
  }

  async check(): Promise<ConnectorProbe[]> {
    try {
      const response = await this.fetch(new URL(this.config.url));
      await response.body?.cancel();
      return [{ name: 'endpoint', ok: response.ok, detail: `${this.config.url} answers HTTP ${response.status}` }];
    } catch (error) {
      return [{ name: 'endpoint', ok: false, detail: networkFailure({ connector: this.connector, operation: `GET ${this.config.url}` }, socketError(error)).message }];
    }
  }

  private async get(url: URL): Promise<Readable> {
    const site = { connector: this.connector, operation: `GET ${this.config.url}` };
    let response: Response;
    try {
      response = await this.fetch(url);
    } catch (error) {
      throw networkFailure(site, socketError(error));
    }
    if (!response.ok) {
      const excerpt = (await response.text().catch(() => '')).slice(0, 300);
      throw httpFailure(site, response.status, response.headers, excerpt);
    }
    if (!response.body) return Readable.from([], { objectMode: false });
    return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }

  private fetch(url: URL): Promise<Response> {
    const headers: Record<string, string> = { accept: this.config.format === 'ndjson' ? 'application/x-ndjson, application/json' : 'application/json' };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token.reveal()}`;
    // The timeout covers the wait for headers only: it is cleared once they arrive.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no response within ${HEADERS_TIMEOUT_MS} ms`)), HEADERS_TIMEOUT_MS);
    return fetch(url, { headers, signal: controller.signal, redirect: 'error' }).finally(() => clearTimeout(timer));
  }
}

/**
 * fetch rejects with "fetch failed" and the socket error (ECONNREFUSED, …) as its cause; hand
 * over the cause itself, whose code is what the message should name.
 */
function socketError(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause !== undefined && typeof (cause as { code?: unknown }).code === 'string' ? cause : error;
}
