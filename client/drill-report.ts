/**
 * The drill report for every surface: fetch the Temporal histories of a drill, its run, its
 * follow-ups and its debrief, and build the report from them (reports/drill/build.ts). Reads
 * histories only, so it works on closed drills and with no worker running.
 */
import { isGrpcServiceError, ServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { drillFollowUpWorkflowId, drillRunWorkflowId } from '../common/drill-state';
import { buildDrillReport, type DrillHistories } from '../reports/drill/build';
import { drillDebriefWorkflowId } from '../reports/drill/debrief-record';
import { ReportInputError, type DrillStartInput } from '../reports/drill/drill-facts';
import { HistoryView, type RawHistory } from '../reports/drill/history';
import type { DrillReport } from '../reports/drill/report-types';
import { QuellClientError } from './errors';
import { checkWorkflowId } from './runs';

/** The histories a drill report is built from; absent ones are left out (a run that never started, no debrief yet). */
export async function fetchDrillHistories(client: Client, drillId: string): Promise<DrillHistories> {
  checkDrillId(drillId);
  const drill = await fetchOptional(client, drillId);
  if (!drill) throw new QuellClientError('not-found', `drillId: no drill ${drillId}`);
  const view = new HistoryView('drill', drill);
  const input = view.started?.input[0] as Partial<DrillStartInput> | undefined;
  if (!input || !Array.isArray(input.injects) || !input.scenario) {
    throw new QuellClientError('invalid-input', `drillId: workflow ${drillId} is not a drill (its input names no scenario and injects)`);
  }
  // Follow-ups: every twist's id, plus any child the drill started under the follow-up prefix.
  const twistIds = new Set(input.injects.filter((inject) => inject.kind === 'twist').map((inject) => inject.id));
  const prefix = drillFollowUpWorkflowId(drillId, '');
  for (const event of view.all('child-initiated')) if (event.workflowId.startsWith(prefix)) twistIds.add(event.workflowId.slice(prefix.length));
  const [run, debrief, ...followUps] = await Promise.all([
    fetchOptional(client, drillRunWorkflowId(drillId)),
    fetchOptional(client, drillDebriefWorkflowId(drillId)),
    ...[...twistIds].map((injectId) => fetchOptional(client, drillFollowUpWorkflowId(drillId, injectId))),
  ]);
  const found: Record<string, RawHistory> = {};
  [...twistIds].forEach((injectId, index) => {
    const history = followUps[index];
    if (history) found[injectId] = history;
  });
  return { drillId, drill, ...(run ? { run } : {}), ...(debrief ? { debrief } : {}), followUps: found };
}

/** The after-action report of a drill, as of now (or `generatedAt`). */
export async function getDrillReport(client: Client, drillId: string, options: { generatedAt?: Date } = {}): Promise<DrillReport> {
  const histories = await fetchDrillHistories(client, drillId);
  try {
    return buildDrillReport(histories, options);
  } catch (error) {
    if (error instanceof ReportInputError) throw new QuellClientError('invalid-input', `drillId: ${error.message}`, { cause: error });
    throw error;
  }
}

function checkDrillId(drillId: string): void {
  try {
    checkWorkflowId(drillId);
  } catch (error) {
    throw new QuellClientError('invalid-input', `drillId: ${error instanceof Error ? error.message.replace(/^run id /, '') : String(error)}`, { cause: error });
  }
}

/** A workflow's whole history, or undefined when there is no workflow of that id. */
async function fetchOptional(client: Client, workflowId: string): Promise<RawHistory | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).fetchHistory();
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
