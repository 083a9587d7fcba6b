/**
 * GitHub (github.com or Enterprise Server): deletes repository deploy keys, removes a person
 * from the organisation, and tells the access report whether they are still a member. Serves
 * `credentials.revoke` and `sessions.revoke` with `provider: github`.
 */
import { defineConnector } from '../definition';
import { simulateCredentialsRevoke, simulateSessionsRevoke } from '../simulations/credentials';
import { GithubSettings } from './settings';
import { CREDENTIAL_ADVICE } from '../../config/http-url';

export const github = defineConnector({
  id: 'github',
  title: 'GitHub',
  settings: { path: ['github'], schema: GithubSettings, secrets: ['token'], credentialAdvice: CREDENTIAL_ADVICE.token },
  routed: {
    'credentials.revoke': {
      summary: 'deletes deploy key `key_id` of repository `principal` (`owner/repo`); read back before reporting',
      simulate: simulateCredentialsRevoke,
    },
    'sessions.revoke': {
      summary: 'removes login `principal` from the organisation (or cancels a pending invitation); read back before reporting',
      simulate: simulateSessionsRevoke,
    },
  },
  roles: { 'access-report': 'an active or pending membership of the organisation counts as remaining access' },
  live: () => import('./live'),
});
