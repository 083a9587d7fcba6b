/** Tabletop planner for identity deprovisioning. */
import type { ActionWith } from '../../common/actions';
import type { TabletopPlanner } from '../simulation';

export const simulateIdentityDeprovision: TabletopPlanner = (raw) => {
  const params = raw as ActionWith<'identity.deprovision'>;
  const wouldDo = [`${params.provider}: set ${params.user} inactive`];
  if (params.remove_groups ?? true) wouldDo.push(`${params.provider}: remove ${params.user} from every group`);
  if (params.delete_user) wouldDo.push(`${params.provider}: delete ${params.user}`);
  return {
    wouldDo,
    output: { provider: params.provider, user: params.user, active: false, groups_removed: params.remove_groups ?? true, deleted: params.delete_user ?? false },
  };
};
