/** Tabletop planner for `vendor.request`: says what would be asked, under a repeatable reference; sends nothing. */
import type { ActionWith } from '../../common/actions';
import { durationMs } from '../../common/duration';
import { stableToken, type TabletopPlanner } from '../../connectors/simulation';
import { DEFAULT_DUE_IN, kindTitle } from './request';

export const planVendorRequest: TabletopPlanner = (raw, seed) => {
  const params = raw as ActionWith<'vendor.request'>;
  const channel = params.channel ?? 'email';
  const dueDate = new Date(Date.parse(seed.at) + durationMs(params.due_in ?? DEFAULT_DUE_IN)).toISOString().slice(0, 10);
  const referenceId = `QVR-${stableToken(seed, 'reference', 10).toUpperCase()}`;
  const what = params.kind === 'other' ? `"${params.details ?? ''}"` : kindTitle(params.kind).toLowerCase();
  return {
    wouldDo: [`${channel}: ask ${params.vendor} for ${what} by ${dueDate} (reference ${referenceId})`],
    output: {
      vendor: params.vendor,
      channel,
      kind: params.kind,
      ...(params.incident_reference ? { incident_reference: params.incident_reference } : {}),
      reference_id: referenceId,
      due_date: dueDate,
      sent: true,
    },
  };
};
