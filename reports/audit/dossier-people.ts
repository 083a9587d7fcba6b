/**
 * The dossier's entries about people: every approval and rejection (with the summary hash the
 * decider was shown), escalations (of approval gates and decision steps alike), events
 * delivered, manual tasks completed and cancels; answers to decision steps have entries of their
 * own (dossier-decisions.ts). Each cites the Update's accepted and completed events; an Update
 * the workflow refused in its handler is not a decision and is counted under coverage instead.
 */
import type { ApprovalGateState, StepState } from '../../common/run-state';
import type { RunFacts } from '../drill/run-facts';
import { callEventIds, isNotifyExtra } from './dossier-steps';
import type { DecisionEntryData, EscalationEntryData, HumanActionEntryData } from './dossier-types';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function decisionEntries(run: RunFacts): DecisionEntryData[] {
  const gates = new Map<string, ApprovalGateState>();
  for (const state of run.final?.state.steps ?? []) if (state.approval) gates.set(state.id, state.approval);
  return run.playerActions
    .filter((action) => action.name === 'decideApproval' && action.stepId && action.decision)
    .map((action) => {
      const request = (action.accepted.args[0] ?? {}) as Record<string, unknown>;
      const gateAfter = action.completed?.result as ApprovalGateState | undefined;
      // The gate as it was shown: the state returned by this Update, else the final record.
      const gate = gateAfter ?? gates.get(action.stepId!);
      const shown = text(request.summarySha256)?.trim().toLowerCase();
      // The Update returns the gate right after recording this decision: its last one is this.
      const recorded = gateAfter?.decisions[gateAfter.decisions.length - 1];
      const reason = text(request.reason);
      const person = recorded?.person;
      const gateSha = (gate as { summarySha256?: unknown } | undefined)?.summarySha256;
      return {
        stepId: action.stepId!,
        decision: action.decision!,
        actor: action.actor,
        ...(person ? { person } : {}),
        surface: action.via ?? 'unknown',
        at: recorded?.at ?? action.accepted.at,
        ...(reason ? { reason } : {}),
        ...(shown ? { summarySha256: shown } : {}),
        ...(shown && typeof gateSha === 'string' ? { summaryMatchesGate: shown === gateSha } : {}),
        gateAfter: gateAfter ? (gateAfter.outcome ?? `open (${gateAfter.decisions.filter((d) => d.decision === 'approve').length} of ${gateAfter.quorum} approvals)`) : 'not recorded',
        acceptedEventId: action.accepted.id,
        ...(action.completed ? { completedEventId: action.completed.id } : {}),
      };
    });
}

/**
 * Escalations, from the gate's recorded escalation (time, groups, new deadline) or its audit line,
 * with the notify activity that told the groups when the engine sent one.
 */
export function escalationEntries(run: RunFacts): EscalationEntryData[] {
  const entries: EscalationEntryData[] = [];
  const notices = run.activities.filter((call) => isNotifyExtra(call) && /\/perform\/escalation$/.test(String((call.scheduled.input[0] as { idempotencyKey?: unknown }).idempotencyKey)));
  const auditLines = run.final?.state.events.filter((event) => event.kind === 'approval.escalated') ?? [];
  const stepIds = new Set<string>([...notices.map((call) => call.stepId), ...auditLines.map((event) => event.step ?? '')].filter(Boolean));
  const steps = new Map<string, StepState>((run.final?.state.steps ?? []).map((state) => [state.id, state]));
  for (const stepId of stepIds) {
    const gate = steps.get(stepId)?.approval ?? steps.get(stepId)?.decision;
    const notice = notices.filter((call) => call.stepId === stepId);
    const line = auditLines.find((event) => event.step === stepId);
    const at = gate?.escalation?.at ?? line?.at ?? notice[0]?.scheduled.at;
    const groups = gate?.escalation?.groups ?? groupsFromNotice(notice[0]?.scheduled.input[0]);
    const deadline = gate?.escalation?.deadline ?? (gate?.escalated ? gate.deadline : undefined);
    entries.push({
      stepId,
      at: at ?? 'unknown',
      groups,
      ...(deadline ? { deadline } : {}),
      notifyEventIds: notice.flatMap(callEventIds),
    });
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

function groupsFromNotice(request: unknown): string[] {
  const to = (request as { params?: { to?: unknown } } | undefined)?.params?.to;
  return Array.isArray(to) ? to.filter((group): group is string => typeof group === 'string') : [];
}

export function humanActionEntries(run: RunFacts): HumanActionEntryData[] {
  const entries: HumanActionEntryData[] = [];
  for (const action of run.playerActions) {
    if (action.name === 'decideApproval' || action.name === 'answerDecision') continue;
    const request = (action.accepted.args[0] ?? {}) as Record<string, unknown>;
    const what = action.name === 'deliverEvent' ? 'event-delivered' : action.name === 'completeManual' ? 'manual-completed' : 'cancel-requested';
    const note = text(request.note) ?? text(request.reason);
    entries.push({
      what,
      ...(action.stepId ? { stepId: action.stepId } : {}),
      ...(action.event ? { event: action.event } : {}),
      actor: action.actor,
      surface: action.via ?? 'unknown',
      at: action.accepted.at,
      ...(note ? { note } : {}),
      acceptedEventId: action.accepted.id,
      ...(action.completed ? { completedEventId: action.completed.id } : {}),
    });
  }
  return entries;
}
