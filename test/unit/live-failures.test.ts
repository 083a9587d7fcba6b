/** Failure classification of live connectors: what Temporal retries, and after how long. */
import { ErrorType } from '../../common/errors';
import { httpFailure, networkFailure, parseRetryAfter } from '../../connectors/failures';
import { classifyAwsError } from '../../connectors/aws/errors';
import { Secret } from '../../config/secret';

const site = { connector: 'vendor:acme', operation: 'send deletion request' };
const headers = (entries: Record<string, string> = {}) => ({ get: (name: string) => entries[name.toLowerCase()] ?? null });

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, never negative', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('httpFailure', () => {
  it.each([
    [401, ErrorType.AuthFailed, true],
    [403, ErrorType.AuthFailed, true],
    [404, ErrorType.NotFound, true],
    [422, ErrorType.InvalidInput, true],
    [500, ErrorType.Unavailable, false],
    [502, ErrorType.Unavailable, false],
  ])('HTTP %i → %s (non-retryable: %s)', (status, type, nonRetryable) => {
    const failure = httpFailure(site, status, headers());
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(nonRetryable);
    expect(failure.message).toContain('vendor:acme: send deletion request');
  });

  it('429 is retried after exactly the delay the server asked for', () => {
    const failure = httpFailure(site, 429, headers({ 'retry-after': '3' }));
    expect(failure.type).toBe(ErrorType.Throttled);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(3000);
  });

  it('scrubs loaded secret values from the message', () => {
    const secret = new Secret('leaky-token-1234567', 'env:TEST_LEAK');
    const failure = httpFailure(site, 401, headers(), `bad token ${secret.reveal()}`);
    expect(failure.message).not.toContain('leaky-token-1234567');
    expect(failure.message).toContain('[secret]');
  });
});

describe('networkFailure', () => {
  it('is retryable and names the socket error', () => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    const failure = networkFailure(site, error);
    expect(failure.type).toBe(ErrorType.Unavailable);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('ECONNREFUSED');
  });
});

describe('classifyAwsError', () => {
  const awsError = (name: string, status: number) => Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
  it.each([
    ['InvalidClientTokenId', 403, ErrorType.AuthFailed],
    ['AccessDenied', 403, ErrorType.AuthFailed],
    ['NoSuchEntity', 404, ErrorType.NotFound],
    ['Throttling', 400, ErrorType.Throttled],
    ['ValidationError', 400, ErrorType.InvalidInput],
    ['ServiceUnavailable', 503, ErrorType.Unavailable],
  ])('%s (HTTP %i) → %s', (name, status, type) => {
    expect(classifyAwsError({ connector: 'aws-iam', operation: 'x' }, awsError(name, status)).type).toBe(type);
  });
});
