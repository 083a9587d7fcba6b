/** Tabletop planners for credential and session revocation. */
import type { ActionWith } from '../../common/actions';
import type { TabletopPlanner } from '../simulation';

export const simulateCredentialsRevoke: TabletopPlanner = (raw) => {
  const params = raw as ActionWith<'credentials.revoke'>;
  const key = params.key_id ?? 'every active key';
  const wouldDo = [`${params.provider}: deactivate ${key} of ${params.principal}`];
  if (params.delete_key) wouldDo.push(`${params.provider}: delete ${key} after deactivation`);
  return {
    wouldDo,
    output: {
      provider: params.provider,
      principal: params.principal,
      key_id: params.key_id ?? null,
      key_status: params.delete_key ? 'Deleted' : 'Inactive',
      verified: true,
    },
  };
};

export const simulateSessionsRevoke: TabletopPlanner = (raw, seed) => {
  const params = raw as ActionWith<'sessions.revoke'>;
  if (params.principal_type === 'role') {
    return {
      wouldDo: [`${params.provider}: invalidate every session of role ${params.principal} assumed before ${seed.at}`],
      output: { provider: params.provider, principal: params.principal, principal_type: 'role', revoked_before: seed.at, verified: true },
    };
  }
  return {
    wouldDo: [`${params.provider}: invalidate every session and temporary credential of ${params.principal} issued before ${seed.at}`],
    output: { provider: params.provider, principal: params.principal, revoked_before: seed.at, verified: true },
  };
};
