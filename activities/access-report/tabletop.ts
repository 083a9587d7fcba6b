/**
 * Tabletop planner for `identity.access_report`. The report asks many systems at once, so it is
 * planned for the whole action here rather than by one connector.
 */
import type { ActionWith } from '../../common/actions';
import type { TabletopPlanner } from '../../connectors/simulation';

export const planIdentityAccessReport: TabletopPlanner = (raw) => {
  const params = raw as ActionWith<'identity.access_report'>;
  const systems = params.systems ?? ['identity-provider'];
  const identities = params.identities ?? {};
  // Same shape as the live report (./report.ts), every system answering "removed".
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
