/**
 * `sessions.revoke` takes `principal_type: role` for systems that have roles a session can be
 * assumed through (aws-iam). The others (openbao, scim, github) revoke a person's sessions only;
 * a role given to them is refused outright rather than read as a user of the same name.
 */
import { invalidFailure, type FailureSite } from './failures';

export function refuseRolePrincipal(params: { principal_type?: 'user' | 'role' }, site: FailureSite): void {
  if (params.principal_type !== 'role') return;
  throw invalidFailure(
    site,
    `principal_type: role is not supported by provider ${site.connector}, which has no roles to revoke sessions of; only aws-iam accepts it (omit principal_type, or give user)`,
  );
}
