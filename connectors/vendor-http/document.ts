/**
 * The JSON bodies Quell posts to a vendor's HTTP API: the wire format vendors implement
 * (test/support/vendor-api.ts reads it independently of this code), so field names never change
 * silently. Every document has `type`, `version` and `reference` (equal to the Idempotency-Key);
 * `type` tells a deletion request from the other requests the same endpoint receives.
 */
import type { DeletionRequest, VendorRequest } from '../message-roles';

/** The JSON document the HTTP channel posts (and the fields a vendor's API can rely on). */
export function deletionRequestDocument(request: DeletionRequest): Record<string, unknown> {
  return {
    type: 'data_deletion_request',
    version: 1,
    reference: request.reference,
    vendor: request.vendorId,
    data_categories: request.dataCategories,
    /** True when no categories were named: everything held on our behalf. */
    all_data: request.dataCategories.length === 0,
    legal_basis: request.legalBasis,
    ...(request.subjectPerson ? { subject_person: request.subjectPerson } : {}),
    incident: request.incident,
    run: request.workflowId,
    due_date: request.dueDate,
    requested_at: request.requestedAt,
    confirm: 'Return, then delete, the data (copies, backups and sub-processors included) and confirm quoting the reference.',
  };
}

/** The JSON document of a `vendor.request` (a forensic report, IOCs, an attestation…). */
export function vendorRequestDocument(request: VendorRequest): Record<string, unknown> {
  return {
    type: 'vendor_request',
    version: 1,
    reference: request.reference,
    vendor: request.vendorId,
    kind: request.kind,
    asked: request.asked,
    ...(request.details ? { details: request.details } : {}),
    ...(request.incidentReference ? { incident_reference: request.incidentReference } : {}),
    incident: request.incident,
    run: request.workflowId,
    due_date: request.dueDate,
    requested_at: request.requestedAt,
    reply: 'Answer by the due date quoting the reference.',
  };
}
