/**
 * `credentials.list` with provider `aws-iam`: which access keys an IAM user holds, in which state,
 * since when. It changes nothing, so it has nothing to undo and a repeat is simply another read;
 * its `key_ids` are what a later `foreach` goes over to park the keys one by one.
 */
import { ListAccessKeysCommand, type AccessKeyMetadata, type IAMClient } from '@aws-sdk/client-iam';
import type { ActionWith } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../action-context';
import { awsCall } from '../aws/call';
import type { ActionHandler } from '../definition';
import type { FailureSite } from '../failures';
import { AWS_IAM_CONNECTOR } from './connector-id';
import { requireUser } from './users';

interface ListedKey {
  id: string;
  status: 'Active' | 'Inactive';
  created_at: string | null;
}

/**
 * The `aws-iam` handler for `credentials.list`.
 *
 * `keys` is every key the user has; `key_ids` only those in the asked-for state (`active` unless
 * the step says otherwise), both in the order IAM lists them. A missing user is `QuellNotFound`
 * (a typo must not read as "no keys"). Never reports `alreadyDone`: there is no effect to repeat.
 */
export function createAwsIamCredentialsList(options: { iam: IAMClient }): ActionHandler<'credentials.list'> {
  const { iam } = options;
  return {
    async perform(params: ActionWith<'credentials.list'>, _context: ActionContext): Promise<ActionOutcome> {
      const principal = params.principal;
      const wanted = params.status ?? 'active';
      const site: FailureSite = { connector: AWS_IAM_CONNECTOR, operation: `list access keys of IAM user ${principal}` };
      await requireUser(iam, principal, site);
      const keys = await listedKeys(iam, principal, site);
      const keyIds = keys.filter((key) => wanted === 'any' || key.status.toLowerCase() === wanted).map((key) => key.id);
      return { output: { provider: AWS_IAM_CONNECTOR, principal, key_ids: keyIds, keys }, alreadyDone: false };
    },
  };
}

/** Every access key of the user, following IAM's pages (two keys fit one, but the API pages all the same). */
async function listedKeys(iam: IAMClient, principal: string, site: FailureSite): Promise<ListedKey[]> {
  const keys: ListedKey[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall(site, () => iam.send(new ListAccessKeysCommand({ UserName: principal, ...(marker ? { Marker: marker } : {}) })));
    keys.push(...(page.AccessKeyMetadata ?? []).flatMap(listedKey));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return keys;
}

function listedKey(key: AccessKeyMetadata): ListedKey[] {
  if (!key.AccessKeyId) return [];
  return [
    {
      id: key.AccessKeyId,
      status: key.Status === 'Active' ? 'Active' : 'Inactive',
      // IAM dates every key; an answer without a date says "unknown" rather than inventing one.
      created_at: key.CreateDate ? key.CreateDate.toISOString() : null,
    },
  ];
}
