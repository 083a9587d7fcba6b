/**
 * Pure Block Kit builders for the run's Slack presence (no I/O): the root message and everything
 * in its thread. The Slack surface activities call these with the views the workflow projects.
 */
import type { ThreadContent } from '../../common/publisher-view';
import { buildApprovalCard } from './approval-card';
import { buildEscalationPing } from './escalation-ping';
import { buildManualCard } from './manual-card';
import type { SlackMessage } from './root-message';
import { buildEventLines } from './thread-events';
import { buildWaitCard } from './wait-card';

export { buildApprovalCard } from './approval-card';
export { buildEscalationPing } from './escalation-ping';
export { buildManualCard } from './manual-card';
export { buildRootMessage, type SlackMessage } from './root-message';
export { buildEventLines } from './thread-events';
export { buildWaitCard } from './wait-card';

/** The message for one piece of thread content. */
export function buildThreadMessage(content: ThreadContent): SlackMessage {
  switch (content.kind) {
    case 'events':
      return buildEventLines(content.lines);
    case 'approval':
      return buildApprovalCard(content.card);
    case 'wait':
      return buildWaitCard(content.card);
    case 'manual':
      return buildManualCard(content.card);
    case 'ping':
      return buildEscalationPing(content.ping);
  }
}
