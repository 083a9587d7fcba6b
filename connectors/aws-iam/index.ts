/**
 * AWS IAM: takes an IAM user's keys and console password out of use, cuts off the temporary
 * credentials already issued to it, and tells the access report whether the user can still get
 * in. Serves `credentials.revoke` and `sessions.revoke` with `provider: aws-iam`. Its settings are
 * the `aws` section every AWS connector shares.
 */
import { AwsSection } from '../aws/settings';
import { defineConnector } from '../definition';
import { simulateCredentialsRevoke, simulateSessionsRevoke } from '../simulations/credentials';
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
      summary: 'an inline policy denies every request signed with a session token issued before now: sessions already issued stop working, new ones are unaffected.',
      guarantee: 'The same step finds its own cutoff and reports already done; a later step moves the cutoff forward.',
      simulate: simulateSessionsRevoke,
    },
  },
  roles: { 'access-report': 'an active access key, a console password or a group membership counts as remaining access' },
  live: () => import('./live'),
});
