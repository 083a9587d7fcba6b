/**
 * The run-time half of the URL-credential class (issue 11): a URL with userinfo that reaches an
 * HTTP client anyway (built by code, or by an older Quell) leaves no trace of the password in the
 * failure or the log. Config files refusing such URLs: config-hostile-connectors.test.ts.
 */
import { Writable } from 'node:stream';
import { HttpSource } from '../../connectors/http-evidence/source';
import { requestJson } from '../../connectors/http-json';
import { withoutSecrets } from '../../connectors/failures';
import { Secret } from '../../config/secret';
import { postDeletionRequest } from '../../connectors/vendor-http/http-channel';
import { redactUrlCredentials } from '../../common/url-credentials';
import { createLogger } from '../../worker/logger';
import { FAST_MS, LEAK_FORMS, PASSWORD, TOKEN } from '../support/config-refusals';
import { leaksIn } from '../support/secret-scan';

describe('a URL with credentials that reaches a client at run time', () => {
  const credentialUrl = `http://admin:${PASSWORD}@127.0.0.1:9/v1/delete`;

  /** Everything a failure would put in a history or a log: message, stack, details, causes. */
  function everything(error: unknown): string {
    const parts: string[] = [];
    let current: unknown = error;
    for (let depth = 0; current instanceof Error && depth < 6; depth += 1) {
      parts.push(current.message, current.stack ?? '', JSON.stringify((current as { details?: unknown }).details ?? null));
      current = (current as { cause?: unknown }).cause;
    }
    return parts.join('\n');
  }

  const clients: Array<[string, () => Promise<unknown>]> = [
    [
      'the HTTP evidence source',
      async () => {
        const source = new HttpSource({ url: credentialUrl, format: 'json' });
        const [artifact] = await source.plan({ params: { query: 'q' }, window: { start: new Date(0), end: new Date(1000) } } as never);
        return artifact.open();
      },
    ],
    [
      'a vendor deletion request',
      () =>
        postDeletionRequest(
          { connector: 'vendor:globex', url: credentialUrl, hmacSecret: new Secret('k'.repeat(16), 'env:K') },
          {
            reference: 'ref-1',
            vendorId: 'globex',
            vendorName: 'Globex',
            dataCategories: [],
            legalBasis: 'contract',
            incident: 'INC-1',
            workflowId: 'quell:x:INC-1',
            dueDate: '2030-01-01',
            requestedAt: '2029-12-01T00:00:00Z',
          },
        ),
    ],
    ['a JSON API request (OpenBao, GitHub, SCIM)', () => requestJson({ connector: 'scim', operation: `GET ${credentialUrl}` }, { url: credentialUrl })],
  ];

  it.each(clients)('%s fails with no trace of the password', async (_name, call) => {
    const failure = await call().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(everything(failure)).toContain('[redacted]@127.0.0.1');
    expect(leaksIn(everything(failure), LEAK_FORMS)).toEqual([]);
  });

  it('an unclassified error quoting the URL is scrubbed before Temporal records it, and in the log', () => {
    const raw = new TypeError(`Request cannot be constructed from a URL that includes credentials: ${credentialUrl}`, {
      cause: new Error(`connect ECONNREFUSED for ${credentialUrl}`),
    });
    const scrubbed = withoutSecrets(raw) as Error;
    expect(scrubbed.name).toBe('TypeError');
    expect(leaksIn(everything(scrubbed), LEAK_FORMS)).toEqual([]);

    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    createLogger({ logLevel: 'info' }, sink).warn({ err: raw, url: credentialUrl }, `request to ${credentialUrl} failed`);
    expect(lines.join('')).toContain('[redacted]@127.0.0.1');
    expect(leaksIn(lines.join(''), LEAK_FORMS)).toEqual([]);
  });

  it('redaction covers the spellings a URL reaches text in, and leaves other text alone', () => {
    expect(redactUrlCredentials(`see https://bob:${PASSWORD}@h.example/x and ssh://${TOKEN}@git.example`)).toBe('see https://[redacted]@h.example/x and ssh://[redacted]@git.example');
    expect(redactUrlCredentials(`{"url":"https:\\/\\/bob:${PASSWORD}@h.example\\/x"}`)).toBe('{"url":"https:\\/\\/[redacted]@h.example\\/x"}');
    expect(redactUrlCredentials(`next=${encodeURIComponent(`https://bob:${PASSWORD}@h.example/p`)}&x=1`)).toBe('next=https%3A%2F%2F[redacted]%40h.example%2Fp&x=1');
    expect(redactUrlCredentials(`https://a:${PASSWORD}@b@host.example:80/p`)).toBe('https://[redacted]@host.example:80/p');
    expect(redactUrlCredentials('mail bob@example.com about https://host.example/a@b')).toBe('mail bob@example.com about https://host.example/a@b');
    const started = performance.now();
    redactUrlCredentials(`${'://'.repeat(300_000)}${'a'.repeat(1_000_000)}`);
    expect(performance.now() - started).toBeLessThan(FAST_MS);
  });
});
