/**
 * Runs one AWS SDK call and turns whatever it throws into a classified Quell failure, so every
 * AWS connector fails the same way: permanent for refused credentials, missing targets and invalid
 * requests, retried for throttling and outages (see ./errors).
 */
import type { FailureSite } from '../failures';
import { awsErrorName, classifyAwsError } from './errors';

/** The call's result; throws a classified failure naming `site` when it fails. */
export async function awsCall<T>(site: FailureSite, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyAwsError(site, error);
  }
}

/**
 * Like {@link awsCall}, but an error whose code is in `absentCodes` means "the thing is not
 * there" and resolves to undefined: how idempotent steps tell "already gone" from a failure.
 */
export async function awsCallOrAbsent<T>(site: FailureSite, absentCodes: readonly string[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (absentCodes.includes(awsErrorName(error) ?? '')) return undefined;
    throw classifyAwsError(site, error);
  }
}
