/**
 * A drill's improvement plan as a small durable workflow (`<drillId>:debrief`): facilitators add
 * items (finding, corrective action, owner, due date, optionally the objective it is about)
 * through a validated Update, read them through a query, and close the plan when the debrief is
 * done. The client starts it with update-with-start on the first item, so there is never a plan
 * without an item nor two plans for one drill. A plan nobody touches for a long time closes
 * itself, so forgotten debriefs do not stay open for ever.
 *
 * The report reads the plan back from this workflow's history (each accepted item's stored form
 * is the Update's result), so it needs no worker. Request checks are plain TypeScript, as in
 * ./drill/messages.ts. Workflow-safe.
 */
import { ApplicationFailure } from '@temporalio/common';
import { allHandlersFinished, condition, defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';
import { FacilitatorPolicy } from './drill/facilitators';
import { Actor, identityField, requiredTextField, Source } from './drill/messages';
import type { DecisionSource } from '../common/run-state';
import { DEBRIEF_MESSAGES, dueDateProblem, type DebriefState, type PlanItem } from '../reports/drill/debrief-record';
import { describeIssues, referenceProblem } from './messages';
import { accept, refuse, requestSchema, stringField, type Field, type RequestSchema } from './request-checks';

export type { DebriefState, PlanItem } from '../reports/drill/debrief-record';

/** How long an untouched plan stays open. */
export const DEBRIEF_IDLE_CLOSE_MS = 30 * 86_400_000;
/** Items one plan takes: a debrief's worth, and a bound on the workflow's history. */
export const DEBRIEF_MAX_ITEMS = 200;

export interface DrillDebriefInput {
  drillId: string;
  /** The scenario's objective ids, read from the drill's history when the plan starts. */
  objectiveIds: string[];
  /**
   * The drill's facilitator groups: only their members may add items or close the plan (checked
   * against the approvers file, as the drill's own controls are). Absent in plans started before.
   */
  facilitators?: string[];
  /** Overrides DEBRIEF_IDLE_CLOSE_MS (tests). */
  idleCloseAfterMs?: number;
}

export interface PlanItemRequest {
  finding: string;
  action: string;
  owner: string;
  /** YYYY-MM-DD. */
  due: string;
  objectiveId?: string;
  actor: string;
  via: DecisionSource;
}

export interface CloseDebriefRequest {
  actor: string;
  via: DecisionSource;
}

/** An owner's name or team. */
const Owner = identityField('owner is required (who will do it)');
const Due: Field = {
  check: stringField((due) => {
    const problem = dueDateProblem(due.trim());
    return problem ? refuse(due, 'custom', problem) : accept(due.trim());
  }),
};
const ObjectiveId: Field = {
  check: stringField((id) => {
    const problem = referenceProblem(id);
    return problem ? refuse(id, 'custom', problem) : accept(id.trim());
  }),
  optional: true,
};

export const PlanItemRequest = requestSchema<PlanItemRequest>({
  finding: requiredTextField('finding'),
  action: requiredTextField('action'),
  owner: Owner,
  due: Due,
  objectiveId: ObjectiveId,
  actor: Actor,
  via: Source,
});
export const CloseDebriefRequest = requestSchema<CloseDebriefRequest>({ actor: Actor, via: Source });

/** Add one item to the plan; returns the item as stored (with its number). */
export const addPlanItemUpdate = defineUpdate<PlanItem, [PlanItemRequest]>(DEBRIEF_MESSAGES.addItem);
/** Close the plan: it takes no more items and the workflow completes. */
export const closeDebriefUpdate = defineUpdate<DebriefState, [CloseDebriefRequest]>(DEBRIEF_MESSAGES.close);
/** The plan as it stands. */
export const debriefStateQuery = defineQuery<DebriefState>(DEBRIEF_MESSAGES.state);

export async function drillDebrief(input: DrillDebriefInput): Promise<DebriefState> {
  const state: DebriefState = { drillId: input.drillId, status: 'open', items: [] };
  // Bumped by every accepted Update, so the idle timer starts again.
  let touched = 0;

  const facilitators = input.facilitators ? new FacilitatorPolicy(input.facilitators) : undefined;
  // Who facilitates, read first; the opening item (update-with-start) is checked once it is known.
  const resolved = facilitators?.resolve();
  setHandler(debriefStateQuery, () => state);
  setHandler(
    addPlanItemUpdate,
    async (raw) => {
      await steerable(raw);
      const request = checked(PlanItemRequest, raw);
      const item: PlanItem = {
        id: state.items.length + 1,
        finding: request.finding,
        action: request.action,
        owner: request.owner,
        due: request.due,
        ...(request.objectiveId ? { objectiveId: request.objectiveId } : {}),
        addedBy: request.actor,
        addedVia: request.via,
        addedAt: new Date().toISOString(),
      };
      state.items.push(item);
      touched += 1;
      return item;
    },
    {
      validator: (raw) => {
        const request = checked(PlanItemRequest, raw);
        if (facilitators?.known) facilitators.check(request.actor, request.via);
        checkOpen();
        if (state.items.length >= DEBRIEF_MAX_ITEMS) throw new Error(`the plan already has ${DEBRIEF_MAX_ITEMS} items, as many as one plan takes`);
        if (request.objectiveId !== undefined && !input.objectiveIds.includes(request.objectiveId)) {
          throw new Error(`objectiveId: the scenario has no objective "${request.objectiveId}"; its objectives: ${input.objectiveIds.join(', ') || 'none'}`);
        }
      },
    },
  );
  setHandler(
    closeDebriefUpdate,
    async (raw) => {
      await steerable(raw);
      const request = checked(CloseDebriefRequest, raw);
      close(request.actor);
      touched += 1;
      return state;
    },
    {
      validator: (raw) => {
        const request = checked(CloseDebriefRequest, raw);
        if (facilitators?.known) facilitators.check(request.actor, request.via);
        checkOpen();
      },
    },
  );

  const idleMs = Math.max(1_000, input.idleCloseAfterMs ?? DEBRIEF_IDLE_CLOSE_MS);
  while (state.status === 'open') {
    const seen = touched;
    const active = await condition(() => state.status !== 'open' || touched !== seen, idleMs);
    if (!active) close('idle');
  }
  await condition(allHandlersFinished);
  return state;

  /** A request accepted before the facilitators were known is checked now, and refused as a failure. */
  async function steerable(raw: { actor: string; via: DecisionSource }): Promise<void> {
    if (!facilitators || facilitators.known) return;
    await resolved;
    try {
      facilitators.check(raw.actor, raw.via);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(error instanceof Error ? error.message : String(error), 'QuellControlRefused');
    }
  }

  function close(by: string): void {
    state.status = 'closed';
    state.closedBy = by;
    state.closedAt = new Date().toISOString();
  }

  function checkOpen(): void {
    if (state.status !== 'open') throw new Error(`the improvement plan of ${input.drillId} is closed`);
  }
}

/** The request as checked (trimmed), or an error naming each field at fault. */
function checked<T>(schema: RequestSchema<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid request: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
