/**
 * `credentials.deactivate` and `credentials.reactivate` with provider `aws-iam`: park an IAM
 * user's access keys (Inactive, nothing deleted, console password untouched) and bring back
 * exactly the keys a deactivation parked.
 *
 * "Exactly" matters: reactivating a key that someone had switched off before the incident would
 * hand an attacker a key back. So the deactivation reports in `key_ids` only the keys it turned
 * from Active to Inactive, and, before it changes them, notes them in a tag on the user named after
 * the step (`quell:deactivated-keys:<token>`): a retry of a step whose first attempt parked the
 * keys and died before reporting finds them all inactive, and only the tag still says which were
 * its own. The tag is a record, not a lock: when it cannot be written (a full tag set, a missing
 * permission) the keys are parked all the same and only that recovery is lost. The reactivation
 * removes the notes of the keys it brought back.
 */
import { ListUserTagsCommand, TagUserCommand, UntagUserCommand, UpdateAccessKeyCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../action-context';
import { awsCall, awsCallOrAbsent } from '../aws/call';
import { idempotencyToken } from '../aws/idempotency-token';
import type { ActionHandler } from '../definition';
import { invalidFailure, notFoundFailure, notVerifiedFailure, type FailureSite } from '../failures';
import { AWS_IAM_CONNECTOR } from './connector-id';
import { IAM_ABSENT, accessKeyOwner, listAccessKeys, requireUser, type AccessKeyState } from './users';

/** Tag keys Quell writes on a user whose keys it parked; the step's token follows. */
export const PARKED_KEYS_TAG_PREFIX = 'quell:deactivated-keys:';

type KeyStatuses = Record<string, AccessKeyState['status']>;

/**
 * The `aws-iam` handler for `credentials.deactivate`.
 *
 * Idempotent: a repeat finds the keys inactive, changes nothing, reports `alreadyDone: true` and
 * (from the step's tag) the same `key_ids`. A `key_id` of another user is refused
 * (`QuellInvalidInput`); a `key_id` no user has, or a missing user, is `QuellNotFound`. Reads
 * the keys back; a key still active is a retryable `QuellNotVerified`.
 */
export function createAwsIamCredentialsDeactivate(options: { iam: IAMClient; logger: Logger }): ActionHandler<'credentials.deactivate'> {
  const { iam, logger } = options;
  return {
    async perform(params: ActionWith<'credentials.deactivate'>, context: ActionContext): Promise<ActionOutcome> {
      const principal = params.principal;
      const site: FailureSite = { connector: AWS_IAM_CONNECTOR, operation: `deactivate access keys of IAM user ${principal}` };
      await requireUser(iam, principal, site);
      const keys = await listAccessKeys(iam, principal, site);
      const covered = params.key_id === undefined ? keys : [await ownKey(iam, principal, keys, params.key_id, site)];
      const tagKey = `${PARKED_KEYS_TAG_PREFIX}${idempotencyToken(context.idempotencyKey)}`;
      const noted = (await parkedKeyNotes(iam, principal, site, logger)).get(tagKey) ?? [];
      const toPark = covered.filter((key) => key.status === 'Active').map((key) => key.id);
      const parked = [...new Set([...noted, ...toPark])].filter((id) => covered.some((key) => key.id === id));

      if (toPark.length > 0) await noteParkedKeys(iam, principal, tagKey, parked, site, logger);
      for (const id of toPark) {
        await awsCall({ ...site, operation: `deactivate access key ${id} of ${principal}` }, () =>
          iam.send(new UpdateAccessKeyCommand({ UserName: principal, AccessKeyId: id, Status: 'Inactive' })),
        );
        context.heartbeat({ deactivated: id });
      }

      const verified = await readBack(iam, principal, covered.map((key) => key.id), 'Inactive', site);
      if (toPark.length > 0) logger.info({ principal, deactivated: toPark }, 'aws-iam: access keys deactivated');
      return {
        output: { provider: AWS_IAM_CONNECTOR, principal, key_ids: parked, deactivated: toPark, verified: { keys: verified } },
        alreadyDone: toPark.length === 0,
      };
    },
  };
}

/**
 * The `aws-iam` handler for `credentials.reactivate`: sets each of `key_ids` Active again.
 *
 * Idempotent: keys already active are left alone; with nothing to change it reports
 * `alreadyDone: true`. A key of another user is refused (`QuellInvalidInput`); a key no user has
 * any more (deleted since) or a missing user is `QuellNotFound`, so a compensation that cannot
 * bring a key back says so instead of passing. Reads the keys back; a key still inactive is a
 * retryable `QuellNotVerified`.
 */
export function createAwsIamCredentialsReactivate(options: { iam: IAMClient; logger: Logger }): ActionHandler<'credentials.reactivate'> {
  const { iam, logger } = options;
  return {
    async perform(params: ActionWith<'credentials.reactivate'>, context: ActionContext): Promise<ActionOutcome> {
      const principal = params.principal;
      const site: FailureSite = { connector: AWS_IAM_CONNECTOR, operation: `reactivate access keys of IAM user ${principal}` };
      await requireUser(iam, principal, site);
      const keys = await listAccessKeys(iam, principal, site);
      const keyIds = [...new Set(params.key_ids)];
      const covered: AccessKeyState[] = [];
      for (const id of keyIds) covered.push(await ownKey(iam, principal, keys, id, site));
      const toRestore = covered.filter((key) => key.status === 'Inactive').map((key) => key.id);

      for (const id of toRestore) {
        await awsCall({ ...site, operation: `reactivate access key ${id} of ${principal}` }, () =>
          iam.send(new UpdateAccessKeyCommand({ UserName: principal, AccessKeyId: id, Status: 'Active' })),
        );
        context.heartbeat({ reactivated: id });
      }
      const verified = await readBack(iam, principal, keyIds, 'Active', site);
      await forgetParkedKeys(iam, principal, keyIds, site, logger);
      if (toRestore.length > 0) logger.info({ principal, reactivated: toRestore }, 'aws-iam: access keys reactivated');
      return {
        output: { provider: AWS_IAM_CONNECTOR, principal, key_ids: keyIds, reactivated: toRestore, verified: { keys: verified } },
        alreadyDone: toRestore.length === 0,
      };
    },
  };
}

/** The user's key `keyId`; refuses a key of another user and reports one nobody has as not found. */
async function ownKey(iam: IAMClient, principal: string, keys: AccessKeyState[], keyId: string, site: FailureSite): Promise<AccessKeyState> {
  const own = keys.find((key) => key.id === keyId);
  if (own) return own;
  const owner = await accessKeyOwner(iam, keyId, site);
  if (owner !== undefined && owner !== principal) {
    throw invalidFailure(site, `access key ${keyId} belongs to IAM user ${owner}, not ${principal}; nothing was changed`);
  }
  throw notFoundFailure(site, `IAM user ${principal} has no access key ${keyId}`);
}

/** Reads the keys back; throws a retryable failure when any is not in `expected`. */
async function readBack(iam: IAMClient, principal: string, keyIds: string[], expected: AccessKeyState['status'], site: FailureSite): Promise<KeyStatuses> {
  const now = await listAccessKeys(iam, principal, site);
  const statuses: KeyStatuses = {};
  const wrong: string[] = [];
  for (const id of keyIds) {
    const status = now.find((key) => key.id === id)?.status;
    if (status === undefined) throw notFoundFailure(site, `access key ${id} of IAM user ${principal} disappeared while the step ran`);
    statuses[id] = status;
    if (status !== expected) wrong.push(`${id} ${status}`);
  }
  if (wrong.length > 0) throw notVerifiedFailure(site, `read back ${wrong.join(', ')}; expected ${expected}`);
  return statuses;
}

/** Quell's notes of parked keys on the user, by tag key; empty when they cannot be read. */
async function parkedKeyNotes(iam: IAMClient, principal: string, site: FailureSite, logger: Logger): Promise<Map<string, string[]>> {
  try {
    const page = await awsCall({ ...site, operation: `read the tags of ${principal}` }, () => iam.send(new ListUserTagsCommand({ UserName: principal, MaxItems: 100 })));
    return new Map(
      (page.Tags ?? []).flatMap((tag) => (tag.Key?.startsWith(PARKED_KEYS_TAG_PREFIX) ? [[tag.Key, (tag.Value ?? '').split(' ').filter((id) => id !== '')] as const] : [])),
    );
  } catch (error) {
    logger.warn({ principal, error: (error as Error).message }, 'aws-iam: could not read the notes of parked keys');
    return new Map();
  }
}

async function noteParkedKeys(iam: IAMClient, principal: string, tagKey: string, keyIds: string[], site: FailureSite, logger: Logger): Promise<void> {
  try {
    await awsCall({ ...site, operation: `note the parked keys on ${principal}` }, () =>
      iam.send(new TagUserCommand({ UserName: principal, Tags: [{ Key: tagKey, Value: keyIds.join(' ') }] })),
    );
  } catch (error) {
    logger.warn({ principal, error: (error as Error).message }, 'aws-iam: could not note the parked keys; deactivating them regardless');
  }
}

/** Removes the notes whose keys are all among `keyIds` (now active again). */
async function forgetParkedKeys(iam: IAMClient, principal: string, keyIds: string[], site: FailureSite, logger: Logger): Promise<void> {
  const done = [...(await parkedKeyNotes(iam, principal, site, logger))].filter(([, ids]) => ids.every((id) => keyIds.includes(id))).map(([key]) => key);
  if (done.length === 0) return;
  try {
    await awsCallOrAbsent({ ...site, operation: `remove the notes of parked keys from ${principal}` }, IAM_ABSENT, () =>
      iam.send(new UntagUserCommand({ UserName: principal, TagKeys: done })),
    );
  } catch (error) {
    logger.warn({ principal, error: (error as Error).message }, 'aws-iam: could not remove the notes of parked keys');
  }
}
