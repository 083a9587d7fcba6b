/** A Responder that answers through the client module (what Slack will call), not the CLI. */
import type { Client } from '@temporalio/client';
import { answerDecision, completeManual, decideApproval, deliverEvent, getRunState } from '../../client/runs';
import type { Responder } from './run-driver';

export function clientResponder(client: Client): Responder {
  return {
    state: (workflowId) => getRunState(client, workflowId),
    approve: async (workflowId, stepId, actor, summarySha256) => {
      await decideApproval(client, workflowId, { stepId, actor, decision: 'approve', via: 'api', summarySha256 });
    },
    answer: async (workflowId, stepId, actor, option, questionSha256, fields) => {
      await answerDecision(client, workflowId, { stepId, actor, option, via: 'api', questionSha256, fields });
    },
    event: async (workflowId, event, actor, fields) => {
      await deliverEvent(client, workflowId, { event, actor, via: 'api', ...(Object.keys(fields).length > 0 ? { payload: fields } : {}) });
    },
    done: async (workflowId, stepId, actor, fields) => {
      await completeManual(client, workflowId, { stepId, actor, via: 'api', fields });
    },
  };
}
