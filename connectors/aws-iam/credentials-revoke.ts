/**
 * `credentials.revoke` with provider `aws-iam`: takes an IAM user's credentials out of use.
 *
 * Containment comes first and is reversible: the named access key (or every key of the user when
 * no `key_id` is given) is deactivated before anything is deleted. The console password (login
 * profile) is removed too, since a leaked key usually means the person's account is in doubt.
 * `delete_key: true` then deletes the keys, which cannot be undone.
 */
import { DeleteAccessKeyCommand, DeleteLoginProfileCommand, UpdateAccessKeyCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import { awsCallOrAbsent } from '../aws/call';
import type { ActionHandler } from '../definition';
import { invalidFailure, notVerifiedFailure, type FailureSite } from '../failures';
import type { ActionContext, ActionOutcome } from '../action-context';
import { AWS_IAM_CONNECTOR } from './connector-id';
import { IAM_ABSENT, accessKeyOwner, hasLoginProfile, listAccessKeys, requireUser, type AccessKeyState } from './users';

/**
 * What the step reports as `key_status`: `Inactive` or `Deleted` for the keys it covered, `Absent`
 * when the named key no longer exists and deletion was not asked for, `NoKeys` when the user has none.
 */
export type RevokedKeyStatus = 'Inactive' | 'Deleted' | 'Absent' | 'NoKeys';

/**
 * The `aws-iam` handler for `credentials.revoke`.
 *
 * Idempotent: keys already inactive (or already deleted) and an absent login profile are left
 * alone, and a run that changes nothing reports `alreadyDone: true`. Such a repeat reports what
 * it reads back rather than "nothing": `deactivated` lists the covered keys found inactive,
 * `deleted` those found gone (with `delete_key`), and `login_profile_removed` is true since the
 * console password is found absent (the activity envelope adds whose effect it is on a retry).
 * A `key_id` that belongs to a different user is refused (non-retryable) rather than reported as
 * absent.
 *
 * Verifies by reading the keys and the login profile back from IAM; IAM is eventually consistent,
 * so a read-back that still shows the old state is a retryable `QuellNotVerified`, and the retry
 * (which changes nothing already changed) reads again. Failures are classified by ../aws/errors.
 */
export function createAwsIamCredentialsRevoke(options: { iam: IAMClient; logger: Logger }): ActionHandler<'credentials.revoke'> {
  const { iam, logger } = options;
  return {
    async perform(params: ActionWith<'credentials.revoke'>, context: ActionContext): Promise<ActionOutcome> {
      const principal = params.principal;
      const deleteKeys = params.delete_key === true;
      const site: FailureSite = { connector: AWS_IAM_CONNECTOR, operation: `revoke credentials of IAM user ${principal}` };

      await requireUser(iam, principal, site);
      const keys = await listAccessKeys(iam, principal, site);
      const covered = await keysCovered(iam, principal, keys, params.key_id, site);
      context.heartbeat({ principal, keys: covered.map((key) => key.id) });

      const deactivated: string[] = [];
      for (const key of covered.filter((candidate) => candidate.status === 'Active')) {
        await awsCallOrAbsent({ ...site, operation: `deactivate access key ${key.id} of ${principal}` }, IAM_ABSENT, () =>
          iam.send(new UpdateAccessKeyCommand({ UserName: principal, AccessKeyId: key.id, Status: 'Inactive' })),
        );
        deactivated.push(key.id);
        context.heartbeat({ deactivated: key.id });
      }

      const loginProfileRemoved = await removeLoginProfile(iam, principal, site);

      const deleted: string[] = [];
      if (deleteKeys) {
        for (const key of covered) {
          const gone = await awsCallOrAbsent({ ...site, operation: `delete access key ${key.id} of ${principal}` }, IAM_ABSENT, () =>
            iam.send(new DeleteAccessKeyCommand({ UserName: principal, AccessKeyId: key.id })),
          );
          if (gone !== undefined) deleted.push(key.id);
          context.heartbeat({ deleted: key.id });
        }
      }

      const keyIds = params.key_id ? [params.key_id] : covered.map((key) => key.id);
      const verified = await readBack(iam, principal, keyIds, deleteKeys, site);
      const keyStatus = summariseStatus(verified.keys, deleteKeys);
      const changed = deactivated.length > 0 || deleted.length > 0 || loginProfileRemoved;
      if (changed) logger.info({ principal, deactivated, deleted, loginProfileRemoved }, 'aws-iam: credentials revoked');
      // A repeat changed nothing itself, but it may be the retry of an attempt that did the work
      // and died before reporting: the step's record must still say what is in effect.
      const effect = changed ? { deactivated, deleted, loginProfileRemoved } : effectInPlace(verified, deleteKeys);
      return {
        output: {
          provider: 'aws-iam',
          principal,
          key_ids: keyIds,
          deactivated: effect.deactivated,
          deleted: effect.deleted,
          key_status: keyStatus,
          login_profile_removed: effect.loginProfileRemoved,
          verified: { key_status: keyStatus, keys: verified.keys, login_profile: verified.loginProfile },
        },
        alreadyDone: !changed,
      };
    },
  };
}

/** The keys this run acts on: the named one (if the user still has it) or all of the user's. */
async function keysCovered(
  iam: IAMClient,
  principal: string,
  keys: AccessKeyState[],
  keyId: string | undefined,
  site: FailureSite,
): Promise<AccessKeyState[]> {
  if (keyId === undefined) return keys;
  const own = keys.find((key) => key.id === keyId);
  if (own) return [own];
  // Not the user's: gone already, or a key of somebody else, which must not be reported as revoked.
  const owner = await accessKeyOwner(iam, keyId, site);
  if (owner !== undefined && owner !== principal) {
    throw invalidFailure(site, `access key ${keyId} belongs to IAM user ${owner}, not ${principal}; nothing was changed`);
  }
  return [];
}

/** Deletes the console password; false when there was none (or it vanished meanwhile). */
async function removeLoginProfile(iam: IAMClient, principal: string, site: FailureSite): Promise<boolean> {
  if (!(await hasLoginProfile(iam, principal, site))) return false;
  const removed = await awsCallOrAbsent({ ...site, operation: `delete the console password of ${principal}` }, IAM_ABSENT, () =>
    iam.send(new DeleteLoginProfileCommand({ UserName: principal })),
  );
  return removed !== undefined;
}

interface ReadBack {
  keys: Record<string, 'Active' | 'Inactive' | 'Absent'>;
  loginProfile: 'Absent';
}

/** Reads the covered keys and the login profile back; throws a retryable failure if any did not take. */
async function readBack(
  iam: IAMClient,
  principal: string,
  keyIds: string[],
  deleteKeys: boolean,
  site: FailureSite,
): Promise<ReadBack> {
  const now = await listAccessKeys(iam, principal, site);
  const keys: ReadBack['keys'] = {};
  for (const id of keyIds) keys[id] = now.find((candidate) => candidate.id === id)?.status ?? 'Absent';
  const wrong = Object.entries(keys).filter(([, status]) => (deleteKeys ? status !== 'Absent' : status === 'Active'));
  if (wrong.length > 0) {
    throw notVerifiedFailure(site, `read back ${wrong.map(([id, status]) => `${id} ${status}`).join(', ')}; expected ${deleteKeys ? 'deleted' : 'Inactive'}`);
  }
  if (await hasLoginProfile(iam, principal, site)) throw notVerifiedFailure(site, 'the console password is still present after deletion');
  return { keys, loginProfile: 'Absent' };
}

/**
 * The effect a repeat finds, as read back: the covered keys that are inactive (or, when deletion
 * was asked, gone), and no console password. IAM cannot say whether a password ever existed, so a
 * repeat reports it removed once it is absent.
 */
function effectInPlace(verified: ReadBack, deleteKeys: boolean): { deactivated: string[]; deleted: string[]; loginProfileRemoved: boolean } {
  const withStatus = (status: ReadBack['keys'][string]) => Object.entries(verified.keys).flatMap(([id, found]) => (found === status ? [id] : []));
  return { deactivated: withStatus('Inactive'), deleted: deleteKeys ? withStatus('Absent') : [], loginProfileRemoved: verified.loginProfile === 'Absent' };
}

function summariseStatus(keys: ReadBack['keys'], deleteKeys: boolean): RevokedKeyStatus {
  const statuses = Object.values(keys);
  if (statuses.length === 0) return 'NoKeys';
  if (deleteKeys) return 'Deleted';
  // Only a named key that is on no user (already deleted by someone) reads back as absent here.
  return statuses.every((status) => status === 'Absent') ? 'Absent' : 'Inactive';
}
