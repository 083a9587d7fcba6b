/** A Responder that answers through the client module (what Slack will call), not the CLI. */
import type { Client } from '@temporalio/client';
import { completeManual, decideApproval, deliverEvent, getRunState } from '../../client/runs';
import type { Responder } from './run-driver';

export function clientResponder(client: Client): Responder {
  return {
    state: (workflowId) => getRunState(client, workflowId),
    approve: async (workflowId, stepId, actor, summarySha256) => {
      await decideApproval(client, workflowId, { stepId, actor, decision: 'approve', via: 'api', summarySha256 });
    },
    event: async (workflowId, event, actor) => {
      await deliverEvent(client, workflowId, { event, actor, via: 'api' });
    },
    done: async (workflowId, stepId, actor) => {
      await completeManual(client, workflowId, { stepId, actor, via: 'api' });
    },
  };
}
