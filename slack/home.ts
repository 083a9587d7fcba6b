/**
 * Gathers what App Home shows for one person and publishes it (views.publish). Open runs are
 * listed through visibility, then each is asked for its state: visibility knows which runs are
 * open, only the run knows its gates and who may decide on them.
 */
import type { WebClient } from '@slack/web-api';
import { listRuns, type RunSummary } from '../client/list-runs';
import { getRunState } from '../client/runs';
import type { RunState } from '../common/run-state';
import type { AppContext } from './context';
import { buildHomeView, mayDecide, type HomeData, type RunStep } from './home-view';
import { slackError } from './reply';

/** Open runs inspected per publish; more than this and Home says to use `/quell list`. */
const OPEN_RUNS_INSPECTED = 25;
const RECENT_RUNS = 10;
/** Concurrent state queries, so one Home refresh cannot flood the Temporal frontend. */
const QUERY_CONCURRENCY = 5;

export async function gatherHome(ctx: AppContext, userId: string, notice?: string): Promise<HomeData> {
  const data: HomeData = { userId, gates: [], tasks: [], recent: [], ...(notice ? { notice } : {}) };
  try {
    const [open, recent] = await Promise.all([
      listRuns(ctx.temporal, { taskQueue: ctx.taskQueue, open: true, limit: OPEN_RUNS_INSPECTED }),
      listRuns(ctx.temporal, { taskQueue: ctx.taskQueue, limit: RECENT_RUNS }),
    ]);
    data.recent = recent;
    for (const state of await statesOf(ctx, open)) {
      for (const step of state.steps) {
        if (step.status !== 'waiting') continue;
        const entry: RunStep = { state, step };
        if (step.approval && !step.approval.outcome && mayDecide(userId, state, step.approval)) data.gates.push(entry);
        else if (step.wait || step.manual) data.tasks.push(entry);
      }
    }
  } catch (error) {
    ctx.logger.warn({ err: error }, 'App Home: runs could not be read');
    data.problem = 'Quell could not read the runs just now (Temporal did not answer). Open this tab again in a moment.';
  }
  return data;
}

async function statesOf(ctx: AppContext, runs: RunSummary[]): Promise<RunState[]> {
  const states: RunState[] = [];
  for (let at = 0; at < runs.length; at += QUERY_CONCURRENCY) {
    const batch = await Promise.allSettled(runs.slice(at, at + QUERY_CONCURRENCY).map((run) => getRunState(ctx.temporal, run.workflowId)));
    // A run that closed between the listing and the query simply drops out.
    for (const result of batch) if (result.status === 'fulfilled') states.push(result.value);
  }
  return states;
}

export async function publishHome(ctx: AppContext, client: WebClient, userId: string, notice?: string): Promise<void> {
  const view = buildHomeView(await gatherHome(ctx, userId, notice));
  try {
    await client.views.publish({ user_id: userId, view });
  } catch (error) {
    ctx.logger.warn({ err: slackError(error), user: userId }, 'App Home could not be published');
  }
}
