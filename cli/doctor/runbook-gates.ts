/**
 * The human gates (approvals and decisions) of the runbooks folder, as the live-readiness check
 * sees them ({@link requiredActions}), but whatever a run's inputs: a gate behind `when` (its own
 * or an enclosing step's) is included, since some run may reach it. Also the approver groups that
 * `notify` steps and manual tasks address.
 */
import { emptyRecord, setOwn } from '../../common/own';
import { formatRunbookError, loadRunbookDirectory, type RunbookError } from '../../runbooks/load';
import type { Runbook } from '../../runbooks/schema';
import { placeSteps, type AnyStep } from '../../runbooks/step-places';
import { requiredActions } from '../../workflows/required-actions';
import { approverGroupsOf } from '../../runbooks/approver-groups';

/** Where a gate names a group: an approval's `approvers`, a decision's `deciders`, either's `escalate_to`. */
export type GateField = 'approvers' | 'deciders' | 'escalate_to';

export interface RunbookGate {
  runbook: string;
  stepId: string;
  /** Every group the gate names (approvers or deciders, and escalate_to). */
  groups: string[];
  /** Where each group is named: `approvers` (or `deciders`), `escalate_to` or both. */
  fields: Record<string, GateField[]>;
  /** The gate or a step enclosing it has a `when`: only runs whose inputs satisfy it open the gate. */
  conditional: boolean;
}

/** A step that addresses an approver group outside a gate: `notify` to `group:<name>`, or a manual task's assignee. */
export interface RunbookRecipient {
  runbook: string;
  stepId: string;
  group: string;
  field: 'notify to' | 'manual assignee';
}

export interface RunbookGates {
  runbooks: number;
  gates: RunbookGate[];
  /** Approver groups named by `notify` steps and manual assignees (literal `group:<name>` only). */
  recipients: RunbookRecipient[];
  /** Why the folder could not be read (then nothing was checked). */
  unreadable?: string;
  /** Files left out for lint errors: one line each, with the first error. */
  broken: string[];
}

export async function runbookGates(runbooksDir: string): Promise<RunbookGates> {
  let loaded: { runbooks: Array<{ runbook: Runbook }>; errors: RunbookError[] };
  try {
    loaded = await loadRunbookDirectory(runbooksDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { runbooks: 0, gates: [], recipients: [], unreadable: `cannot read the runbooks folder ${runbooksDir} (QUELL_RUNBOOKS_DIR): ${code ?? String(error)}`, broken: [] };
  }
  const gates: RunbookGate[] = [];
  const recipients: RunbookRecipient[] = [];
  for (const { runbook } of loaded.runbooks) {
    collectRecipients(runbook.steps, runbook.id, undefined, recipients);
    const approvals = requiredActions(withoutConditions(runbook)).approvals ?? [];
    const placed = placedById(runbook);
    for (const { stepId, groups } of approvals) {
      const { spec, conditional } = gateSpec(placed, stepId);
      // Keyed by group names runbooks chose: no prototype, so `constructor` is just a name.
      const fields = emptyRecord<GateField[]>();
      for (const group of groups) {
        setOwn(fields, group, [
          ...(spec?.askedGroups.includes(group) ? [spec.askedField] : []),
          ...(spec?.escalateTo.includes(group) ? (['escalate_to'] as const) : []),
        ]);
      }
      gates.push({ runbook: runbook.id, stepId, groups, fields, conditional });
    }
  }
  const byFile = new Map<string, RunbookError[]>();
  for (const error of loaded.errors) byFile.set(error.file, [...(byFile.get(error.file) ?? []), error]);
  const broken = [...byFile.values()].map((errors) => {
    const [first] = errors;
    const more = errors.length > 1 ? ` and ${errors.length - 1} more` : '';
    return `${formatRunbookError(first)}${more}: its gates were not checked (run quell lint)`;
  });
  return { runbooks: loaded.runbooks.length, gates, recipients, broken };
}

const GROUP_PREFIX = 'group:';

/**
 * Walks steps wherever they nest (parallel branches, sequences, foreach bodies, compensations,
 * observe checks) for `notify` calls whose `to` names `group:<name>` and manual tasks assigned to
 * one. Entries computed by a template are left to the run, which checks them when it gets there.
 */
function collectRecipients(node: unknown, runbook: string, stepId: string | undefined, into: RunbookRecipient[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRecipients(item, runbook, stepId, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  const id = typeof record.id === 'string' ? record.id : stepId;
  if (id !== undefined && record.action === 'notify') {
    const to = (record.with as Record<string, unknown> | undefined)?.to;
    for (const entry of Array.isArray(to) ? to : []) {
      if (typeof entry === 'string' && entry.startsWith(GROUP_PREFIX)) into.push({ runbook, stepId: id, group: entry.slice(GROUP_PREFIX.length), field: 'notify to' });
    }
  }
  const assignee = (record.manual as Record<string, unknown> | undefined)?.assignee;
  if (id !== undefined && typeof assignee === 'string' && assignee.startsWith(GROUP_PREFIX)) {
    into.push({ runbook, stepId: id, group: assignee.slice(GROUP_PREFIX.length), field: 'manual assignee' });
  }
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'with') collectRecipients(value, runbook, id, into);
  }
}

/** The runbook with every `when` dropped, wherever it nests, so requiredActions lists every gate. */
function withoutConditions(runbook: Runbook): Runbook {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // Only a step's own `when`; an action's `with` is data and is left as written.
      if (key !== 'when') copy[key] = key === 'with' ? inner : strip(inner);
    }
    return copy;
  };
  return { ...runbook, steps: strip(runbook.steps) as Runbook['steps'] };
}

type PlacedById = Map<string, ReturnType<typeof placeSteps>[number]>;

/** Every step of the runbook by id, with where it sits. */
function placedById(runbook: Runbook): PlacedById {
  return new Map(placeSteps(runbook).map((placed) => [placed.step.id, placed]));
}

/** The gate step's groups by field, and whether it or any step enclosing it has a `when`. */
function gateSpec(byId: PlacedById, stepId: string) {
  const found = byId.get(stepId);
  if (!found) return { spec: undefined, conditional: false };
  const enclosing = [found.place.parent, found.place.sequence, found.place.loop].filter((id): id is string => id !== undefined);
  // A sequence inside a parallel step: its parallel step encloses it too.
  for (const id of [...enclosing]) {
    const parent = byId.get(id)?.place.parent;
    if (parent !== undefined) enclosing.push(parent);
  }
  const conditional = [found.step, ...enclosing.map((id) => byId.get(id)?.step)].some((step) => step?.when !== undefined);
  return { spec: gateGroups(found.step), conditional };
}

function gateGroups(step: AnyStep): { askedField: GateField; askedGroups: string[]; escalateTo: string[] } | undefined {
  if ('approval' in step) return { askedField: 'approvers', askedGroups: approverGroupsOf(step.approval), escalateTo: step.approval.escalate_to ?? [] };
  if ('decision' in step) {
    const { deciders } = step.decision;
    return { askedField: 'deciders', askedGroups: Array.isArray(deciders) ? [...deciders] : Object.keys(deciders), escalateTo: step.decision.escalate_to ?? [] };
  }
  return undefined;
}
