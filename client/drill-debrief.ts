/**
 * A drill's improvement plan for every surface: add an item (the first one starts the plan's
 * workflow, `<drillId>:debrief`, through update-with-start), list the items, close the plan.
 * Requests are checked with the workflow's own checks before they are sent. Listing reads the
 * plan's history, so it works for closed plans and with no worker running.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { drillDebriefWorkflowId } from '../reports/drill/debrief-record';
import type { DrillStartInput } from '../reports/drill/drill-facts';
import { HistoryView } from '../reports/drill/history';
import { improvementPlan } from '../reports/drill/plan';
import type { ImprovementPlan } from '../reports/drill/report-types';
import type { drillDebrief } from '../workflows';
import {
  addPlanItemUpdate,
  CloseDebriefRequest,
  closeDebriefUpdate,
  PlanItemRequest,
  type DebriefState,
  type PlanItem,
} from '../workflows/drill-debrief';
import { describeIssues, type RequestSchema } from '../workflows/messages';
import { fetchDecodedHistory } from './decoded-history';
import { isWorkflowNotFound } from './drill-report';
import { QuellClientError } from './errors';
import { checkWorkflowId } from './runs';
import { withWorkflowErrors } from './workflow-errors';

export interface AddPlanItemOptions {
  taskQueue: string;
  /** Overrides how long an untouched plan stays open (tests). */
  idleCloseAfterMs?: number;
}

/** Adds one item to the drill's plan, starting the plan with it if it is the first. */
export async function addPlanItem(client: Client, drillId: string, request: PlanItemRequest, options: AddPlanItemOptions): Promise<PlanItem> {
  checkDrillId(drillId);
  const item = checkRequest(PlanItemRequest, request);
  const { objectiveIds, facilitators } = await drillFacts(client, drillId);
  if (item.objectiveId !== undefined && !objectiveIds.includes(item.objectiveId)) {
    throw new QuellClientError('invalid-input', `objectiveId: the scenario of ${drillId} has no objective "${item.objectiveId}"; its objectives: ${objectiveIds.join(', ')}`);
  }
  const debriefId = drillDebriefWorkflowId(drillId);
  const start = new WithStartWorkflowOperation<typeof drillDebrief>('drillDebrief', {
    workflowId: debriefId,
    taskQueue: options.taskQueue,
    args: [{ drillId, objectiveIds, facilitators, ...(options.idleCloseAfterMs !== undefined ? { idleCloseAfterMs: options.idleCloseAfterMs } : {}) }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    // A closed plan stays closed: a new item must not quietly start a second plan.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  try {
    return await withWorkflowErrors(debriefId, { noun: 'improvement plan', takesNoMore: 'items' }, () =>
      client.workflow.executeUpdateWithStart(addPlanItemUpdate, { args: [item], startWorkflowOperation: start }),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError || (error instanceof Error && /already (started|completed)|closed/i.test(error.message) && !(error instanceof QuellClientError))) {
      throw new QuellClientError('refused', `the improvement plan of ${drillId} is closed; it takes no more items`, { cause: error });
    }
    throw error;
  }
}

/** Closes the drill's plan: it takes no more items. */
export async function closeDebrief(client: Client, drillId: string, request: CloseDebriefRequest): Promise<DebriefState> {
  checkDrillId(drillId);
  const checked = checkRequest(CloseDebriefRequest, request);
  const debriefId = drillDebriefWorkflowId(drillId);
  return withWorkflowErrors(debriefId, { noun: 'improvement plan', takesNoMore: 'items' }, () => client.workflow.getHandle(debriefId).executeUpdate(closeDebriefUpdate, { args: [checked] }));
}

/** The plan as its history records it (`not-started` when nobody has added an item yet). */
export async function listPlanItems(client: Client, drillId: string): Promise<ImprovementPlan> {
  checkDrillId(drillId);
  await drillFacts(client, drillId);
  const debriefId = drillDebriefWorkflowId(drillId);
  try {
    const history = await fetchDecodedHistory(client, debriefId);
    return improvementPlan(drillId, new HistoryView('debrief', history));
  } catch (error) {
    if (isWorkflowNotFound(error)) return improvementPlan(drillId, undefined);
    throw error;
  }
}

/** The objective ids of the drill's scenario, read from its history; refuses an unknown drill. */
/** What the plan needs from the drill: its objectives, and who facilitates (who may add items). */
async function drillFacts(client: Client, drillId: string): Promise<{ objectiveIds: string[]; facilitators: string[] }> {
  let input: Partial<DrillStartInput> | undefined;
  try {
    const history = await fetchDecodedHistory(client, drillId);
    input = new HistoryView('drill', history).started?.input[0] as Partial<DrillStartInput> | undefined;
  } catch (error) {
    if (isWorkflowNotFound(error)) throw new QuellClientError('not-found', `drillId: no drill ${drillId}`, { cause: error });
    throw error;
  }
  if (!input || !Array.isArray(input.objectives)) throw new QuellClientError('invalid-input', `drillId: workflow ${drillId} is not a drill`);
  return { objectiveIds: input.objectives.map((objective) => objective.id), facilitators: [...(input.participants?.facilitators ?? [])] };
}

function checkDrillId(drillId: string): void {
  try {
    checkWorkflowId(drillId);
  } catch (error) {
    throw new QuellClientError('invalid-input', `drillId: ${error instanceof Error ? error.message.replace(/^run id /, '') : String(error)}`, { cause: error });
  }
}

function checkRequest<T>(schema: RequestSchema<T>, request: T): T {
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw new QuellClientError('invalid-input', describeIssues(parsed.error));
  return parsed.data;
}
