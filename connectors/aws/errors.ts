/**
 * Classifies AWS SDK errors into Quell's failure types (see ../failures): refused credentials
 * and missing permissions are permanent, a missing entity is "not found", throttling waits for the
 * server's hint, and network errors or 5xx are retried.
 */
import type { ApplicationFailure } from '@temporalio/common';
import {
  authFailure,
  invalidFailure,
  isClassified,
  networkFailure,
  notFoundFailure,
  parseRetryAfter,
  throttledFailure,
  unavailableFailure,
  type FailureSite,
} from '../failures';

const AUTH = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
]);
const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'NoSuchBucket',
  'NoSuchKey',
  'ResourceNotFoundException',
  'InvalidGroup.NotFound',
  'InvalidInstanceID.NotFound',
  'InvalidNetworkInterfaceID.NotFound',
  'InvalidPermission.NotFound',
]);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'SlowDown', 'RequestThrottled']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** The AWS error code of an SDK error (`NoSuchEntityException`, `InvalidGroup.NotFound`…), if any. */
export function awsErrorName(error: unknown): string | undefined {
  const name = (error as AwsLikeError | null | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Turns any error from an AWS SDK call into a classified Quell failure (already classified ones pass through). */
export function classifyAwsError(site: FailureSite, error: unknown): ApplicationFailure {
  if (isClassified(error)) return error;
  const e = (error ?? {}) as AwsLikeError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const detail = `${name || 'error'}: ${e.message ?? String(error)}`;
  if (NETWORK_CODES.has(e.code ?? '') || (status === undefined && NETWORK_CODES.has(name))) return networkFailure(site, error);
  if (AUTH.has(name) || status === 401 || status === 403) return authFailure(site, detail, error);
  if (NOT_FOUND.has(name) || status === 404) return notFoundFailure(site, detail, error);
  if (THROTTLED.has(name) || status === 429) {
    return throttledFailure(site, detail, parseRetryAfter(e.$response?.headers?.['retry-after']));
  }
  if (status !== undefined && status >= 400 && status < 500) return invalidFailure(site, detail, error);
  if (status === undefined && error instanceof Error && !name.includes('Exception')) return networkFailure(site, error);
  return unavailableFailure(site, detail, error);
}
