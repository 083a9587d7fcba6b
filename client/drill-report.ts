/**
 * The drill report for every surface: fetch the Temporal histories of a drill, its run, its
 * follow-ups and its debrief, and build the report from them (reports/drill/build.ts). Reads
 * histories only, so it works on closed drills and with no worker running.
 */
import type { Client } from '@temporalio/client';
import { buildDrillReport, type DrillHistories } from '../reports/drill/build';
import { ReportInputError } from '../reports/drill/drill-facts';
import { fetchDrillHistoriesWith, isWorkflowNotFound } from '../reports/drill/fetch-histories';
import type { DrillReport } from '../reports/drill/report-types';
import { decodingHistoryReader } from './decoded-history';
import { QuellClientError } from './errors';
import { checkWorkflowId } from './runs';

/** The histories a drill report is built from; absent ones are left out (a run that never started, no debrief yet). */
export async function fetchDrillHistories(client: Client, drillId: string): Promise<DrillHistories> {
  checkDrillId(drillId);
  try {
    return await fetchDrillHistoriesWith(decodingHistoryReader(client), drillId);
  } catch (error) {
    if (error instanceof ReportInputError) throw new QuellClientError(error.reason === 'not-found' ? 'not-found' : 'invalid-input', `drillId: ${error.message}`, { cause: error });
    throw error;
  }
}

/** The after-action report of a drill, as of now (or `generatedAt`). */
export async function getDrillReport(client: Client, drillId: string, options: { generatedAt?: Date } = {}): Promise<DrillReport> {
  const histories = await fetchDrillHistories(client, drillId);
  try {
    return buildDrillReport(histories, options);
  } catch (error) {
    if (error instanceof ReportInputError) throw new QuellClientError('invalid-input', `drillId: ${error.message}`, { cause: error });
    throw error;
  }
}

function checkDrillId(drillId: string): void {
  try {
    checkWorkflowId(drillId);
  } catch (error) {
    throw new QuellClientError('invalid-input', `drillId: ${error instanceof Error ? error.message.replace(/^run id /, '') : String(error)}`, { cause: error });
  }
}

export { isWorkflowNotFound };
