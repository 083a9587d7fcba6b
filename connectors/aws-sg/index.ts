/**
 * AWS EC2 security groups: blocks egress by revoking a group's rules that allow it, or
 * quarantines an instance by giving its interfaces the quarantine group alone. Serves
 * `egress.block` and `egress.unblock` with `provider: aws-sg`. Its settings are the `aws` section
 * every AWS connector shares.
 */
import { AwsSection } from '../aws/settings';
import { defineConnector } from '../definition';
import { simulateEgressBlock, simulateEgressUnblock } from '../simulations/egress';
import { AWS_SG_CONNECTOR } from './connector-id';
import { CREDENTIAL_ADVICE } from '../../config/http-url';

export const awsSg = defineConnector({
  id: AWS_SG_CONNECTOR,
  title: 'AWS EC2 security groups',
  settings: { path: ['aws'], schema: AwsSection, secrets: ['access_key_id', 'secret_access_key'], credentialAdvice: CREDENTIAL_ADVICE.aws },
  routed: {
    'egress.block': {
      summary: 'revokes a group\'s egress rules that reach `cidrs` (optionally only `ports`), or swaps every interface of an instance to `aws.quarantine_security_group`; what was removed is tagged on the target first',
      simulate: simulateEgressBlock,
    },
    'egress.unblock': { summary: 'restores exactly what the block recorded and removes the record', simulate: simulateEgressUnblock },
  },
  live: () => import('./live'),
});
