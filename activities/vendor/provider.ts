/**
 * The live `vendor.request_deletion` provider: sends the vendor named by the step a data
 * return-and-deletion request through the channel the connectors file configures for it (e-mail
 * or signed HTTP), once per step, and returns the reference id and due date the run then waits on.
 */
import type { Logger } from 'pino';
import type { ActionName, ActionWith } from '../../common/actions';
import type { ConnectorNeeds, LiveActionProvider } from '../live/connector';
import { invalidFailure, notConfiguredFailure, type FailureSite } from '../live/failures';
import { deliverOnce, type SendResult } from '../notify/deliver-once';
import type { DeliveryLog } from '../notify/delivery-log';
import { SMTP_CONNECTOR, type SmtpMailer } from '../notify/smtp/mailer';
import type { ActionContext, ActionOutcome } from '../ports';
import { vendorConnectorId, type VendorSettings } from './connector';
import { emailDeletionRequest } from './email-channel';
import { postDeletionRequest } from './http-channel';
import { deletionRequest, dueInProblem, firstAttemptPlan, type DeletionRequest } from './request';

export interface VendorProviderDeps {
  vendors: ReadonlyMap<string, VendorSettings>;
  mailer?: SmtpMailer;
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
 * Retries: failures are classified (../live/failures.ts). Refused credentials, unknown addresses
 * and invalid requests are not retried; throttling waits for the vendor's Retry-After; outages
 * are retried with the step's backoff.
 */
export class VendorDeletionProvider implements LiveActionProvider {
  readonly name = 'live:vendor.request_deletion';

  constructor(private readonly deps: VendorProviderDeps) {}

  needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
    const problems: string[] = [];
    const dueIn = typeof params.due_in === 'string' ? dueInProblem(params.due_in) : undefined;
    if (dueIn) problems.push(dueIn);
    if (typeof params.vendor !== 'string') {
      // Chosen by an earlier step: any configured vendor may be asked.
      const all = [...this.deps.vendors.entries()];
      if (all.length === 0) problems.push('no vendors are configured (add a `vendors:` section to the connectors file)');
      const usesEmail = all.some(([, vendor]) => vendor.channel === 'email');
      return { connectors: [...all.map(([id]) => vendorConnectorId(id)), ...(usesEmail ? this.smtpNeed(problems) : [])], problems };
    }
    const vendor = this.deps.vendors.get(params.vendor);
    if (!vendor) {
      problems.push(this.unknownVendorMessage(params.vendor));
      return { connectors: [], problems };
    }
    const mismatch = channelMismatch(params.vendor, vendor, params.channel);
    if (mismatch) problems.push(mismatch);
    return { connectors: [vendorConnectorId(params.vendor), ...(vendor.channel === 'email' ? this.smtpNeed(problems) : [])], problems };
  }

  async perform(_action: ActionName, raw: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const params = raw as ActionWith<'vendor.request_deletion'>;
    const connector = vendorConnectorId(params.vendor);
    const site = { connector, operation: `request data deletion from ${params.vendor}` };
    const vendor = this.deps.vendors.get(params.vendor);
    if (!vendor) throw notConfiguredFailure(site, this.unknownVendorMessage(params.vendor));
    const mismatch = channelMismatch(params.vendor, vendor, params.channel);
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
    if (vendor.channel === 'http') return (request) => postDeletionRequest({ connector, url: vendor.url, hmacSecret: vendor.hmac_secret }, request);
    const mailer = this.deps.mailer;
    if (!mailer) throw notConfiguredFailure(site, 'e-mail vendors need the `smtp:` section in the connectors file');
    return (request) => emailDeletionRequest(mailer, { connector, email: vendor.email, ...(vendor.cc ? { cc: vendor.cc } : {}) }, request);
  }

  private smtpNeed(problems: string[]): string[] {
    if (this.deps.mailer) return [SMTP_CONNECTOR];
    problems.push('e-mail vendors need the `smtp:` section in the connectors file');
    return [];
  }

  private unknownVendorMessage(vendorId: string): string {
    const known = [...this.deps.vendors.keys()];
    return `vendor ${vendorId} is not in the connectors file (vendors: ${known.length ? known.join(', ') : 'none configured'})`;
  }
}

/** Why the step's channel cannot be used for this vendor, or undefined. */
function channelMismatch(vendorId: string, vendor: VendorSettings, asked: unknown): string | undefined {
  if (asked === undefined || asked === vendor.channel) return undefined;
  return `vendor ${vendorId} takes deletion requests by ${vendor.channel}, but the step asks for ${String(asked)}`;
}
