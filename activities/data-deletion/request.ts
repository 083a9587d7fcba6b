/**
 * Builds the data-deletion request a step sends (its shape, shared with the channels, is
 * `DeletionRequest` in connectors/message-roles.ts). The reference id and the due date are fixed
 * by the first attempt of the step, so every retry (and every reminder that quotes them) names
 * the same request.
 */
import type { ActionWith } from '../../common/actions';
import type { DeletionRequest } from '../../connectors/message-roles';
import type { ActionContext } from '../../connectors/action-context';
import { stableId } from '../notify/delivery-id';
import { incidentOf } from '../notify/run-label';
import { firstAttemptPlan as vendorFirstAttemptPlan } from '../vendor-request/vendor-delivery';

/** When the step gives no `due_in`: the usual contractual deadline for deletion after termination. */
export const DEFAULT_DUE_IN = '30d';
/** When the step gives no `legal_basis`. */
export const DEFAULT_LEGAL_BASIS = 'our data processing agreement (return and deletion of our data on request) and GDPR Art. 28(3)(g)';
/** When the step gives no `data_categories`. */
export const ALL_CATEGORIES = 'all personal data you process on our behalf';

/** The reference id of the request a step sends: the same for every attempt of that step. */
export function deletionReference(idempotencyKey: string): string {
  return stableId('QDR', [idempotencyKey, 'vendor-deletion-request'], 10);
}

/** The details fixed at the first attempt (kept in the delivery log). */
export function firstAttemptPlan(params: ActionWith<'vendor.request_deletion'>, idempotencyKey: string, now: Date): Record<string, string> {
  return vendorFirstAttemptPlan(deletionReference(idempotencyKey), params.due_in ?? DEFAULT_DUE_IN, now);
}

export function deletionRequest(
  params: ActionWith<'vendor.request_deletion'>,
  vendor: { id: string; name: string },
  plan: Record<string, unknown>,
  context: ActionContext,
): DeletionRequest {
  return {
    reference: String(plan.reference),
    vendorId: vendor.id,
    vendorName: vendor.name,
    dataCategories: params.data_categories ?? [],
    legalBasis: params.legal_basis ?? DEFAULT_LEGAL_BASIS,
    ...(params.subject_person ? { subjectPerson: params.subject_person } : {}),
    incident: incidentOf(context.workflowId),
    workflowId: context.workflowId,
    dueDate: String(plan.due_date),
    requestedAt: String(plan.requested_at),
  };
}
