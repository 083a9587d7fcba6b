/**
 * The live `vendor.request_deletion` action: sends the vendor named by the step a data
 * return-and-deletion request through the channel the connectors file configures for it (e-mail
 * through `smtp`, or signed HTTP through `vendor-http`), once per step, and returns the reference
 * id and due date the run then waits on. How it travels, once, is shared with `vendor.request`
 * (../vendor-request/vendor-delivery.ts).
 */
import type { ActionName, ActionWith } from '../../common/actions';
import type { ConnectorNeeds } from '../../connectors/connector';
import type { LiveAction } from '../action-performer';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import { VendorDelivery, type VendorDeliveryDeps } from '../vendor-request/vendor-delivery';
import { emailDeletionRequest } from './email-channel';
import { DELETION_NOUN, deletionNeeds, type DeletionSections } from './needs';
import { deletionRequest, firstAttemptPlan } from './request';

export interface DeletionActionDeps extends VendorDeliveryDeps {
  /** The connectors file, for {@link deletionNeeds}. */
  file: DeletionSections;
}

/**
 * Performs `vendor.request_deletion`.
 *
 * Idempotency: the idempotency key fixes the reference id (`QDR-…`), the due date and the request
 * time at the first attempt; see {@link VendorDelivery} for how a repeat is recognised and how
 * failures are retried.
 */
export class DeletionAction implements LiveAction {
  readonly name = 'live:vendor.request_deletion';
  private readonly delivery: VendorDelivery;

  constructor(private readonly deps: DeletionActionDeps) {
    this.delivery = new VendorDelivery(deps);
  }

  needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
    return deletionNeeds(this.deps.file, params);
  }

  perform(_action: ActionName, raw: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const params = raw as ActionWith<'vendor.request_deletion'>;
    return this.delivery.deliver(
      {
        params,
        operation: `request data deletion from ${params.vendor}`,
        noun: DELETION_NOUN,
        plan: () => firstAttemptPlan(params, context.idempotencyKey, new Date()),
        compose: (vendor, plan) => {
          const request = deletionRequest(params, vendor, plan, context);
          return {
            reference: request.reference,
            email: (mailer, to) => emailDeletionRequest(mailer, to, request),
            post: (channel) => channel.send(request),
          };
        },
      },
      context,
    );
  }
}
