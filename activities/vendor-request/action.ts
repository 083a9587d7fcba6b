/**
 * The live `vendor.request` action: asks the vendor named by the step for a forensic report,
 * indicators of compromise, an attestation, or what `details` describes, through the channel the
 * connectors file configures for that vendor (signed HTTP through `vendor-http`, e-mail through
 * `smtp`), once per step. It travels exactly like a deletion request (./vendor-delivery.ts): the
 * idempotency key fixes the reference id (`QVR-…`), the due date and the request time at the
 * first attempt, and the output is the same delivery record, with the kind asked.
 */
import path from 'node:path';
import type { ActionName, ActionWith } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import type { ConnectorNeeds } from '../../connectors/connector';
import type { ConnectorsConfig } from '../../connectors/connectors-file';
import type { SharedLive } from '../../connectors/definition';
import type { LiveAction } from '../action-performer';
import { DeliveryLog } from '../notify/delivery-log';
import { emailVendorRequest } from './letter';
import { DEFAULT_DUE_IN, vendorRequest, vendorRequestReference } from './request';
import { VendorDelivery, firstAttemptPlan, vendorRoutes, type VendorDeliveryDeps } from './vendor-delivery';
import { VENDOR_REQUEST_NOUN, vendorNeeds, type VendorSections } from './vendor-needs';

export interface VendorRequestActionDeps extends VendorDeliveryDeps {
  /** The connectors file, for {@link vendorNeeds}. */
  file: VendorSections;
}

export class VendorRequestAction implements LiveAction {
  readonly name = 'live:vendor.request';
  private readonly delivery: VendorDelivery;

  constructor(private readonly deps: VendorRequestActionDeps) {
    this.delivery = new VendorDelivery(deps);
  }

  needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
    return vendorNeeds(this.deps.file, params, VENDOR_REQUEST_NOUN);
  }

  async perform(_action: ActionName, raw: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const params = raw as ActionWith<'vendor.request'>;
    const outcome = await this.delivery.deliver(
      {
        params,
        operation: `ask ${params.vendor} for ${params.kind}`,
        noun: VENDOR_REQUEST_NOUN,
        plan: () => firstAttemptPlan(vendorRequestReference(context.idempotencyKey), params.due_in ?? DEFAULT_DUE_IN, new Date()),
        compose: (vendor, plan) => {
          const request = vendorRequest(params, vendor, plan, context);
          return {
            reference: request.reference,
            email: (mailer, to) => emailVendorRequest(mailer, to, request),
            post: (channel) => channel.sendRequest(request),
          };
        },
      },
      context,
    );
    const { vendor, vendor_name, channel, ...record } = outcome.output;
    return {
      alreadyDone: outcome.alreadyDone,
      output: { vendor, vendor_name, channel, kind: params.kind, ...(params.incident_reference ? { incident_reference: params.incident_reference } : {}), ...record },
    };
  }
}

/** Where sent vendor requests are remembered (see ../notify/delivery-log.ts). */
export function vendorRequestsLogPath(dataDir: string): string {
  return path.join(dataDir, 'vendor-requests.jsonl');
}

/**
 * Built over the same 'deletion-channel' systems as `vendor.request_deletion` (`vendor-http` with
 * the `vendors` section, `smtp` for e-mail vendors); without a `vendors` section there is nobody
 * to ask, and a live run that asks is refused by the readiness check.
 */
export function buildVendorRequestAction(config: ConnectorsConfig, channels: ReadonlyMap<string, unknown>, shared: SharedLive): LiveAction | undefined {
  const routes = vendorRoutes(config, channels);
  if (!routes) return undefined;
  return new VendorRequestAction({
    ...routes,
    file: config,
    log: new DeliveryLog(vendorRequestsLogPath(shared.dataDir)),
    logger: shared.logger.child({ action: 'vendor.request' }),
  });
}
