/**
 * Temporal histories as the drill report reads them: each raw `temporal.api.history.v1.IHistory`
 * event becomes one typed, decoded event with its id, type name and time, and the payloads the
 * report needs (inputs, results, Update arguments and outcomes, signal inputs) decoded with the
 * SDK's default payload converter. Events the report has no use for keep only id, type and time.
 *
 * Pure: no client, no I/O. The report is built from these and nothing else (never from logs).
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

export type RawHistory = temporal.api.history.v1.IHistory;
type RawEvent = temporal.api.history.v1.IHistoryEvent;
type RawPayloads = temporal.api.common.v1.IPayloads | null | undefined;
type RawFailure = temporal.api.failure.v1.IFailure | null | undefined;

interface EventBase {
  id: number;
  /** Temporal's name for the event type, e.g. `ActivityTaskCompleted`. */
  type: string;
  /** Wall time of the event, ms since the epoch (milliseconds truncated). */
  timeMs: number;
  at: string;
}

/** What each event the report reads carries, decoded; everything else is `other`. */
type Attributes =
  | {
      kind: 'workflow-started';
      input: unknown[];
      firstRunId?: string;
      workflowType: string;
      taskQueue: string;
      /** The client identity that started it (`pid@host` for the SDK's default). */
      identity: string;
      parentWorkflowId?: string;
      /** Search attributes given at start, decoded (e.g. TemporalScheduledById for a Schedule's run). */
      searchAttributes: Record<string, unknown>;
    }
  | { kind: 'timer-started'; timerId: string; fireAfterMs: number }
  | { kind: 'timer-fired'; timerId: string; startedEventId: number }
  | { kind: 'workflow-completed'; result: unknown }
  | { kind: 'workflow-closed-abnormally'; message: string }
  | { kind: 'activity-scheduled'; activityType: string; input: unknown[] }
  | { kind: 'activity-started'; scheduledEventId: number; attempt: number }
  | { kind: 'activity-completed'; scheduledEventId: number; result: unknown }
  | { kind: 'activity-failed'; scheduledEventId: number; message: string }
  | { kind: 'activity-timed-out'; scheduledEventId: number; message: string }
  | { kind: 'update-accepted'; updateId: string; name: string; args: unknown[] }
  | { kind: 'update-completed'; updateId: string; acceptedEventId: number; ok: boolean; result?: unknown; message?: string }
  | { kind: 'signaled'; signalName: string; input: unknown[] }
  | { kind: 'signal-sent'; workflowId: string; signalName: string; input: unknown[] }
  | { kind: 'child-initiated'; workflowId: string; workflowType: string }
  | { kind: 'child-started'; workflowId: string; initiatedEventId: number }
  | { kind: 'child-closed'; workflowId: string; initiatedEventId: number; outcome: 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed-out'; result?: unknown }
  /** The workflow changed its own search attributes (a re-grade sets QuellSeverity), decoded. */
  | { kind: 'search-attributes-upserted'; searchAttributes: Record<string, unknown> }
  | { kind: 'other' };

export type DecodedEvent = EventBase & Attributes;

export type DecodedKind = DecodedEvent['kind'];
export type EventOf<K extends DecodedKind> = Extract<DecodedEvent, { kind: K }>;

/** Decodes every event of a history, oldest first (as Temporal orders them). */
export function decodeHistory(history: RawHistory): DecodedEvent[] {
  return (history.events ?? []).map(decodeEvent);
}

export function decodeEvent(event: RawEvent): DecodedEvent {
  const base: EventBase = { id: Number(event.eventId ?? 0), type: eventTypeName(event), timeMs: eventTimeMs(event), at: '' };
  base.at = new Date(base.timeMs).toISOString();
  return { ...base, ...decodeAttributes(event) } as DecodedEvent;
}

/** Wall time in ms: seconds and nanos of the event's timestamp, sub-millisecond part dropped. */
export function eventTimeMs(event: RawEvent): number {
  const seconds = Number(event.eventTime?.seconds ?? 0);
  const nanos = Number(event.eventTime?.nanos ?? 0);
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

/**
 * `ActivityTaskCompleted` for an event carrying `activityTaskCompletedEventAttributes`: the type
 * is read from the attributes present, so it reads the same whatever form the enum took.
 */
export function eventTypeName(event: RawEvent): string {
  for (const [key, value] of Object.entries(event)) {
    if (value && key.endsWith('EventAttributes')) {
      const name = key.slice(0, -'EventAttributes'.length);
      return name.charAt(0).toUpperCase() + name.slice(1);
    }
  }
  return 'Unknown';
}

type Decoded = Attributes;

function decodeAttributes(event: RawEvent): Decoded {
  const started = event.workflowExecutionStartedEventAttributes;
  if (started) {
    return {
      kind: 'workflow-started',
      input: payloads(started.input),
      ...(started.firstExecutionRunId ? { firstRunId: started.firstExecutionRunId } : {}),
      workflowType: started.workflowType?.name ?? '',
      taskQueue: started.taskQueue?.name ?? '',
      identity: started.identity ?? '',
      ...(started.parentWorkflowExecution?.workflowId ? { parentWorkflowId: started.parentWorkflowExecution.workflowId } : {}),
      searchAttributes: searchAttributes(started.searchAttributes?.indexedFields),
    };
  }
  const timerStarted = event.timerStartedEventAttributes;
  if (timerStarted) return { kind: 'timer-started', timerId: timerStarted.timerId ?? '', fireAfterMs: durationMs(timerStarted.startToFireTimeout) };
  const timerFired = event.timerFiredEventAttributes;
  if (timerFired) return { kind: 'timer-fired', timerId: timerFired.timerId ?? '', startedEventId: Number(timerFired.startedEventId ?? 0) };
  const completed = event.workflowExecutionCompletedEventAttributes;
  if (completed) return { kind: 'workflow-completed', result: payloads(completed.result)[0] };
  if (event.workflowExecutionFailedEventAttributes) return { kind: 'workflow-closed-abnormally', message: `failed: ${innermostMessage(event.workflowExecutionFailedEventAttributes.failure)}` };
  if (event.workflowExecutionTerminatedEventAttributes) return { kind: 'workflow-closed-abnormally', message: `terminated: ${event.workflowExecutionTerminatedEventAttributes.reason ?? ''}` };
  if (event.workflowExecutionCanceledEventAttributes) return { kind: 'workflow-closed-abnormally', message: 'cancelled' };
  if (event.workflowExecutionTimedOutEventAttributes) return { kind: 'workflow-closed-abnormally', message: 'timed out' };
  if (event.workflowExecutionContinuedAsNewEventAttributes) return { kind: 'workflow-closed-abnormally', message: 'continued as new' };
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled) return { kind: 'activity-scheduled', activityType: scheduled.activityType?.name ?? '', input: payloads(scheduled.input) };
  const activityStarted = event.activityTaskStartedEventAttributes;
  if (activityStarted) return { kind: 'activity-started', scheduledEventId: Number(activityStarted.scheduledEventId ?? 0), attempt: activityStarted.attempt ?? 1 };
  const activityCompleted = event.activityTaskCompletedEventAttributes;
  if (activityCompleted) return { kind: 'activity-completed', scheduledEventId: Number(activityCompleted.scheduledEventId ?? 0), result: payloads(activityCompleted.result)[0] };
  const activityFailed = event.activityTaskFailedEventAttributes;
  if (activityFailed) return { kind: 'activity-failed', scheduledEventId: Number(activityFailed.scheduledEventId ?? 0), message: innermostMessage(activityFailed.failure) };
  const activityTimedOut = event.activityTaskTimedOutEventAttributes;
  if (activityTimedOut) return { kind: 'activity-timed-out', scheduledEventId: Number(activityTimedOut.scheduledEventId ?? 0), message: innermostMessage(activityTimedOut.failure) };
  const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
  if (accepted) {
    const request = accepted.acceptedRequest;
    return { kind: 'update-accepted', updateId: request?.meta?.updateId ?? accepted.protocolInstanceId ?? '', name: request?.input?.name ?? '', args: payloads(request?.input?.args) };
  }
  const updated = event.workflowExecutionUpdateCompletedEventAttributes;
  if (updated) {
    const outcome = updated.outcome;
    const base = { kind: 'update-completed' as const, updateId: updated.meta?.updateId ?? '', acceptedEventId: Number(updated.acceptedEventId ?? 0) };
    return outcome?.failure ? { ...base, ok: false, message: innermostMessage(outcome.failure) } : { ...base, ok: true, result: payloads(outcome?.success)[0] };
  }
  const signaled = event.workflowExecutionSignaledEventAttributes;
  if (signaled) return { kind: 'signaled', signalName: signaled.signalName ?? '', input: payloads(signaled.input) };
  const sent = event.signalExternalWorkflowExecutionInitiatedEventAttributes;
  if (sent) return { kind: 'signal-sent', workflowId: sent.workflowExecution?.workflowId ?? '', signalName: sent.signalName ?? '', input: payloads(sent.input) };
  const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
  if (initiated) return { kind: 'child-initiated', workflowId: initiated.workflowId ?? '', workflowType: initiated.workflowType?.name ?? '' };
  const childStarted = event.childWorkflowExecutionStartedEventAttributes;
  if (childStarted) return { kind: 'child-started', workflowId: childStarted.workflowExecution?.workflowId ?? '', initiatedEventId: Number(childStarted.initiatedEventId ?? 0) };
  const upserted = event.upsertWorkflowSearchAttributesEventAttributes;
  if (upserted) return { kind: 'search-attributes-upserted', searchAttributes: searchAttributes(upserted.searchAttributes?.indexedFields) };
  return decodeChildClose(event) ?? { kind: 'other' };
}

function decodeChildClose(event: RawEvent): Decoded | undefined {
  const closes = [
    ['completed', event.childWorkflowExecutionCompletedEventAttributes],
    ['failed', event.childWorkflowExecutionFailedEventAttributes],
    ['canceled', event.childWorkflowExecutionCanceledEventAttributes],
    ['terminated', event.childWorkflowExecutionTerminatedEventAttributes],
    ['timed-out', event.childWorkflowExecutionTimedOutEventAttributes],
  ] as const;
  for (const [outcome, attributes] of closes) {
    if (!attributes) continue;
    const result = outcome === 'completed' ? payloads(event.childWorkflowExecutionCompletedEventAttributes?.result)[0] : undefined;
    return {
      kind: 'child-closed',
      workflowId: attributes.workflowExecution?.workflowId ?? '',
      initiatedEventId: Number(attributes.initiatedEventId ?? 0),
      outcome,
      ...(result !== undefined ? { result } : {}),
    };
  }
  return undefined;
}

function searchAttributes(fields: Record<string, temporal.api.common.v1.IPayload> | null | undefined): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    try {
      decoded[name] = defaultPayloadConverter.fromPayload(payload);
    } catch {
      decoded[name] = undefined;
    }
  }
  return decoded;
}

function durationMs(duration: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(duration?.seconds ?? 0) * 1000 + Math.floor((duration?.nanos ?? 0) / 1e6);
}

/** Each payload decoded; one that cannot be decoded reads as undefined rather than failing the report. */
function payloads(list: RawPayloads): unknown[] {
  return (list?.payloads ?? []).map((payload) => {
    try {
      return defaultPayloadConverter.fromPayload(payload);
    } catch {
      return undefined;
    }
  });
}

function innermostMessage(failure: RawFailure): string {
  let current = failure;
  while (current?.cause) current = current.cause;
  return current?.message ?? 'unknown failure';
}

/** The decoded events of one history with look-ups by id. */
export class HistoryView {
  readonly events: DecodedEvent[];
  private readonly byId = new Map<number, DecodedEvent>();

  constructor(
    /** `drill`, `run`, `follow-up:<inject id>` or `debrief`: the prefix of its event references. */
    readonly source: string,
    history: RawHistory,
  ) {
    this.events = decodeHistory(history);
    for (const event of this.events) this.byId.set(event.id, event);
  }

  get(id: number): DecodedEvent | undefined {
    return this.byId.get(id);
  }

  ref(event: { id: number }): string {
    return `${this.source}#${event.id}`;
  }

  all<K extends DecodedKind>(kind: K): Array<EventOf<K>> {
    return this.events.filter((event): event is EventOf<K> => event.kind === kind);
  }

  first<K extends DecodedKind>(kind: K): EventOf<K> | undefined {
    return this.events.find((event): event is EventOf<K> => event.kind === kind);
  }

  /** The workflow's start: its first event. */
  get started(): EventOf<'workflow-started'> | undefined {
    return this.first('workflow-started');
  }

  /** The event that closed the workflow, if it has closed. */
  get closing(): EventOf<'workflow-completed'> | EventOf<'workflow-closed-abnormally'> | undefined {
    const last = this.events[this.events.length - 1];
    return last && (last.kind === 'workflow-completed' || last.kind === 'workflow-closed-abnormally') ? last : undefined;
  }

  /** Accepted Updates of these names, each with its completion (if recorded) in the same history. */
  updates(...names: string[]): Array<{ accepted: EventOf<'update-accepted'>; completed?: EventOf<'update-completed'> }> {
    const completions = new Map<number, EventOf<'update-completed'>>();
    for (const event of this.all('update-completed')) completions.set(event.acceptedEventId, event);
    return this.all('update-accepted')
      .filter((event) => names.length === 0 || names.includes(event.name))
      .map((accepted) => {
        const completed = completions.get(accepted.id);
        return completed ? { accepted, completed } : { accepted };
      });
  }
}
