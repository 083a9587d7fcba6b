/**
 * Accounts for every event of the history: cited by some dossier entry, or left out for a stated
 * reason and counted. The auditor view drops Quell's plumbing (workflow tasks, Slack publishing,
 * timers, markers), but `cited + Σ omitted = historyEventCount` always holds, so nothing vanishes
 * without a number saying so.
 */
import type { DecodedEvent } from '../drill/history';
import type { CoverageEntryData } from './dossier-types';

const CITING_FIELDS = new Set(['eventIds', 'eventId', 'acceptedEventId', 'completedEventId', 'startEventId', 'closeEventId', 'notifyEventIds', 'scheduledEventId', 'endEventId', 'initiatedEventId', 'startedEventId', 'closedEventId']);
/** Data people or runbooks wrote (a runbook, inputs, form fields): a key there that looks like a citation is not one. */
const NOT_CITING = new Set(['definition', 'inputs', 'fields']);

/** Every event id named by a citing field anywhere in the entries' data. */
export function citedEventIds(data: unknown, into = new Set<number>()): Set<number> {
  if (Array.isArray(data)) for (const item of data) citedEventIds(item, into);
  else if (data && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) {
      // Braced: an unbraced else would pair with the inner if and never look into nested entries.
      if (CITING_FIELDS.has(key)) {
        for (const id of [value].flat()) if (typeof id === 'number') into.add(id);
      } else if (typeof value === 'object' && !NOT_CITING.has(key)) citedEventIds(value, into);
    }
  }
  return into;
}

/** Why an event that no entry cites was left out. */
function omissionReason(event: DecodedEvent, activityTypes: Map<number, string>): string {
  if (event.type.startsWith('WorkflowTask')) return 'workflow tasks (engine bookkeeping)';
  if (event.kind === 'activity-scheduled' || event.kind === 'activity-started' || event.kind === 'activity-completed' || event.kind === 'activity-failed' || event.kind === 'activity-timed-out') {
    const type = event.kind === 'activity-scheduled' ? event.activityType : (activityTypes.get(event.scheduledEventId) ?? '');
    if (/slack/i.test(type) || type === 'postDrillSummary') return 'Slack publishing';
    if (event.kind === 'activity-started') return 'activity attempts (counted on their step)';
    return `engine activities (${type || 'unknown'})`;
  }
  if (event.type.startsWith('ActivityTask')) return 'activity cancellation requests';
  if (event.type.startsWith('Timer')) return 'timers (deadlines, reminders, drill clock)';
  if (event.type === 'MarkerRecorded') return 'version markers';
  if (event.type === 'UpsertWorkflowSearchAttributes' || event.type === 'WorkflowPropertiesModified') return 'search attribute updates';
  if (event.kind === 'signaled') return `signals (${event.signalName})`;
  if (event.kind === 'update-accepted' || event.kind === 'update-completed') return 'Updates refused by the workflow';
  return `other (${event.type})`;
}

export function coverageOf(events: readonly DecodedEvent[], cited: ReadonlySet<number>): Omit<CoverageEntryData, 'historySha256'> {
  const activityTypes = new Map<number, string>();
  for (const event of events) if (event.kind === 'activity-scheduled') activityTypes.set(event.id, event.activityType);
  // An attempt of a cited activity belongs to it: the step entry carries the attempt count.
  const citedAttempts = events.filter((event) => event.kind === 'activity-started' && cited.has(event.scheduledEventId)).map((event) => event.id);
  const all = new Set([...cited, ...citedAttempts]);
  const groups = new Map<string, { count: number; eventTypes: Record<string, number> }>();
  let citedEvents = 0;
  for (const event of events) {
    if (all.has(event.id)) {
      citedEvents += 1;
      continue;
    }
    const reason = omissionReason(event, activityTypes);
    const group = groups.get(reason) ?? { count: 0, eventTypes: {} };
    group.count += 1;
    group.eventTypes[event.type] = (group.eventTypes[event.type] ?? 0) + 1;
    groups.set(reason, group);
  }
  const omitted = [...groups.entries()].map(([reason, group]) => ({ reason, ...group })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { historyEventCount: events.length, citedEvents, omitted };
}
