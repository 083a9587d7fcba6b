/**
 * Builds the request a `vendor.request` step sends (its shape, shared with the channels, is
 * `VendorRequest` in connectors/message-roles.ts): what each kind asks for in words, the
 * reference id, and the facts fixed by the step's first attempt, so every retry names the same
 * request.
 */
import type { ActionWith } from '../../common/actions';
import type { VendorRequestKind } from '../../common/action-schemas/vendor';
import type { ActionContext } from '../../connectors/action-context';
import type { VendorRequest } from '../../connectors/message-roles';
import { stableId } from '../notify/delivery-id';
import { incidentOf } from '../notify/run-label';

/** When the step gives no `due_in`: a compromised vendor's answers are needed while they still help. */
export const DEFAULT_DUE_IN = '7d';

/** How each kind is named in a subject line, and what it asks for in a sentence. */
const KINDS: Record<Exclude<VendorRequestKind, 'other'>, { title: string; asked: string }> = {
  'forensic-report': {
    title: 'Forensic report',
    asked: 'a forensic report on the incident: its timeline, root cause, which of our systems and data were affected, and what was done to contain and remediate it',
  },
  iocs: {
    title: 'Indicators of compromise',
    asked: 'the indicators of compromise you have identified (IP addresses, domains, file hashes, accounts and tools used), with when each was first and last seen',
  },
  attestation: {
    title: 'Attestation',
    asked: 'a written attestation, signed by a responsible officer, that the incident is contained and that our data and our access to your service are no longer at risk',
  },
};

/** "Forensic report", "Indicators of compromise"…; `Information` for `other` (the subject reads "Information request"). */
export function kindTitle(kind: VendorRequestKind): string {
  return kind === 'other' ? 'Information' : KINDS[kind].title;
}

/** What is asked: the kind's sentence, or the step's own words for `other`. */
export function askedFor(params: Pick<ActionWith<'vendor.request'>, 'kind' | 'details'>): string {
  return params.kind === 'other' ? (params.details ?? '') : KINDS[params.kind].asked;
}

/** The reference id of the request a step sends: the same for every attempt of that step. */
export function vendorRequestReference(idempotencyKey: string): string {
  return stableId('QVR', [idempotencyKey, 'vendor-request'], 10);
}

/** The request for a plan made by the step's first attempt (../vendor-request/vendor-delivery.ts). */
export function vendorRequest(
  params: ActionWith<'vendor.request'>,
  vendor: { id: string; name: string },
  plan: Record<string, unknown>,
  context: ActionContext,
): VendorRequest {
  return {
    reference: String(plan.reference),
    vendorId: vendor.id,
    vendorName: vendor.name,
    kind: params.kind,
    asked: askedFor(params),
    ...(params.details ? { details: params.details } : {}),
    ...(params.incident_reference ? { incidentReference: params.incident_reference } : {}),
    incident: incidentOf(context.workflowId),
    workflowId: context.workflowId,
    dueDate: String(plan.due_date),
    requestedAt: String(plan.requested_at),
  };
}
