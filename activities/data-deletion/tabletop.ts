/** Tabletop planner for vendor data-deletion requests. */
import type { ActionWith } from '../../common/actions';
import { durationMs } from '../../common/duration';
import { stableToken, type TabletopPlanner } from '../../connectors/simulation';
import { DEFAULT_DUE_IN } from './request';

export const planVendorRequestDeletion: TabletopPlanner = (raw, seed) => {
  const params = raw as ActionWith<'vendor.request_deletion'>;
  const channel = params.channel ?? 'email';
  const dueDate = new Date(Date.parse(seed.at) + durationMs(params.due_in ?? DEFAULT_DUE_IN)).toISOString().slice(0, 10);
  const referenceId = `QDR-${stableToken(seed, 'reference', 10).toUpperCase()}`;
  const categories = params.data_categories?.join(', ') ?? 'all data held on our behalf';
  return {
    wouldDo: [`${channel}: ask ${params.vendor} to return and delete ${categories} by ${dueDate} (reference ${referenceId})`],
    output: { vendor: params.vendor, channel, reference_id: referenceId, due_date: dueDate, sent: true },
  };
};
