/**
 * A run's history as an auditor reads it, taken from Temporal's own event history (not from the
 * workflow's memory), so it is available for closed runs without a worker and records exactly
 * what was accepted, executed and decided.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { fetchDecodedHistory } from './decoded-history';
import { checkWorkflowId } from './runs';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
interface ActivityRecord {
  type: string;
  step?: string;
  purpose?: string;
  attempts?: number;
}
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

/** One line of the audit history. `--json` prints these (a documented, stable shape). */
export interface HistoryEntry {
  eventId: number;
  at: string;
  kind: string;
  step?: string;
  actor?: string;
  detail?: string;
  /** For activities: how many attempts it took (retries after crashes or errors are not separate events). */
  attempts?: number;
}

export async function runHistory(client: Client, workflowId: string): Promise<HistoryEntry[]> {
  checkWorkflowId(workflowId);
  const history = await fetchDecodedHistory(client, workflowId);
  return summariseHistory(history.events ?? []);
}

export function summariseHistory(events: HistoryEvent[]): HistoryEntry[] {
  const activities = new Map<number, ActivityRecord>();
  const entries: HistoryEntry[] = [];
  for (const event of events) {
    const base = { eventId: Number(event.eventId ?? 0), at: eventTime(event) };
    const entry = describe(event, activities);
    if (entry) entries.push({ ...base, ...entry });
  }
  return entries;
}

function describe(
  event: HistoryEvent,
  activities: Map<number, ActivityRecord>,
): Omit<HistoryEntry, 'eventId' | 'at'> | undefined {
  if (event.workflowExecutionStartedEventAttributes) {
    const input = first(event.workflowExecutionStartedEventAttributes.input) as
      | { runbook?: { id?: string; version?: number }; runbookSha256?: string; mode?: string; requestedBy?: string; incidentId?: string }
      | undefined;
    return {
      kind: 'run.started',
      actor: input?.requestedBy,
      detail: `${input?.runbook?.id} v${input?.runbook?.version} (${input?.mode}) incident ${input?.incidentId} sha256 ${input?.runbookSha256}`,
    };
  }
  if (event.activityTaskScheduledEventAttributes) {
    const attrs = event.activityTaskScheduledEventAttributes;
    const request = first(attrs.input) as { stepId?: string; purpose?: string } | undefined;
    const type = attrs.activityType?.name ?? 'activity';
    activities.set(Number(event.eventId), { type, step: request?.stepId, purpose: request?.purpose });
    return { kind: 'activity.scheduled', step: request?.stepId, detail: request?.purpose === 'compensate' ? `${type} (compensation)` : type };
  }
  if (event.activityTaskStartedEventAttributes) {
    // Written once, for the attempt that finished; its number reveals retries (e.g. after a crash).
    const scheduled = activities.get(Number(event.activityTaskStartedEventAttributes.scheduledEventId));
    if (scheduled) scheduled.attempts = event.activityTaskStartedEventAttributes.attempt ?? 1;
    return undefined;
  }
  if (event.activityTaskCompletedEventAttributes) {
    const attrs = event.activityTaskCompletedEventAttributes;
    const scheduled = activities.get(Number(attrs.scheduledEventId));
    const result = first(attrs.result) as { alreadyDone?: boolean; provider?: string } | undefined;
    const note = result?.alreadyDone ? ', already done' : '';
    return {
      kind: 'activity.completed',
      step: scheduled?.step,
      detail: `${scheduled?.type ?? 'activity'}${result?.provider ? ` via ${result.provider}` : ''}${note}`,
      ...(scheduled?.attempts ? { attempts: scheduled.attempts } : {}),
    };
  }
  if (event.activityTaskFailedEventAttributes) {
    const attrs = event.activityTaskFailedEventAttributes;
    const scheduled = activities.get(Number(attrs.scheduledEventId));
    return {
      kind: 'activity.failed',
      step: scheduled?.step,
      detail: `${scheduled?.type ?? 'activity'}: ${innermostMessage(attrs.failure)}`,
      ...(scheduled?.attempts ? { attempts: scheduled.attempts } : {}),
    };
  }
  if (event.activityTaskTimedOutEventAttributes) {
    const scheduled = activities.get(Number(event.activityTaskTimedOutEventAttributes.scheduledEventId));
    return { kind: 'activity.timed-out', step: scheduled?.step, detail: scheduled?.type };
  }
  if (event.workflowExecutionUpdateAcceptedEventAttributes) {
    const request = event.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
    const name = request?.input?.name ?? 'update';
    const args = first(request?.input?.args) as { stepId?: string; actor?: string; decision?: string; option?: string; event?: string; reason?: string; via?: string } | undefined;
    const what = [args?.decision, args?.option && `option ${args.option}`, args?.event, args?.reason && `reason: ${args.reason}`, args?.via && `via ${args.via}`].filter(Boolean).join(', ');
    return { kind: `decision.${name}`, step: args?.stepId, actor: args?.actor, detail: what || undefined };
  }
  if (event.upsertWorkflowSearchAttributesEventAttributes) {
    const fields = event.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {};
    const status = fields.QuellStatus ? defaultPayloadConverter.fromPayload<string>(fields.QuellStatus) : undefined;
    return status ? { kind: 'run.status', detail: status } : undefined;
  }
  if (event.workflowExecutionCompletedEventAttributes) {
    const result = first(event.workflowExecutionCompletedEventAttributes.result) as { status?: string; state?: { outcome?: { name?: string } } } | undefined;
    const status = result?.status ?? 'completed';
    // A run an `end` step completed closes with its outcome, as `quell status` shows it.
    const outcome = result?.state?.outcome?.name;
    return { kind: 'run.closed', detail: outcome ? `${status}: ${outcome}` : status };
  }
  if (event.workflowExecutionFailedEventAttributes) {
    return { kind: 'run.closed', detail: `workflow failed: ${innermostMessage(event.workflowExecutionFailedEventAttributes.failure)}` };
  }
  if (event.workflowExecutionTerminatedEventAttributes) {
    return { kind: 'run.closed', detail: `terminated: ${event.workflowExecutionTerminatedEventAttributes.reason ?? ''}` };
  }
  if (event.workflowExecutionCancelRequestedEventAttributes) return { kind: 'run.cancel-requested', detail: 'via Temporal' };
  if (event.timerFiredEventAttributes) return { kind: 'timer.fired' };
  return undefined;
}

function first(payloads: Payloads): unknown {
  const payload = payloads?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
}

function innermostMessage(failure: temporal.api.failure.v1.IFailure | null | undefined): string {
  let current = failure;
  while (current?.cause) current = current.cause;
  return current?.message ?? 'unknown failure';
}

function eventTime(event: HistoryEvent): string {
  const seconds = Number(event.eventTime?.seconds ?? 0);
  const nanos = event.eventTime?.nanos ?? 0;
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}
