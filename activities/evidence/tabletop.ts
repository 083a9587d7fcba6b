/** Tabletop planner for evidence collection. */
import type { ActionWith } from '../../common/actions';
import { stableToken, type TabletopPlanner } from '../../connectors/simulation';

export const planEvidenceCollect: TabletopPlanner = (raw, seed) => {
  const params = raw as ActionWith<'evidence.collect'>;
  const store = params.store ?? 'local';
  const what = [params.query, params.principal && `principal ${params.principal}`].filter(Boolean).join(', ');
  return {
    wouldDo: [`copy ${params.source} records${what ? ` (${what})` : ''} ${params.since !== undefined ? `from ${params.since} until now` : `over ${params.window ?? 'the default window'}`} into ${store} storage with a custody record`],
    output: {
      source: params.source,
      store,
      label: params.label ?? params.source,
      artifacts: [{ name: `${params.source}-${stableToken(seed, 'artifact', 8)}.ndjson`, sha256: stableToken(seed, 'sha', 64) }],
      custody_head: stableToken(seed, 'custody', 64),
    },
  };
};
