/**
 * What the message-carrying systems hand to the actions that use them (`notify`,
 * `vendor.request_deletion` and `vendor.request`, see connectors/definition.ts `SystemRole`). The actions live in
 * activities/; these shapes live here so that connectors never import from activities. Each is
 * what one connector's live build returns as its `roles`.
 */
import type { WebClient } from '@slack/web-api';
import type { SlackSettings } from './slack/client';

/** One e-mail as the `smtp` connector sends it. */
export interface OutgoingMail {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  /** `<id@domain>`: the same on every attempt, so a resend is recognisably the same message. */
  messageId: string;
  headers?: Record<string, string>;
  /** For failure messages, e.g. `deletion request QDR-… to acme`. */
  operation: string;
}

export interface MailReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The server's final reply, e.g. `250 OK: queued as …`. */
  response: string;
}

/** The `smtp` connector's role object: sends one message per call, never retries or remembers. */
export interface Mailer {
  /** The connector id failures are reported under. */
  readonly connector: string;
  /** The configured sender, e.g. `Quell <security@example.com>`. */
  readonly from: string;
  /** The domain of the sender address, for Message-IDs. */
  readonly senderDomain: string;
  /** Sends once; rejects with a classified failure. */
  send(mail: OutgoingMail): Promise<MailReceipt>;
}

/**
 * The `slack` connector's role object. Posting is the notify action's business (it decides what
 * to look up before posting again), so it gets the Web API client itself, built with Slack's own
 * retries off, and the section's settings (the default channel).
 */
export interface SlackPoster {
  client: WebClient;
  settings: SlackSettings;
}

/** What a data-deletion request says, independent of how it travels. */
export interface DeletionRequest {
  /** `QDR-` + 10 hex digits derived from the step's idempotency key (the tabletop ids look alike). */
  reference: string;
  vendorId: string;
  vendorName: string;
  /** Empty: everything held on our behalf. */
  dataCategories: string[];
  legalBasis: string;
  subjectPerson?: string;
  incident: string;
  workflowId: string;
  /** YYYY-MM-DD (UTC). */
  dueDate: string;
  /** ISO time of the first attempt. */
  requestedAt: string;
}

/** What a vendor request (`vendor.request`: a forensic report, IOCs…) says, independent of how it travels. */
export interface VendorRequest {
  /** `QVR-` + 10 hex digits derived from the step's idempotency key. */
  reference: string;
  vendorId: string;
  vendorName: string;
  /** `forensic-report`, `iocs`, `attestation` or `other`. */
  kind: string;
  /** What exactly is asked, in a sentence, from the kind (and `details` for `other`). */
  asked: string;
  /** The step's free text, when given. */
  details?: string;
  /** How the vendor knows the incident, when the step names it. */
  incidentReference?: string;
  incident: string;
  workflowId: string;
  /** YYYY-MM-DD (UTC). */
  dueDate: string;
  /** ISO time of the first attempt. */
  requestedAt: string;
}

/** What a vendor's HTTP API answered to a request it accepted (deletion or other). */
export interface HttpDeletionReceipt {
  /** The HTTP status: 2xx, or 409 when the vendor already had this reference. */
  status: number;
  /** True for 409: the vendor had already received the request. */
  alreadyReceived: boolean;
  /** The vendor's own id for the request, when its answer names one. */
  vendorReceipt?: string;
}

/** One vendor reached by signed HTTP (the `vendor-http` connector builds one per such vendor). */
export interface HttpDeletionChannel {
  /** `vendor:<id>`, the connector failures and probes are reported under. */
  readonly connector: string;
  readonly url: string;
  /** Sends the request once (idempotent on the vendor's side by reference); classified failures. */
  send(request: DeletionRequest): Promise<HttpDeletionReceipt>;
  /** The same for a `vendor.request` (its own document, same signature and idempotency). */
  sendRequest(request: VendorRequest): Promise<HttpDeletionReceipt>;
}

/** The `vendor-http` connector's role object: the HTTP channel of each vendor that uses one, by vendor id. */
export type HttpDeletionChannels = ReadonlyMap<string, HttpDeletionChannel>;
