/**
 * The drill's timeline: one line per history event that matters to a debrief, from the drill,
 * its run, its follow-ups and its debrief, in wall-time order. Every line names the event it comes
 * from (`ref`, `eventType`), so a reader can check each one against Temporal.
 */
import type { DrillState } from '../../common/drill-state';
import type { RunResult } from '../../common/run-state';
import { DEBRIEF_MESSAGES } from './debrief-record';
import { text, type DrillFacts } from './drill-facts';
import type { DecodedEvent, HistoryView } from './history';
import type { TimelineLine } from './report-types';
import { childTimelineWords } from './child-figures';
import { callNotes, type CallNote } from './loop-figures';
import type { ActionCall, RunFacts } from './run-facts';

type Line = Omit<TimelineLine, 'drillMs' | 'at' | 'ref' | 'source' | 'eventId' | 'eventType'>;

interface Sourced {
  line: TimelineLine;
  timeMs: number;
  order: number;
}

export function buildTimeline(drill: DrillFacts, runs: RunFacts[], debrief: HistoryView | undefined): TimelineLine[] {
  const lines: Sourced[] = [];
  const add = (view: HistoryView, order: number, event: DecodedEvent, line: Line | undefined) => {
    if (!line) return;
    lines.push({
      line: { ...drill.clock.moment(event, view.ref(event)), source: view.source, eventId: event.id, eventType: event.type, ...line },
      timeMs: event.timeMs,
      order,
    });
  };
  for (const event of drill.view.events) add(drill.view, 0, event, drillLine(event, drill));
  runs.forEach((run, index) => {
    const calls = new Map(run.activities.map((call) => [call.scheduled.id, call]));
    const notes = callNotes(run);
    // Child runs and re-grades are told from the run's facts: the events alone do not name the step.
    const childWords = childTimelineWords(run);
    for (const event of run.view.events) add(run.view, index + 1, event, childWords.get(event.id) ?? runLine(event, calls, notes));
  });
  if (debrief) for (const event of debrief.events) add(debrief, runs.length + 1, event, debriefLine(event));
  lines.sort((a, b) => a.timeMs - b.timeMs || a.order - b.order || a.line.eventId - b.line.eventId);
  return lines.map((entry) => entry.line);
}

function args(event: { args: unknown[] }): Record<string, unknown> {
  const first = event.args[0];
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : {};
}

function actorOf(request: Record<string, unknown>): { actor?: string } {
  const actor = text(request.actor)?.trim();
  return actor ? { actor } : {};
}

function drillLine(event: DecodedEvent, drill: DrillFacts): Line | undefined {
  switch (event.kind) {
    case 'workflow-started':
      return { kind: 'drill.launched', actor: drill.input.requestedBy, text: `drill launched: scenario ${drill.input.scenario.id} v${drill.input.scenario.version} on runbook ${drill.input.runbook.id} v${drill.input.runbook.version}` };
    case 'update-accepted': {
      const control = drill.controls.find((candidate) => candidate.event.id === event.id);
      if (!control) return undefined;
      const who = { actor: control.actor };
      switch (control.name) {
        case 'pauseDrill':
          return { kind: 'drill.paused', ...who, text: 'drill paused: drill time stands still' };
        case 'resumeDrill':
          return { kind: 'drill.resumed', ...who, text: 'drill resumed' };
        case 'injectNow':
          return { kind: 'inject.fire-now', ...who, text: `inject ${control.injectId} fired by hand` };
        case 'skipInject':
          return { kind: 'inject.skipped', ...who, text: `inject ${control.injectId} skipped` };
        case 'noteDrill':
          return { kind: 'note', ...who, text: control.text ?? '' };
        case 'endDrill':
          return { kind: 'drill.end-requested', ...who, text: `drill ended by the facilitator${control.reason ? `: ${control.reason}` : ''}` };
        case 'startFollowUp':
          return { kind: 'follow-up.requested', ...who, text: `follow-up run of inject ${control.injectId} requested` };
        default:
          return undefined;
      }
    }
    case 'signal-sent': {
      const signal = (event.input[0] ?? {}) as { injectId?: string; kind?: string; title?: string; message?: string; event?: unknown };
      if (event.signalName === 'drillInject') return { kind: 'inject.fired', text: `inject ${signal.injectId} (${signal.kind}) fired${signal.title || signal.message ? `: ${signal.title ?? signal.message}` : ''}` };
      if (event.signalName === 'drillEventArrives') return { kind: 'inject.event-delivered', text: `late event "${String(signal.event)}" delivered to the run (inject ${signal.injectId})` };
      return undefined;
    }
    case 'activity-completed':
      return drill.readiness?.event.id === event.id ? { kind: 'readiness.probed', text: `readiness probed: ${drill.readiness.report.findings.filter((finding) => !finding.ok).length} of ${drill.readiness.report.findings.length} checks failed` } : undefined;
    case 'workflow-completed':
      return { kind: 'drill.closed', text: `drill ${(event.result as DrillState | undefined)?.status ?? 'closed'}` };
    case 'workflow-closed-abnormally':
      return { kind: 'drill.closed', text: `drill workflow ${event.message}` };
    default:
      return undefined;
  }
}

function runLine(event: DecodedEvent, calls: Map<number, ActionCall>, notes: (call: ActionCall) => CallNote | undefined): Line | undefined {
  switch (event.kind) {
    case 'workflow-started': {
      const input = (event.input[0] ?? {}) as { runbook?: { id?: string; version?: number }; requestedBy?: string; mode?: string };
      return { kind: 'run.started', ...(input.requestedBy ? { actor: input.requestedBy } : {}), text: `run started: ${input.runbook?.id} v${input.runbook?.version} (${input.mode})` };
    }
    case 'activity-completed':
    case 'activity-failed':
    case 'activity-timed-out': {
      const call = calls.get(event.scheduledEventId);
      if (!call) return undefined;
      const what = call.purpose === 'compensate' ? 'compensation' : 'action';
      const outcome = event.kind === 'activity-completed' ? 'succeeded' : event.kind === 'activity-failed' ? 'failed' : 'timed-out';
      const attempts = call.attempts && call.attempts > 1 ? ` on attempt ${call.attempts}` : '';
      const why = event.kind === 'activity-completed' ? '' : `: ${event.message}`;
      const note = notes(call);
      // A window's check reads as one, and its last says how the window closed.
      if (note?.check !== undefined && call.purpose === 'perform') {
        return { kind: `observe.check-${outcome}`, stepId: call.stepId, text: `${note.what}: ${call.action} ${outcome}${attempts}${why}${note.closing ? `; ${note.closing}` : ''}` };
      }
      return { kind: `${what}.${outcome}`, stepId: call.stepId, text: `${call.action}${call.purpose === 'compensate' ? ' (undo)' : ''} ${outcome}${attempts}${why}${note ? ` (${note.what})` : ''}` };
    }
    case 'update-accepted': {
      const request = args(event);
      const stepId = text(request.stepId);
      const step = stepId ? { stepId } : {};
      switch (event.name) {
        case 'decideApproval':
          return { kind: `approval.${String(request.decision)}`, ...actorOf(request), ...step, text: `${String(request.decision)} at gate ${stepId}${text(request.reason) ? `: ${text(request.reason)}` : ''}` };
        case 'answerDecision':
          return { kind: 'decision.answer', ...actorOf(request), ...step, text: `answered ${String(request.option)} at decision ${stepId}${text(request.reason) ? `: ${text(request.reason)}` : ''}` };
        case 'completeManual':
          return { kind: 'manual.done', ...actorOf(request), ...step, text: `task ${stepId} done${text(request.note) ? `: ${text(request.note)}` : ''}` };
        case 'deliverEvent':
          return { kind: 'event.delivered', ...actorOf(request), text: `event "${String(request.event)}" delivered` };
        case 'cancelRun':
          return { kind: 'run.cancel-requested', ...actorOf(request), text: `cancel requested: ${String(request.reason ?? '')}` };
        default:
          return undefined;
      }
    }
    case 'signaled': {
      const signal = (event.input[0] ?? {}) as { injectId?: string; kind?: string; event?: unknown };
      if (event.signalName === 'drillInject') return { kind: 'inject.received', text: `the run took inject ${signal.injectId} (${signal.kind})` };
      if (event.signalName === 'drillEventArrives') return { kind: 'event.arrived', text: `late event "${String(signal.event)}" arrived (inject ${signal.injectId})` };
      return undefined;
    }
    case 'workflow-completed': {
      const result = event.result as RunResult | undefined;
      const failure = result?.state?.failure;
      const ended = result?.state?.outcome;
      return { kind: 'run.closed', text: `run ${result?.status ?? 'closed'}${ended ? `: ${ended.name} (ended at ${ended.step})` : ''}${failure ? `: ${failure.step ? `${failure.step}: ` : ''}${failure.message}` : ''}` };
    }
    case 'workflow-closed-abnormally':
      return { kind: 'run.closed', text: `run workflow ${event.message}` };
    default:
      return undefined;
  }
}

function debriefLine(event: DecodedEvent): Line | undefined {
  if (event.kind === 'update-accepted' && event.name === DEBRIEF_MESSAGES.addItem) {
    const request = args(event);
    return { kind: 'plan.item-added', ...actorOf(request), text: `improvement item: ${String(request.finding ?? '')} → ${String(request.action ?? '')} (${String(request.owner ?? '')}, due ${String(request.due ?? '')})` };
  }
  if (event.kind === 'update-accepted' && event.name === DEBRIEF_MESSAGES.close) return { kind: 'plan.closed', ...actorOf(args(event)), text: 'improvement plan closed' };
  return undefined;
}
