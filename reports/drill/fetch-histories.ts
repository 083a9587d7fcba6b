/**
 * Fetches the histories a drill report is built from: the drill's, its run's, each follow-up's
 * and the debrief's. Shared by the client (reports on request) and the worker's end-of-drill
 * summary, so both read the same workflows. Absent ones are left out (a run that never started,
 * no debrief yet).
 */
import { isGrpcServiceError, ServiceError, WorkflowNotFoundError, type WorkflowClient } from '@temporalio/client';
import { drillFollowUpWorkflowId, drillRunWorkflowId } from '../../common/drill-state';
import type { DrillHistories } from './build';
import { drillDebriefWorkflowId } from './debrief-record';
import { ReportInputError, type DrillStartInput } from './drill-facts';
import { HistoryView, type RawHistory } from './history';

export type HistoryReader = Pick<WorkflowClient, 'getHandle'>;

/** Throws ReportInputError when there is no such drill or the workflow is not a drill. */
export async function fetchDrillHistoriesWith(workflows: HistoryReader, drillId: string): Promise<DrillHistories> {
  const drill = await fetchOptional(workflows, drillId);
  if (!drill) throw new ReportInputError(`no drill ${drillId}`, 'not-found');
  const view = new HistoryView('drill', drill);
  const input = view.started?.input[0] as Partial<DrillStartInput> | undefined;
  if (!input || !Array.isArray(input.injects) || !input.scenario) {
    throw new ReportInputError(`workflow ${drillId} is not a drill (its input names no scenario and injects)`);
  }
  // Follow-ups: every twist's id, plus any child the drill started under the follow-up prefix.
  const twistIds = new Set(input.injects.filter((inject) => inject.kind === 'twist').map((inject) => inject.id));
  const prefix = drillFollowUpWorkflowId(drillId, '');
  for (const event of view.all('child-initiated')) if (event.workflowId.startsWith(prefix)) twistIds.add(event.workflowId.slice(prefix.length));
  const [run, debrief, ...followUps] = await Promise.all([
    fetchOptional(workflows, drillRunWorkflowId(drillId)),
    fetchOptional(workflows, drillDebriefWorkflowId(drillId)),
    ...[...twistIds].map((injectId) => fetchOptional(workflows, drillFollowUpWorkflowId(drillId, injectId))),
  ]);
  const found: Record<string, RawHistory> = {};
  [...twistIds].forEach((injectId, index) => {
    const history = followUps[index];
    if (history) found[injectId] = history;
  });
  return { drillId, drill, ...(run ? { run } : {}), ...(debrief ? { debrief } : {}), followUps: found };
}

/** A workflow's whole history, or undefined when there is no workflow of that id. */
async function fetchOptional(workflows: HistoryReader, workflowId: string): Promise<RawHistory | undefined> {
  try {
    return await workflows.getHandle(workflowId).fetchHistory();
  } catch (error) {
    if (isWorkflowNotFound(error)) return undefined;
    throw error;
  }
}

/** gRPC's NOT_FOUND status code: what fetching the history of an unknown workflow answers. */
const GRPC_NOT_FOUND = 5;

/** Whether the SDK says there is no workflow of that id (its error types differ by call). */
export function isWorkflowNotFound(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  if (isGrpcServiceError(error)) return error.code === GRPC_NOT_FOUND;
  return error instanceof ServiceError && /not found/i.test(error.message);
}
