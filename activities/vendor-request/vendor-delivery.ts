/**
 * What every request to a vendor has in common (`vendor.request_deletion`, `vendor.request`):
 * the vendor must be in the connectors file and asked on its own channel; the first attempt of
 * the step fixes the reference id, the due date and the request time; the request goes out at
 * most once as far as the worker's delivery log knows (signed HTTP through `vendor-http`, e-mail
 * through `smtp`); and the step's output is the same delivery record whatever was asked.
 *
 * Idempotency: HTTP vendors deduplicate on `Idempotency-Key` (a repeat answers 409, reported as
 * already done); for e-mail, the delivery log prevents a second message once the first was
 * recorded (see ./vendor-mail.ts for the remaining window).
 */
import type { Logger } from 'pino';
import { parseDuration } from '../../common/duration';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import type { ConnectorsConfig } from '../../connectors/connectors-file';
import { invalidFailure, notConfiguredFailure, type FailureSite } from '../../connectors/failures';
import type { HttpDeletionChannel, HttpDeletionChannels, HttpDeletionReceipt, Mailer } from '../../connectors/message-roles';
import { smtp } from '../../connectors/smtp';
import { vendorHttp } from '../../connectors/vendor-http';
import { vendorConnectorId } from '../../connectors/vendor-http/connector-id';
import type { VendorSettings } from '../../connectors/vendor-http/probes';
import { deliverOnce, type SendResult } from '../notify/deliver-once';
import type { DeliveryLog } from '../notify/delivery-log';
import type { EmailVendor } from './vendor-mail';
import { SMTP_MISSING, channelMismatch, dueInProblem, unknownVendorMessage } from './vendor-needs';

/** The vendors and the ways to reach them, as the 'deletion-channel' systems built them. */
export interface VendorRoutes {
  /** The `vendors` section (names, addresses and channels). */
  vendors: ReadonlyMap<string, VendorSettings>;
  /** The `vendor-http` connector's channel for each HTTP vendor. */
  http: HttpDeletionChannels;
  /** The `smtp` connector's mailer, when that section is present. */
  mailer?: Mailer;
}

export interface VendorDeliveryDeps extends VendorRoutes {
  log: DeliveryLog;
  logger: Logger;
}

/**
 * The routes from the role objects of the systems that play 'deletion-channel' (by system id);
 * undefined without a `vendors` section, when there is nobody to ask.
 */
export function vendorRoutes(config: ConnectorsConfig, channels: ReadonlyMap<string, unknown>): VendorRoutes | undefined {
  const http = channels.get(vendorHttp.id) as HttpDeletionChannels | undefined;
  if (!http || !config.vendors) return undefined;
  const mailer = channels.get(smtp.id) as Mailer | undefined;
  return { vendors: new Map(Object.entries(config.vendors)), http, ...(mailer ? { mailer } : {}) };
}

/** The step fields every vendor request has. */
export interface VendorAddressing {
  vendor: string;
  channel?: 'email' | 'http';
  due_in?: string;
}

/** One request, built from the first attempt's plan, as each channel sends it. */
export interface VendorMessage {
  reference: string;
  email(mailer: Mailer, vendor: EmailVendor): Promise<SendResult>;
  post(channel: HttpDeletionChannel): Promise<HttpDeletionReceipt>;
}

export interface VendorDeliveryRequest {
  params: VendorAddressing;
  /** For failures before anything is sent, e.g. `request data deletion from acme`. */
  operation: string;
  /** What the vendor's channel carries, for the channel-mismatch message (`deletion requests`). */
  noun: string;
  /** The details fixed at the first attempt (see {@link firstAttemptPlan}). */
  plan: () => Record<string, string>;
  /** The message for a plan, the same for every attempt that reads the same plan. */
  compose: (vendor: { id: string; name: string }, plan: Record<string, unknown>) => VendorMessage;
}

/** The reference, due date and request time of a step's first attempt (kept in the delivery log). */
export function firstAttemptPlan(reference: string, dueIn: string, now: Date): Record<string, string> {
  const parsed = parseDuration(dueIn);
  if (!parsed.ok) throw new Error(parsed.message);
  return {
    reference,
    due_date: new Date(now.getTime() + parsed.ms).toISOString().slice(0, 10),
    requested_at: now.toISOString(),
  };
}

/**
 * Sends one request to a vendor for one step, once. Retries: failures are classified
 * (connectors/failures.ts). Refused credentials, unknown addresses and invalid requests are not
 * retried; throttling waits for the vendor's Retry-After; outages are retried with the step's
 * backoff.
 */
export class VendorDelivery {
  constructor(private readonly deps: VendorDeliveryDeps) {}

  /**
   * Refuses (before any attempt is recorded) an unknown vendor, a channel other than the vendor's
   * and an unusable `due_in`. The output is the delivery record: vendor, channel, reference,
   * due date, times, and what the channel's server answered.
   */
  async deliver(request: VendorDeliveryRequest, context: ActionContext): Promise<ActionOutcome> {
    const { params } = request;
    const site = { connector: vendorConnectorId(params.vendor), operation: request.operation };
    const vendor = this.deps.vendors.get(params.vendor);
    if (!vendor) throw notConfiguredFailure(site, unknownVendorMessage(params.vendor, this.deps.vendors.keys()));
    const mismatch = channelMismatch(params.vendor, vendor.channel, params.channel, request.noun);
    if (mismatch) throw notConfiguredFailure(site, mismatch);
    const dueIn = dueInProblem(params.due_in);
    if (dueIn) throw invalidFailure(site, dueIn);
    const send = this.sender(params.vendor, vendor, site);

    const identity = { id: params.vendor, name: vendor.name };
    const outcome = await deliverOnce(this.deps.log, context.idempotencyKey, request.plan, async (plan, outcomeUnknownBefore) => {
      const message = request.compose(identity, plan);
      if (outcomeUnknownBefore) {
        this.deps.logger.warn({ reference: message.reference, vendor: params.vendor, channel: vendor.channel }, 'an earlier attempt may have sent this request; sending it again under the same reference');
      }
      return send(message);
    });

    const message = request.compose(identity, outcome.plan);
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
        reference_id: message.reference,
        due_date: String(outcome.plan.due_date),
        requested_at: String(outcome.plan.requested_at),
        sent_at: outcome.deliveredAt,
        sent: true,
        ...delivery,
      },
    };
  }

  /** How this vendor's requests travel; refuses (before any attempt is recorded) when it cannot. */
  private sender(vendorId: string, vendor: VendorSettings, site: FailureSite): (message: VendorMessage) => Promise<SendResult> {
    if (vendor.channel === 'http') {
      const channel = this.deps.http.get(vendorId);
      if (!channel) throw notConfiguredFailure(site, `no HTTP channel was built for vendor ${vendorId}`);
      return async (message) => {
        const answer = await message.post(channel);
        // The delivery log keeps these receipt fields: retries read them back, so they keep their names.
        const receipt = { response_status: answer.status, ...(answer.vendorReceipt !== undefined ? { vendor_receipt: answer.vendorReceipt } : {}) };
        return answer.alreadyReceived ? { receipt, alreadyThere: true } : { receipt };
      };
    }
    const mailer = this.deps.mailer;
    if (!mailer) throw notConfiguredFailure(site, SMTP_MISSING);
    const to = { connector: vendorConnectorId(vendorId), email: vendor.email, ...(vendor.cc ? { cc: vendor.cc } : {}) };
    return (message) => message.email(mailer, to);
  }
}
