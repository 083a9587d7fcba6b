/**
 * The approval gates of the runbooks folder, as the live-readiness check sees them
 * ({@link requiredActions}), but whatever a run's inputs: a gate behind `when` is included, since
 * some run may reach it. Also the approver groups that `notify` steps and manual tasks address.
 */
import { emptyRecord, setOwn } from '../../common/own';
import { formatRunbookError, loadRunbookDirectory, type RunbookError } from '../../runbooks/load';
import type { Runbook, RunbookBranchStep, RunbookStep } from '../../runbooks/schema';
import { requiredActions } from '../../workflows/required-actions';
import { approverGroupsOf } from '../../runbooks/approver-groups';

export interface RunbookGate {
  runbook: string;
  stepId: string;
  /** Every group the gate names (approvers and escalate_to). */
  groups: string[];
  /** Where each group is named: `approvers`, `escalate_to` or both. */
  fields: Record<string, Array<'approvers' | 'escalate_to'>>;
  /** The gate (or its parallel step) has a `when`: only runs whose inputs satisfy it open the gate. */
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
    for (const { stepId, groups } of approvals) {
      const { spec, conditional } = approvalSpec(runbook, stepId);
      // Keyed by group names runbooks chose: no prototype, so `constructor` is just a name.
      const fields = emptyRecord<Array<'approvers' | 'escalate_to'>>();
      for (const group of groups) {
        setOwn(fields, group, [
          ...((spec ? approverGroupsOf(spec) : []).includes(group) ? (['approvers'] as const) : []),
          ...(spec?.escalate_to?.includes(group) ? (['escalate_to'] as const) : []),
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

/** The runbook with every `when` dropped, so requiredActions lists every gate. */
function withoutConditions(runbook: Runbook): Runbook {
  const strip = <T extends RunbookStep | RunbookBranchStep>(step: T): T => {
    const copy = { ...step };
    delete copy.when;
    return copy;
  };
  return {
    ...runbook,
    steps: runbook.steps.map((step) => {
      const copy = strip(step);
      return 'parallel' in copy ? { ...copy, parallel: copy.parallel.map(strip) } : copy;
    }),
  };
}

function approvalSpec(runbook: Runbook, stepId: string) {
  for (const step of runbook.steps) {
    const candidates: RunbookStep[] | RunbookBranchStep[] = 'parallel' in step ? step.parallel : [step];
    for (const candidate of candidates) {
      if (candidate.id === stepId && 'approval' in candidate) {
        return { spec: candidate.approval, conditional: step.when !== undefined || candidate.when !== undefined };
      }
    }
  }
  return { spec: undefined, conditional: false };
}
