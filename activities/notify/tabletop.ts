/** Tabletop planner for notifications. */
import type { ActionWith } from '../../common/actions';
import { stableToken, type TabletopPlanner } from '../../connectors/simulation';

export const planNotify: TabletopPlanner = (raw, seed) => {
  const params = raw as ActionWith<'notify'>;
  const channel = params.channel ?? 'slack';
  const to = params.to?.length ? params.to.join(', ') : 'the incident channel';
  return {
    wouldDo: [`${channel}: tell ${to}: ${params.message}`],
    output: { channel, to: params.to ?? [], message_id: `msg-${stableToken(seed, 'message', 10)}`, delivered: true },
  };
};
