/**
 * `vendor.request`: what a third-party-compromise playbook asks a vendor for (a forensic report,
 * indicators of compromise, an attestation, or something described in words), and what the step
 * reports once the request is out. The request travels like `vendor.request_deletion`'s: the
 * vendor's configured channel, a reference id fixed by the step, a due date.
 *
 * Workflow-safe: only zod is imported.
 */
import { z } from 'zod';

const NonEmpty = z.string().min(1);

/** What may be asked; `other` is described entirely by `details`. */
export const VENDOR_REQUEST_KINDS = ['forensic-report', 'iocs', 'attestation', 'other'] as const;
export type VendorRequestKind = (typeof VENDOR_REQUEST_KINDS)[number];

export const VendorRequestWith = z
  .strictObject({
    /** A vendor id from the connectors file's `vendors` section. */
    vendor: NonEmpty,
    kind: z.enum(VENDOR_REQUEST_KINDS),
    /** Free text added to the request; the whole request when `kind` is `other`. */
    details: NonEmpty.optional(),
    /** Must match the vendor's configured channel when given. */
    channel: z.enum(['email', 'http']).optional(),
    /** How long the vendor has to answer, e.g. `72h`, `7d`. */
    due_in: NonEmpty.optional(),
    /** How the vendor knows the incident (their advisory or ticket id), quoted so they can match it. */
    incident_reference: NonEmpty.optional(),
  })
  // `other` says nothing by itself: without details the vendor would not know what is asked.
  .refine((request) => request.kind !== 'other' || request.details !== undefined, { path: ['details'], message: 'kind other needs details saying what is asked' });

/** `steps.<id>.output` of a `vendor.request` step; the delivery fields exist only in live runs. */
export const VendorRequestOutput = z.object({
  vendor: z.string(),
  /** The vendor's display name from the connectors file (live runs). */
  vendor_name: z.string().optional(),
  channel: z.enum(['email', 'http']),
  kind: z.enum(VENDOR_REQUEST_KINDS),
  /** `QVR-` + 10 hex digits, the same on every attempt of the step. */
  reference_id: z.string(),
  /** YYYY-MM-DD (UTC). */
  due_date: z.string(),
  incident_reference: z.string().optional(),
  requested_at: z.string().optional(),
  sent_at: z.string().optional(),
  sent: z.boolean(),
  /** E-mail delivery: the vendor's address and the Message-ID the server accepted. */
  to: z.string().optional(),
  message_id: z.string().optional(),
  /** HTTP delivery: where it was posted, the answer's status and the vendor's own receipt id. */
  url: z.string().optional(),
  response_status: z.number().optional(),
  vendor_receipt: z.string().optional(),
  verified: z.object({ accepted: z.boolean(), by: z.enum(['smtp', 'http']), response: z.string() }).optional(),
});
