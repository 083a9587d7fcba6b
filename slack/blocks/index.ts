/**
 * Pure Block Kit builders for the run's Slack presence (no I/O): the root message and everything
 * in its thread. The Slack surface activities call these with the views the workflow projects.
 */
import type { ThreadContent } from '../../common/publisher-view';
import type { RunMode } from '../../common/run-state';
import { buildApprovalCard } from './approval-card';
import { buildDecisionCard } from './decision-card';
import { buildEscalationPing } from './escalation-ping';
import { buildManualCard } from './manual-card';
import type { SlackMessage } from './root-message';
import { buildEventLines } from './thread-events';
import { buildWaitCard } from './wait-card';

export { buildApprovalCard } from './approval-card';
export { buildDecisionCard } from './decision-card';
export { buildDrillSummary } from './drill-summary';
export { buildEscalationPing } from './escalation-ping';
export { buildManualCard } from './manual-card';
export { buildRootMessage, type SlackMessage } from './root-message';
export { buildEventLines } from './thread-events';
export { buildWaitCard } from './wait-card';

/** The message for one piece of thread content; a tabletop run's carries the exercise banner. */
export function buildThreadMessage(content: ThreadContent, mode?: RunMode): SlackMessage {
  switch (content.kind) {
    case 'events':
      return buildEventLines(content.lines, mode);
    case 'approval':
      return buildApprovalCard(content.card, mode);
    case 'wait':
      return buildWaitCard(content.card, mode);
    case 'manual':
      return buildManualCard(content.card, mode);
    case 'decision':
      return buildDecisionCard(content.card, mode);
    case 'ping':
      return buildEscalationPing(content.ping, mode);
  }
}
