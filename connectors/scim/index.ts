/**
 * A SCIM 2.0 service (the identity provider's provisioning API): deactivates a user, takes them
 * out of every group, optionally deletes them, and tells the access report whether they can still
 * sign in. Serves `identity.deprovision` and `sessions.revoke` with `provider: scim`.
 */
import { defineConnector } from '../definition';
import { simulateSessionsRevoke } from '../simulations/credentials';
import { simulateIdentityDeprovision } from '../simulations/identity';
import { ScimSettings } from './settings';
import { CREDENTIAL_ADVICE } from '../../config/http-url';

export const scim = defineConnector({
  id: 'scim',
  title: 'SCIM',
  settings: { path: ['scim'], schema: ScimSettings, secrets: ['token'], credentialAdvice: CREDENTIAL_ADVICE.token },
  routed: {
    'identity.deprovision': {
      summary: 'sets the user inactive, removes them from every group, deletes them with `delete_user` (or `scim.delete_users`); If-Match on every change, read back before reporting',
      simulate: simulateIdentityDeprovision,
    },
    'sessions.revoke': {
      summary: 'sets the user inactive (groups and account stay)',
      simulate: simulateSessionsRevoke,
    },
  },
  roles: { 'access-report': 'an active user, or an inactive one still in a group, counts as remaining access' },
  live: () => import('./live'),
});
