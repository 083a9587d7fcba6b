/**
 * AWS IAM: takes an IAM user's keys and console password out of use, cuts off the temporary
 * credentials already issued to it, and tells the access report whether the user can still get
 * in. Serves `credentials.revoke` and `sessions.revoke` with `provider: aws-iam`, and the reversible
 * containment a credential-compromise playbook asks for first: `credentials.deactivate` /
 * `credentials.reactivate`, `access.deny_all` / `access.restore`, and `mfa.deactivate`; and
 * `credentials.list`, the read that tells a loop which keys there are. Its settings are the `aws`
 * section every AWS connector shares.
 */
import { AwsSection } from '../aws/settings';
import { defineConnector } from '../definition';
import { simulateCredentialsRevoke, simulateSessionsRevoke } from '../simulations/credentials';
import {
  simulateAccessDenyAll,
  simulateAccessRestore,
  simulateCredentialsDeactivate,
  simulateCredentialsList,
  simulateCredentialsReactivate,
  simulateMfaDeactivate,
} from '../simulations/iam-access';
import { AWS_IAM_CONNECTOR } from './connector-id';
import { CREDENTIAL_ADVICE } from '../../config/http-url';

export const awsIam = defineConnector({
  id: AWS_IAM_CONNECTOR,
  title: 'AWS IAM',
  settings: { path: ['aws'], schema: AwsSection, secrets: ['access_key_id', 'secret_access_key'], credentialAdvice: CREDENTIAL_ADVICE.aws },
  routed: {
    'credentials.revoke': {
      summary: '`principal` is an IAM user: deactivates `key_id` (or every active key), deletes it with `delete_key`, removes the console password.',
      guarantee: 'A key of another user is refused. Keys and login profile are read back; `key_status` is `Inactive`, `Deleted`, `Absent` or `NoKeys`.',
      simulate: simulateCredentialsRevoke,
    },
    'sessions.revoke': {
      summary:
        'an inline policy on the user (or, with `principal_type: role`, the role) denies every request signed with a session token issued before now: sessions already issued stop working, new ones are unaffected.',
      guarantee: 'The same step finds its own cutoff and reports already done; a later step moves the cutoff forward. `access.restore` removes it.',
      simulate: simulateSessionsRevoke,
    },
    'credentials.deactivate': {
      summary: '`principal` is an IAM user: sets `key_id` (or every active key) Inactive; deletes nothing, leaves the console password.',
      guarantee: '`key_ids` lists only the keys this step switched off (noted in a user tag, so a retry knows them too); read back from IAM.',
      simulate: simulateCredentialsDeactivate,
    },
    'credentials.reactivate': {
      summary: 'sets exactly `key_ids` of the IAM user Active again and removes the tag that noted them.',
      guarantee: 'A key of another user is refused; a key that no longer exists fails as not found. Read back from IAM.',
      simulate: simulateCredentialsReactivate,
    },
    'credentials.list': {
      summary: '`principal` is an IAM user: lists its access keys with state and creation time; `key_ids` are those in `status` (default `active`). Changes nothing.',
      guarantee: 'A missing user is not found, never an empty list.',
      simulate: simulateCredentialsList,
    },
    'access.deny_all': {
      summary: 'attaches the inline policy QuellDenyAll (deny `*` on `*`) to the IAM user or, with `principal_type: role`, the role.',
      guarantee: 'Read back; a deny-all already attached is reported already done. The IAM user the connectors sign in as is refused.',
      simulate: simulateAccessDenyAll,
    },
    'access.restore': {
      summary: 'removes QuellDenyAll and quell-revoke-older-sessions from the user or role.',
      guarantee: 'Only when the content is exactly what Quell writes: a policy under those names written by anyone else is kept and listed in `kept_foreign`.',
      simulate: simulateAccessRestore,
    },
    'mfa.deactivate': {
      summary: '`principal` is an IAM user: deactivates `serial_number` (or every MFA device of the user). Cannot be undone.',
      guarantee: 'Read back with ListMFADevices; a device already off the user is not an error.',
      simulate: simulateMfaDeactivate,
    },
  },
  roles: { 'access-report': 'an active access key, a console password or a group membership counts as remaining access' },
  live: () => import('./live'),
});
