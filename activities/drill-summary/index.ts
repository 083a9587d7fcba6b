/**
 * The end-of-drill summary: when a drill closes, its score is built from the Temporal histories
 * (the same report `quell drill after-action` prints) and a short summary is posted in the run's
 * Slack thread, once (the delivery log and the message metadata keep a retry from posting twice).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { drillRunWorkflowId, type DrillStatus } from '../../common/drill-state';
import { ErrorType } from '../../common/errors';
import { buildDrillReport } from '../../reports/drill/build';
import { ReportInputError } from '../../reports/drill/drill-facts';
import { fetchDrillHistoriesWith } from '../../reports/drill/fetch-histories';
import { summarizeDrillReport } from '../../reports/drill/summary';
import { buildDrillSummary } from '../../slack/blocks';
import { postRunMessageOnce } from '../slack-surface/post-once';
import type { SlackSurface } from '../slack-surface';

export interface DrillSummaryRequest {
  drillId: string;
  /** How the drill ended: its own history is still open when this runs. */
  status: Extract<DrillStatus, 'ended' | 'completed'>;
  /** The run's root message: the summary replies to it. */
  channel: string;
  threadTs: string;
}

export function createDrillSummaryActivity(surface: SlackSurface | undefined) {
  return async function postDrillSummary(request: DrillSummaryRequest): Promise<{ posted: boolean; ts?: string }> {
    // A worker without Slack has nowhere to post; the report is still there for the CLI.
    if (!surface) return { posted: false };
    let histories;
    try {
      histories = await fetchDrillHistoriesWith(Context.current().client.workflow, request.drillId);
    } catch (error) {
      if (error instanceof ReportInputError) throw ApplicationFailure.nonRetryable(error.message, ErrorType.InvalidInput);
      throw error;
    }
    const report = buildDrillReport(histories);
    const summary = summarizeDrillReport({ ...report, drill: { ...report.drill, status: request.status } });
    const message = buildDrillSummary(summary.headline, summary.lines);
    const posted = await postRunMessageOnce(surface, {
      key: `drill-summary/${request.drillId}`,
      channel: request.channel,
      threadTs: request.threadTs,
      workflowId: drillRunWorkflowId(request.drillId),
      part: 'drill-summary',
      ...message,
    });
    return { posted: !posted.alreadyDone, ts: posted.ts };
  };
}
