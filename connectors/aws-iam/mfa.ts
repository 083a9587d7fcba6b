/**
 * `mfa.deactivate` with provider `aws-iam`: takes MFA devices off an IAM user
 * (DeactivateMFADevice), so an attacker who enrolled their own device, or holds the user's, can no
 * longer pass MFA as the user. It cannot be undone by Quell: a deactivated device must be
 * enrolled again with two fresh codes from the device itself.
 */
import { DeactivateMFADeviceCommand, ListMFADevicesCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../action-context';
import { awsCall, awsCallOrAbsent } from '../aws/call';
import type { ActionHandler } from '../definition';
import { notVerifiedFailure, type FailureSite } from '../failures';
import { AWS_IAM_CONNECTOR } from './connector-id';
import { IAM_ABSENT, requireUser } from './users';

/**
 * The `aws-iam` handler for `mfa.deactivate`.
 *
 * Covers `serial_number`, or every device the user has. Idempotent: a covered device no longer on
 * the user is not an error, and with nothing left to take off the step reports `alreadyDone: true`
 * (IAM keeps no record of what was deactivated, so a repeat's `serial_numbers` is the named device
 * or, without one, empty). Reads the user's devices back; a covered device still listed is a
 * retryable `QuellNotVerified`. A missing user is `QuellNotFound`.
 */
export function createAwsIamMfaDeactivate(options: { iam: IAMClient; logger: Logger }): ActionHandler<'mfa.deactivate'> {
  const { iam, logger } = options;
  return {
    async perform(params: ActionWith<'mfa.deactivate'>, context: ActionContext): Promise<ActionOutcome> {
      const principal = params.principal;
      const site: FailureSite = { connector: AWS_IAM_CONNECTOR, operation: `deactivate MFA devices of IAM user ${principal}` };
      await requireUser(iam, principal, site);
      const devices = await mfaDevices(iam, principal, site);
      const covered = params.serial_number === undefined ? devices : [params.serial_number];

      const deactivated: string[] = [];
      for (const serial of covered.filter((candidate) => devices.includes(candidate))) {
        const done = await awsCallOrAbsent({ ...site, operation: `deactivate MFA device ${serial} of ${principal}` }, IAM_ABSENT, () =>
          iam.send(new DeactivateMFADeviceCommand({ UserName: principal, SerialNumber: serial })),
        );
        if (done !== undefined) deactivated.push(serial);
        context.heartbeat({ deactivated: serial });
      }

      const remaining = await mfaDevices(iam, principal, site);
      const still = covered.filter((serial) => remaining.includes(serial));
      if (still.length > 0) throw notVerifiedFailure(site, `MFA devices ${still.join(', ')} are still on ${principal} after deactivation`);
      if (deactivated.length > 0) logger.info({ principal, deactivated }, 'aws-iam: MFA devices deactivated');
      return {
        output: { provider: AWS_IAM_CONNECTOR, principal, serial_numbers: covered, deactivated, verified: { remaining_mfa_devices: remaining } },
        alreadyDone: deactivated.length === 0,
      };
    },
  };
}

/** Serial numbers of the user's MFA devices, every page. */
async function mfaDevices(iam: IAMClient, principal: string, site: FailureSite): Promise<string[]> {
  const serials: string[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall({ ...site, operation: `list MFA devices of ${principal}` }, () =>
      iam.send(new ListMFADevicesCommand({ UserName: principal, ...(marker ? { Marker: marker } : {}) })),
    );
    for (const device of page.MFADevices ?? []) if (device.SerialNumber) serials.push(device.SerialNumber);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return serials;
}
