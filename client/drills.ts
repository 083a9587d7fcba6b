/**
 * Drills for every surface: start one from a loaded scenario and its runbook, steer it, read it.
 * Like client/runs.ts, requests are checked with the drill's own request checks before they are
 * sent, and SDK errors become QuellClientErrors a person can act on.
 */
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { withWorkflowErrors } from './workflow-errors';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { parseDuration } from '../common/duration';
import { identityProblem } from '../common/identity';
import { excerpt } from '../common/text-safety';
import { formatInputProblems, validateRunInputs } from '../runbooks/inputs';
import type { Runbook } from '../runbooks/schema';
import { injectKind, type Scenario } from '../runbooks/scenarios/schema';
import type { runDrill } from '../workflows';
import {
  DrillControl,
  DrillNoteRequest,
  drillStateQuery,
  EndDrillRequest,
  endDrillUpdate,
  InjectControl,
  injectNowUpdate,
  noteDrillUpdate,
  pauseDrillUpdate,
  resumeDrillUpdate,
  skipInjectUpdate,
  startFollowUpUpdate,
} from '../workflows/drill/messages';
import type { DrillInjectPlan, DrillState } from '../common/drill-state';
import type { RunDrillInput } from '../workflows/drill/state';
import { describeIssues, type RequestSchema } from '../workflows/messages';
import { checkWorkflowId, QuellClientError, type UpdateOptions } from './runs';
import { reachableRunbooks } from '../runbooks/sub-runbooks';

/** Exercise ids end up in workflow and incident ids: short and plain. */
export const EXERCISE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
export const EXERCISE_ID_RULE = "use 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit";

/** The same scenario and exercise always name the same drill, so a repeated start is refused, never doubled. */
export function drillWorkflowId(scenarioId: string, exerciseId: string): string {
  return `quell-drill:${scenarioId}:${exerciseId}`;
}

export interface StartDrillRequest {
  scenario: Scenario;
  scenarioSha256: string;
  runbook: Runbook;
  runbookSha256: string;
  exerciseId: string;
  requestedBy: string;
  requestedVia: RunDrillInput['requestedVia'];
  taskQueue: string;
  /** Probe the live connectors read-only at launch (never a mutating call). */
  probeReadiness?: boolean;
  /**
   * Runbooks of the same folder, by id, that the drill may need: the ones twists' follow-ups name,
   * and those the runbook or a follow-up starts through `runbook:` steps (more is fine).
   */
  followUpRunbooks?: RunDrillInput['followUpRunbooks'];
}

export async function startDrill(client: Client, request: StartDrillRequest): Promise<WorkflowHandleWithFirstExecutionRunId<typeof runDrill>> {
  if (!EXERCISE_ID_PATTERN.test(request.exerciseId)) {
    throw new QuellClientError('invalid-input', `exercise id "${excerpt(request.exerciseId, 60)}" is not valid: ${EXERCISE_ID_RULE}`);
  }
  const drillId = drillWorkflowId(request.scenario.scenario, request.exerciseId);
  const input = buildDrillInput(request, `drill-${request.exerciseId}`);
  try {
    return await client.workflow.start<typeof runDrill>('runDrill', {
      taskQueue: request.taskQueue,
      workflowId: drillId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new QuellClientError('already-exists', `drill ${drillId} already exists; refusing to start it twice. See: quell drill status ${drillId}`, { cause: error });
    }
    throw error;
  }
}

/**
 * The drill workflow's input from a loaded scenario and its runbook, checked: the scenario drills
 * this runbook, the requester is a valid identity, the inputs fit the runbook. `incidentId` is
 * left out for a scheduled drill (the workflow derives one from its id).
 */
export function buildDrillInput(request: Omit<StartDrillRequest, 'exerciseId' | 'taskQueue'>, incidentId?: string): RunDrillInput {
  const { scenario, runbook } = request;
  if (scenario.runbook !== runbook.id) throw new QuellClientError('invalid-input', `scenario ${scenario.scenario} drills runbook ${scenario.runbook}, not ${runbook.id}`);
  const requesterProblem = identityProblem(request.requestedBy);
  if (!request.requestedBy.trim() || requesterProblem) throw new QuellClientError('invalid-input', `requester ${requesterProblem ?? 'is required (--as USER)'}`);
  const inputs = validateRunInputs(runbook, scenario.inputs);
  if (!inputs.ok) throw new QuellClientError('invalid-input', formatInputProblems(inputs.problems));

  const followUps = followUpsOf(scenario, request.followUpRunbooks ?? {});
  const children = drillChildRunbooks([runbook, ...Object.values(followUps.runbooks).map((entry) => entry.runbook)], request.followUpRunbooks ?? {});
  return {
    scenario: { id: scenario.scenario, version: scenario.version, title: scenario.title, sha256: request.scenarioSha256 },
    runbook,
    runbookSha256: request.runbookSha256,
    inputs: inputs.values,
    ...(incidentId ? { incidentId } : {}),
    injects: scenario.injects.map((inject) => injectPlan(inject, followUps.inputs.get(inject.id))),
    objectives: scenario.objectives.map((objective) => ({ ...objective })),
    participants: scenario.participants,
    requestedBy: request.requestedBy.trim(),
    requestedVia: request.requestedVia,
    ...(request.probeReadiness ? { probeReadiness: true } : {}),
    ...(Object.keys(followUps.runbooks).length > 0 ? { followUpRunbooks: followUps.runbooks } : {}),
    ...(Object.keys(children).length > 0 ? { childRunbooks: children } : {}),
  };
}

/** Every runbook the drill's runbooks start through `runbook:` steps, found among `available`; a missing one refuses the drill. */
function drillChildRunbooks(roots: Runbook[], available: NonNullable<RunDrillInput['followUpRunbooks']>): NonNullable<RunDrillInput['childRunbooks']> {
  const children: NonNullable<RunDrillInput['childRunbooks']> = {};
  for (const root of roots) {
    const reached = reachableRunbooks(root, (id) => (Object.hasOwn(available, id) ? available[id] : undefined));
    if (reached.missing.length > 0) throw new QuellClientError('invalid-input', `runbook ${root.id} starts ${reached.missing.join(', ')}, which the drill could not find in the runbooks folder`);
    for (const [id, entry] of reached.found) children[id] = entry;
  }
  return children;
}

/** Only the follow-up runbooks the twists name, each checked to be present with valid inputs. */
function followUpsOf(scenario: Scenario, available: NonNullable<RunDrillInput['followUpRunbooks']>) {
  const runbooks: NonNullable<RunDrillInput['followUpRunbooks']> = {};
  const inputs = new Map<string, Record<string, unknown>>();
  for (const inject of scenario.injects) {
    const followUp = inject.twist?.follow_up;
    if (!followUp) continue;
    const found = available[followUp.runbook];
    if (!found) throw new QuellClientError('invalid-input', `inject ${inject.id}: its follow-up runbook ${followUp.runbook} was not found`);
    const checked = validateRunInputs(found.runbook, followUp.inputs);
    if (!checked.ok) throw new QuellClientError('invalid-input', `inject ${inject.id}: follow-up inputs: ${formatInputProblems(checked.problems)}`);
    runbooks[followUp.runbook] = found;
    inputs.set(inject.id, checked.values);
  }
  return { runbooks, inputs };
}

function injectPlan(inject: Scenario['injects'][number], followUpInputs: Record<string, unknown> | undefined): DrillInjectPlan {
  const at = parseDuration(inject.at);
  // The scenario was validated by its loader, which refuses offsets that do not parse.
  if (!at.ok) throw new QuellClientError('invalid-input', `inject ${inject.id}: offset "${inject.at}" is not a duration`);
  const message = inject.message ?? inject.twist?.message;
  const delay = inject.event?.delay === undefined ? undefined : parseDuration(inject.event.delay);
  if (delay && !delay.ok) throw new QuellClientError('invalid-input', `inject ${inject.id}: delay "${inject.event?.delay}" is not a duration`);
  return {
    id: inject.id,
    kind: injectKind(inject),
    atMs: at.ms,
    ...(inject.title ? { title: inject.title } : {}),
    ...(message ? { message } : {}),
    ...(inject.fault ? { fault: { action: inject.fault.action, fail: inject.fault.fail } } : {}),
    ...(inject.event ? { event: { name: inject.event.name, ...(delay?.ok ? { delayMs: delay.ms } : {}), ...(inject.event.never ? { never: true as const } : {}) } } : {}),
    ...(inject.unavailable ? { unavailable: { ...inject.unavailable } } : {}),
    ...(inject.twist ? { followUp: { runbookId: inject.twist.follow_up.runbook, inputs: followUpInputs ?? inject.twist.follow_up.inputs } } : {}),
  };
}

export async function getDrillState(client: Client, drillId: string): Promise<DrillState> {
  checkWorkflowId(drillId);
  return withDrillErrors(drillId, () => client.workflow.getHandle(drillId).query(drillStateQuery));
}

export async function pauseDrill(client: Client, drillId: string, request: DrillControl, options: UpdateOptions = {}) {
  checkRequest(drillId, DrillControl, request);
  return withDrillErrors(drillId, () => client.workflow.getHandle(drillId).executeUpdate(pauseDrillUpdate, { args: [request], ...options }));
}

export async function resumeDrill(client: Client, drillId: string, request: DrillControl, options: UpdateOptions = {}) {
  checkRequest(drillId, DrillControl, request);
  return withDrillErrors(drillId, () => client.workflow.getHandle(drillId).executeUpdate(resumeDrillUpdate, { args: [request], ...options }));
}

export async function injectNow(client: Client, drillId: string, request: InjectControl, options: UpdateOptions = {}) {
  checkRequest(drillId, InjectControl, request);
  return withDrillErrors(drillId, () => client.workflow.getHandle(drillId).executeUpdate(injectNowUpdate, { args: [request], ...options }));
}

export async function skipInject(client: Client, drillId: string, request: InjectControl, options: UpdateOptions = {}) {
  checkRequest(drillId, InjectControl, request);
  return withDrillErrors(drillId, () => client.workflow.getHandle(drillId).executeUpdate(skipInjectUpdate, { args: [request], ...options }));
}

export async function noteDrill(client: Client, drillId: string, request: DrillNoteRequest, options: UpdateOptions = {}) {
  checkRequest(drillId, DrillNoteRequest, request);
  return withDrillErrors(drillId, () => client.workflow.getHandle(drillId).executeUpdate(noteDrillUpdate, { args: [request], ...options }));
}

/** Starts the follow-up run of a fired twist; the drill starts it as its own tabletop child. */
export async function startFollowUp(client: Client, drillId: string, request: InjectControl, options: UpdateOptions = {}) {
  checkRequest(drillId, InjectControl, request);
  return withDrillErrors(drillId, () => client.workflow.getHandle(drillId).executeUpdate(startFollowUpUpdate, { args: [request], ...options }));
}

export async function endDrill(client: Client, drillId: string, request: EndDrillRequest, options: UpdateOptions = {}) {
  checkRequest(drillId, EndDrillRequest, request);
  return withDrillErrors(drillId, () => client.workflow.getHandle(drillId).executeUpdate(endDrillUpdate, { args: [request], ...options }));
}

function checkRequest<T>(drillId: string, schema: RequestSchema<T>, request: T): void {
  checkWorkflowId(drillId);
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw new QuellClientError('refused', `invalid request: ${describeIssues(parsed.error)}`);
}

function withDrillErrors<T>(drillId: string, call: () => Promise<T>): Promise<T> {
  return withWorkflowErrors(drillId, { noun: 'drill', takesNoMore: 'controls' }, call);
}
