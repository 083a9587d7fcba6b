/** Tabletop planners for identity deprovisioning and the remaining-access report. */
import type { ActionWith } from '../../common/actions';
import type { TabletopPlanner } from '../tabletop/plan';

export const planIdentityDeprovision: TabletopPlanner = (raw) => {
  const params = raw as ActionWith<'identity.deprovision'>;
  const wouldDo = [`${params.provider}: set ${params.user} inactive`];
  if (params.remove_groups ?? true) wouldDo.push(`${params.provider}: remove ${params.user} from every group`);
  if (params.delete_user) wouldDo.push(`${params.provider}: delete ${params.user}`);
  return {
    wouldDo,
    output: { provider: params.provider, user: params.user, active: false, groups_removed: params.remove_groups ?? true, deleted: params.delete_user ?? false },
  };
};

export const planIdentityAccessReport: TabletopPlanner = (raw) => {
  const params = raw as ActionWith<'identity.access_report'>;
  const systems = params.systems ?? ['identity-provider'];
  const identities = params.identities ?? {};
  // Same shape as the live report (./access-report.ts), every system answering "removed".
  return {
    wouldDo: [`ask ${systems.join(', ')} whether ${params.principal} still has access`],
    output: {
      principal: params.principal,
      systems: systems.map((system) =>
        identities[system] === null
          ? { system, identity: null, status: 'no-account', detail: 'tabletop: not checked' }
          : { system, identity: identities[system] ?? params.principal, status: 'removed', detail: 'tabletop: assumed removed' },
      ),
      zero_remaining_access: true,
      remaining: 0,
      unknown: 0,
      remaining_systems: [],
      unknown_systems: [],
    },
  };
};
