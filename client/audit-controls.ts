/**
 * "Show me everything for CC7.4 this quarter": across the runs that declare a control (the
 * QuellControls search attribute) and started in the window, each run's dossier is built from its
 * history and its controls entry read: which steps satisfied the control, how they ended, and
 * the evidence (with SHA-256) they kept.
 */
import type { Client } from '@temporalio/client';
import { dossierEntries } from '../reports/audit/dossier';
import type { ControlsEntryData, OutcomeEntryData, RunEntryData } from '../reports/audit/dossier-types';
import { fetchDecodedRunHistory } from './decoded-history';
import { streamRuns } from './list-runs';

export interface ControlRun {
  workflowId: string;
  runbook: string;
  incidentId: string;
  mode: string;
  drillId?: string;
  startedAt: string;
  status: string;
  steps: Array<{ stepId: string; status: string }>;
  evidence: Array<{ stepId: string; name: string; sha256: string }>;
}

export interface ControlReport {
  control: string;
  runs: ControlRun[];
}

export interface ControlsRequest {
  since: Date;
  /** One control id; absent: every control any run in the window declares. */
  control?: string;
  taskQueue?: string;
  onRun?(seen: number): void;
}

export async function controlsReport(client: Client, request: ControlsRequest): Promise<ControlReport[]> {
  const byControl = new Map<string, ControlRun[]>();
  let seen = 0;
  const filter = { startedAfter: request.since, ...(request.control ? { control: request.control } : {}), ...(request.taskQueue ? { taskQueue: request.taskQueue } : {}) };
  for await (const summary of streamRuns(client, filter, { pageSize: 200 })) {
    if (!summary.controls?.length) continue;
    const history = await fetchDecodedRunHistory(client, summary.workflowId);
    const entries = dossierEntries(history, { workflowId: summary.workflowId, namespace: client.options.namespace });
    const run = entries.find((entry) => entry.kind === 'run')!.data as RunEntryData;
    const outcome = entries.find((entry) => entry.kind === 'outcome')!.data as OutcomeEntryData;
    const controls = (entries.find((entry) => entry.kind === 'controls')!.data as ControlsEntryData).controls;
    for (const item of controls) {
      if (request.control !== undefined && item.control !== request.control) continue;
      const list = byControl.get(item.control) ?? [];
      list.push({
        workflowId: run.workflowId,
        runbook: `${run.runbook.id} v${run.runbook.version}`,
        incidentId: run.incidentId,
        mode: run.drillId ? 'drill' : run.mode,
        ...(run.drillId ? { drillId: run.drillId } : {}),
        startedAt: run.startedAt,
        status: outcome.status,
        steps: item.steps,
        evidence: item.evidence,
      });
      byControl.set(item.control, list);
    }
    seen += 1;
    request.onRun?.(seen);
  }
  return [...byControl.entries()].map(([control, runs]) => ({ control, runs: runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt)) })).sort((a, b) => a.control.localeCompare(b.control));
}
