/**
 * OpenBao (and Vault-compatible servers): revokes a person's tokens by accessor, every lease
 * under a path prefix, or every token bound to an identity entity, and tells the access report
 * whether any of them is still live. Serves `credentials.revoke` and `sessions.revoke` with
 * `provider: openbao`.
 */
import { defineConnector } from '../definition';
import { simulateCredentialsRevoke, simulateSessionsRevoke } from '../simulations/credentials';
import { OpenBaoSettings } from './settings';
import { CREDENTIAL_ADVICE } from '../../config/http-url';

export const openbao = defineConnector({
  id: 'openbao',
  title: 'OpenBao',
  settings: { path: ['openbao'], schema: OpenBaoSettings, secrets: ['token'], credentialAdvice: CREDENTIAL_ADVICE.token },
  routed: {
    'credentials.revoke': {
      summary: 'revokes the token whose accessor is `key_id` (or the target `principal` names); looked up before and after, never the connector\'s own token',
      simulate: simulateCredentialsRevoke,
    },
    'sessions.revoke': {
      summary: 'revokes every token and lease of `principal`: an accessor, `lease-prefix:<path>` or `entity:<id>`',
      simulate: simulateSessionsRevoke,
    },
  },
  roles: { 'access-report': 'a live token or lease of the accessor, prefix or entity named in `identities.openbao` counts as remaining access' },
  live: () => import('./live'),
});
