/**
 * The one client module: everything the CLI (and later Slack) does to runs goes through here, so
 * every surface applies the same validation and reports the same errors.
 *
 * Requests are checked here with the run's own schemas (workflows/messages.ts) before they are
 * sent: a refusal reads exactly as the workflow's validator would word it, but an oversized or
 * hostile value never travels to Temporal (where a large one would fail with a transport error
 * that names nothing). The workflow checks again: other clients exist.
 */
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { QuellClientError } from './errors';
import { withWorkflowErrors } from './workflow-errors';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { BusinessCalendar } from '../common/business-days';
import { identityProblem } from '../common/identity';
import { CalendarConfigError, calendarFromEnvironment, loadCalendarOrThrow } from '../config/calendar-file';
import type { RunMode, RunState } from '../common/run-state';
import { excerpt } from '../common/text-safety';
import { runStartSearchAttributes } from '../runbooks/controls';
import { formatInputProblems, validateRunInputs } from '../runbooks/inputs';
import type { Runbook } from '../runbooks/schema';
import type { runRunbook } from '../workflows';
import { INCIDENT_ID_PATTERN, INCIDENT_ID_RULE, runWorkflowId } from '../workflows/ids';
import type { RunRunbookInput } from '../workflows/input';
import {
  cancelRunUpdate,
  completeManualUpdate,
  decideApprovalUpdate,
  deliverEventUpdate,
  describeIssues,
  referenceProblem,
  runStateQuery,
  CancelRequest,
  AnswerRequest,
  answerDecisionUpdate,
  DecisionRequest,
  EventDelivery,
  ManualCompletion,
  type RequestSchema,
} from '../workflows/messages';
import { reachableRunbooks } from '../runbooks/sub-runbooks';

export { QuellClientError, type QuellErrorCode } from './errors';

export interface StartRunRequest {
  runbook: Runbook;
  runbookSha256: string;
  inputs: Record<string, unknown>;
  mode: RunMode;
  requestedBy: string;
  requestedVia: RunRunbookInput['requestedVia'];
  incidentId: string;
  taskQueue: string;
  /** Live runs are refused here, before any workflow exists, if these actions lack a connector. */
  liveRefusal?: string;
  /**
   * The business calendar file for `bd` durations; absent: QUELL_CALENDAR_FILE, read from the
   * environment at each start so the run keeps the calendar of its start (unset: the default one).
   */
  calendarFile?: string;
  /**
   * Runbooks its `runbook:` steps may start, by id (more is fine: only those reachable travel with
   * the run). A run that would start a runbook not given here is refused before it exists.
   */
  childRunbooks?: RunRunbookInput['childRunbooks'];
}

/**
 * Starts a run under its deterministic id. A second start for the same runbook, incident and mode
 * is refused (never doubled), whether the first run is still going or already closed.
 */
export async function startRun(client: Client, request: StartRunRequest): Promise<WorkflowHandleWithFirstExecutionRunId<typeof runRunbook>> {
  if (!INCIDENT_ID_PATTERN.test(request.incidentId)) {
    throw new QuellClientError(
      'invalid-input',
      `incident id "${excerpt(request.incidentId, 60)}" is not valid: ${INCIDENT_ID_RULE}`,
    );
  }
  if (!request.requestedBy.trim()) throw new QuellClientError('invalid-input', 'requester is required (--as USER)');
  const requesterProblem = identityProblem(request.requestedBy);
  if (requesterProblem) throw new QuellClientError('invalid-input', `requester ${requesterProblem}`);
  const inputs = validateRunInputs(request.runbook, request.inputs);
  if (!inputs.ok) throw new QuellClientError('invalid-input', formatInputProblems(inputs.problems));
  if (request.mode === 'live' && request.liveRefusal) throw new QuellClientError('refused', request.liveRefusal);
  const calendar = runCalendar(request.calendarFile);

  const children = reachableRunbooks(request.runbook, (id) => (request.childRunbooks && Object.hasOwn(request.childRunbooks, id) ? request.childRunbooks[id] : undefined));
  if (children.missing.length > 0) {
    throw new QuellClientError('invalid-input', `runbook ${request.runbook.id} starts runbook${children.missing.length === 1 ? '' : 's'} ${children.missing.join(', ')}, which ${children.missing.length === 1 ? 'is' : 'are'} not in the runbooks folder`);
  }
  const workflowId = runWorkflowId(request.runbook.id, request.incidentId, request.mode);
  const input: RunRunbookInput = {
    runbook: request.runbook,
    runbookSha256: request.runbookSha256,
    inputs: inputs.values,
    mode: request.mode,
    requestedBy: request.requestedBy.trim(),
    requestedVia: request.requestedVia,
    incidentId: request.incidentId,
    ...(calendar ? { calendar } : {}),
    ...(children.found.size > 0 ? { childRunbooks: Object.fromEntries(children.found) } : {}),
  };
  try {
    return await client.workflow.start<typeof runRunbook>('runRunbook', {
      taskQueue: request.taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      typedSearchAttributes: runStartSearchAttributes({ runbook: request.runbook, incidentId: request.incidentId, mode: request.mode, requestedBy: input.requestedBy }),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new QuellClientError(
        'already-exists',
        `a ${request.mode} run of ${request.runbook.id} for incident ${request.incidentId} already exists (${workflowId}); ` +
          `refusing to start it twice. See: quell status ${workflowId}`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The calendar a run starts with, travelling in its input; a broken file refuses the start. */
function runCalendar(file: string | undefined): BusinessCalendar | undefined {
  try {
    return file === undefined ? calendarFromEnvironment(process.env) : loadCalendarOrThrow(file);
  } catch (error) {
    if (error instanceof CalendarConfigError) throw new QuellClientError('invalid-input', error.message, { cause: error });
    throw error;
  }
}

export async function getRunState(client: Client, workflowId: string): Promise<RunState> {
  checkWorkflowId(workflowId);
  return withRunErrors(workflowId, () => client.workflow.getHandle(workflowId).query(runStateQuery));
}

export interface UpdateOptions {
  /** De-duplication key: the same id delivered twice is applied once (Slack retries, replays). */
  updateId?: string;
}

/**
 * Approve or reject a gate. `request.summarySha256` must be the hash of the summary the person was
 * shown (the gate's `summarySha256` when it was displayed): the workflow refuses a stale or missing
 * one, as it refuses people the approval policy does not allow, with the reason in the error.
 */
export async function decideApproval(client: Client, workflowId: string, request: DecisionRequest, options: UpdateOptions = {}) {
  checkRequest(workflowId, DecisionRequest, request, 'approval request');
  return withRunErrors(workflowId, () =>
    client.workflow.getHandle(workflowId).executeUpdate(decideApprovalUpdate, { args: [request], ...options }),
  );
}

export async function answerDecision(client: Client, workflowId: string, request: AnswerRequest, options: UpdateOptions = {}) {
  checkRequest(workflowId, AnswerRequest, request, 'answer');
  return withRunErrors(workflowId, () =>
    client.workflow.getHandle(workflowId).executeUpdate(answerDecisionUpdate, { args: [request], ...options }),
  );
}

export async function deliverEvent(client: Client, workflowId: string, delivery: EventDelivery, options: UpdateOptions = {}) {
  checkRequest(workflowId, EventDelivery, delivery, 'event');
  return withRunErrors(workflowId, () =>
    client.workflow.getHandle(workflowId).executeUpdate(deliverEventUpdate, { args: [delivery], ...options }),
  );
}

export async function completeManual(client: Client, workflowId: string, completion: ManualCompletion, options: UpdateOptions = {}) {
  checkRequest(workflowId, ManualCompletion, completion, 'completion');
  return withRunErrors(workflowId, () =>
    client.workflow.getHandle(workflowId).executeUpdate(completeManualUpdate, { args: [completion], ...options }),
  );
}

export async function cancelRun(client: Client, workflowId: string, request: CancelRequest, options: UpdateOptions = {}) {
  checkRequest(workflowId, CancelRequest, request, 'cancel request');
  return withRunErrors(workflowId, () =>
    client.workflow.getHandle(workflowId).executeUpdate(cancelRunUpdate, { args: [request], ...options }),
  );
}

/** A run id people typed or clicked: refused before it is sent when it could not name a run. */
export function checkWorkflowId(workflowId: string): void {
  const problem = referenceProblem(workflowId);
  if (problem) throw new QuellClientError('invalid-input', `run id ${problem}`);
}

/**
 * The validator's schema, applied before sending. Refused as the validator refuses ('refused',
 * its wording), so a caller sees the same answer whether the check ran here or in the run.
 */
function checkRequest<T>(workflowId: string, schema: RequestSchema<T>, request: T, what: string): void {
  checkWorkflowId(workflowId);
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw new QuellClientError('refused', `invalid ${what}: ${describeIssues(parsed.error)}`);
}

/** Turns SDK errors into messages about the run: refused (with the validator's reason) or unknown. */
function withRunErrors<T>(workflowId: string, call: () => Promise<T>): Promise<T> {
  return withWorkflowErrors(workflowId, { noun: 'run', takesNoMore: 'decisions' }, call);
}
