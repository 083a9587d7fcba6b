/**
 * The archive on a Temporal Schedule: every `every`, the worker archives the runs of this
 * deployment (its task queue) that closed in the last `window` (workflows/audit-archive.ts). One
 * schedule per task queue; setting it again replaces its timing. Skips a pass while the previous
 * one still runs, and catches up a missed pass within a day.
 */
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { parseDuration } from '../common/duration';
import { excerpt } from '../common/text-safety';
import type { auditArchive } from '../workflows';
import type { AuditArchiveInput } from '../workflows/audit-archive';
import { QuellClientError } from './errors';
import { listRunsQuery } from './list-query';

export interface ArchiveScheduleRequest {
  taskQueue: string;
  /** How often a pass starts, e.g. `24h`. */
  every: string;
  /** How far back each pass looks, e.g. `72h`: longer than `every`, so a missed pass is covered. */
  window: string;
  store?: string;
}

export interface ArchiveScheduleView {
  scheduleId: string;
  every: string;
  window: string;
  store?: string;
  paused: boolean;
  nextRuns: string[];
  recentRuns: Array<{ workflowId: string; at: string }>;
}

const MIN_EVERY_MS = 60_000;

export function archiveScheduleId(taskQueue: string): string {
  return `quell-audit-archive:${taskQueue}`;
}

function durationOf(flag: string, value: string): number {
  const parsed = parseDuration(value.trim());
  if (!parsed.ok) throw new QuellClientError('invalid-input', `${flag} "${excerpt(value, 40)}": ${parsed.message}`);
  return parsed.ms;
}

export async function setArchiveSchedule(client: Client, request: ArchiveScheduleRequest): Promise<ArchiveScheduleView> {
  const everyMs = durationOf('--every', request.every);
  const windowMs = durationOf('--window', request.window);
  if (everyMs < MIN_EVERY_MS) throw new QuellClientError('invalid-input', `--every "${excerpt(request.every, 40)}" is shorter than a minute`);
  if (windowMs <= everyMs) throw new QuellClientError('invalid-input', `--window (${request.window}) must be longer than --every (${request.every}), or runs that close between two passes are missed`);
  const scheduleId = archiveScheduleId(request.taskQueue);
  const input: AuditArchiveInput = { windowMs, scopeQuery: listRunsQuery({ taskQueue: request.taskQueue }), ...(request.store ? { store: request.store } : {}) };
  const options = {
    spec: { intervals: [{ every: everyMs }] },
    action: { type: 'startWorkflow' as const, workflowType: 'auditArchive', taskQueue: request.taskQueue, workflowId: `${scheduleId}:pass`, args: [input] as [AuditArchiveInput] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d' as const },
    state: { note: `every ${request.every}, window ${request.window}${request.store ? `, into ${request.store}` : ''}` },
  };
  const handle = client.schedule.getHandle(scheduleId);
  try {
    await handle.update<typeof auditArchive>((previous) => ({ ...previous, ...options, state: { ...previous.state, note: options.state.note } }));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await client.schedule.create<typeof auditArchive>({ scheduleId, ...options });
  }
  return describeArchiveSchedule(client, request.taskQueue);
}

export async function describeArchiveSchedule(client: Client, taskQueue: string): Promise<ArchiveScheduleView> {
  const scheduleId = archiveScheduleId(taskQueue);
  try {
    const description = await client.schedule.getHandle(scheduleId).describe();
    const input = (description.action as { args?: unknown[] }).args?.[0] as AuditArchiveInput | undefined;
    const every = description.spec.intervals?.[0]?.every;
    return {
      scheduleId,
      every: typeof every === 'number' ? `${Math.round(every / 60_000)}m` : String(every ?? 'unknown'),
      window: input ? `${Math.round(input.windowMs / 60_000)}m` : 'unknown',
      ...(input?.store ? { store: input.store } : {}),
      paused: description.state.paused,
      nextRuns: description.info.nextActionTimes.slice(0, 3).map((time) => time.toISOString()),
      recentRuns: description.info.recentActions.map((action) => ({ workflowId: action.action.workflow.workflowId, at: action.takenAt.toISOString() })),
    };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw new QuellClientError('not-found', `no archive schedule for task queue ${taskQueue} (set one with quell audit archive-schedule set)`);
    throw error;
  }
}

export async function deleteArchiveSchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.getHandle(archiveScheduleId(taskQueue)).delete();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw new QuellClientError('not-found', `no archive schedule for task queue ${taskQueue}`);
    throw error;
  }
}
