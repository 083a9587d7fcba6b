/**
 * The live `vendor.request_deletion` action: sends the vendor named by the step a data
 * return-and-deletion request through the channel the connectors file configures for it (e-mail
 * through `smtp`, or signed HTTP through `vendor-http`), once per step, and returns the reference
 * id and due date the run then waits on.
 */
import type { Logger } from 'pino';
import type { ActionName, ActionWith } from '../../common/actions';
import type { ConnectorNeeds } from '../../connectors/connector';
import type { LiveAction } from '../action-performer';
import { invalidFailure, notConfiguredFailure, type FailureSite } from '../../connectors/failures';
import type { DeletionRequest, HttpDeletionChannels, Mailer } from '../../connectors/message-roles';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import { vendorConnectorId } from '../../connectors/vendor-http/connector-id';
import type { VendorSettings } from '../../connectors/vendor-http/probes';
import { deliverOnce, type SendResult } from '../notify/deliver-once';
import type { DeliveryLog } from '../notify/delivery-log';
import { emailDeletionRequest } from './email-channel';
import { SMTP_MISSING, channelMismatch, deletionNeeds, unknownVendorMessage, type DeletionSections } from './needs';
import { deletionRequest, dueInProblem, firstAttemptPlan } from './request';

export interface DeletionActionDeps {
  /** The `vendors` section (names, addresses and channels). */
  vendors: ReadonlyMap<string, VendorSettings>;
  /** The `vendor-http` connector's channel for each HTTP vendor. */
  http: HttpDeletionChannels;
  /** The `smtp` connector's mailer, when that section is present. */
  mailer?: Mailer;
  /** The connectors file, for {@link deletionNeeds}. */
  file: DeletionSections;
  log: DeliveryLog;
  logger: Logger;
}

/**
 * Performs `vendor.request_deletion`.
 *
 * Idempotency: the idempotency key fixes the reference id (`QDR-…`), the due date and the request
 * time at the first attempt. HTTP vendors deduplicate on `Idempotency-Key` (a repeat answers 409,
 * reported as already done); for e-mail, the worker's delivery log prevents a second message once
 * the first was recorded (see ./email-channel.ts for the remaining window).
 *
 * Retries: failures are classified (connectors/failures.ts). Refused credentials, unknown addresses
 * and invalid requests are not retried; throttling waits for the vendor's Retry-After; outages
 * are retried with the step's backoff.
 */
export class DeletionAction implements LiveAction {
  readonly name = 'live:vendor.request_deletion';

  constructor(private readonly deps: DeletionActionDeps) {}

  needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
    return deletionNeeds(this.deps.file, params);
  }

  async perform(_action: ActionName, raw: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const params = raw as ActionWith<'vendor.request_deletion'>;
    const connector = vendorConnectorId(params.vendor);
    const site = { connector, operation: `request data deletion from ${params.vendor}` };
    const vendor = this.deps.vendors.get(params.vendor);
    if (!vendor) throw notConfiguredFailure(site, unknownVendorMessage(params.vendor, this.deps.vendors.keys()));
    const mismatch = channelMismatch(params.vendor, vendor.channel, params.channel);
    if (mismatch) throw notConfiguredFailure(site, mismatch);
    const dueIn = dueInProblem(params.due_in);
    if (dueIn) throw invalidFailure(site, dueIn);
    const send = this.sender(params.vendor, vendor, site);

    const identity = { id: params.vendor, name: vendor.name };
    const outcome = await deliverOnce(
      this.deps.log,
      context.idempotencyKey,
      () => firstAttemptPlan(params, context.idempotencyKey, new Date()),
      async (plan, outcomeUnknownBefore) => {
        const request = deletionRequest(params, identity, plan, context);
        if (outcomeUnknownBefore) {
          this.deps.logger.warn({ reference: request.reference, vendor: params.vendor, channel: vendor.channel }, 'an earlier attempt may have sent this request; sending it again under the same reference');
        }
        return send(request);
      },
    );

    const request = deletionRequest(params, identity, outcome.plan, context);
    const receipt = outcome.receipt;
    const delivery =
      vendor.channel === 'email'
        ? { to: vendor.email, message_id: receipt.message_id, verified: { accepted: true, by: 'smtp', response: receipt.smtp_response } }
        : {
            url: vendor.url,
            response_status: receipt.response_status,
            ...(receipt.vendor_receipt !== undefined ? { vendor_receipt: receipt.vendor_receipt } : {}),
            verified: { accepted: true, by: 'http', response: `HTTP ${String(receipt.response_status)}` },
          };
    return {
      alreadyDone: outcome.alreadyDone,
      output: {
        vendor: params.vendor,
        vendor_name: vendor.name,
        channel: vendor.channel,
        reference_id: request.reference,
        due_date: request.dueDate,
        requested_at: request.requestedAt,
        sent_at: outcome.deliveredAt,
        sent: true,
        ...delivery,
      },
    };
  }

  /** How this vendor's requests travel; refuses (before any attempt is recorded) when it cannot. */
  private sender(vendorId: string, vendor: VendorSettings, site: FailureSite): (request: DeletionRequest) => Promise<SendResult> {
    const connector = vendorConnectorId(vendorId);
    if (vendor.channel === 'http') {
      const channel = this.deps.http.get(vendorId);
      if (!channel) throw notConfiguredFailure(site, `no HTTP channel was built for vendor ${vendorId}`);
      return async (request) => {
        const answer = await channel.send(request);
        // The delivery log keeps these receipt fields: retries read them back, so they keep their names.
        const receipt = { response_status: answer.status, ...(answer.vendorReceipt !== undefined ? { vendor_receipt: answer.vendorReceipt } : {}) };
        return answer.alreadyReceived ? { receipt, alreadyThere: true } : { receipt };
      };
    }
    const mailer = this.deps.mailer;
    if (!mailer) throw notConfiguredFailure(site, SMTP_MISSING);
    return (request) => emailDeletionRequest(mailer, { connector, email: vendor.email, ...(vendor.cc ? { cc: vendor.cc } : {}) }, request);
  }
}
