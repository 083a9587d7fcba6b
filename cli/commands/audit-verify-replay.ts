/**
 * `quell audit verify --replay`: does today's workflow code reproduce a recorded run? The run's
 * history (fetched from Temporal, or read from an exported JSON file) is replayed against the
 * code with no worker running; a determinism violation means this code would not have made that
 * run.
 *
 * The replay machinery (the Temporal worker library, webpack) is loaded only when a replay is
 * asked for: every other command would otherwise pay for it at start.
 */
import type { ReplayVerdict } from '../../client/audit-replay';
import { withExerciseMark } from '../../common/exercise';
import { PayloadKeysConfigError, payloadDataConverter } from '../../config/codec/payload-data-converter';
import { fetchStoredRunHistory } from '../../client/decoded-history';
import { checkedReference } from '../checks';
import { CliFailure, type CliContext } from '../context';
import { jsonForTerminal, shownLine } from '../display';
import { usageFailure } from '../failure';

/** What to replay: a run in Temporal by id, or an exported history file. */
export type ReplayTarget = { workflowId: string; historyFile?: undefined } | { historyFile: string; workflowId?: string };

export interface VerifyReplayOptions {
  /** Print the verdict as JSON (still exits 1 when not reproduced). */
  json?: boolean;
}

/**
 * Replays the target and prints the verdict. Not reproduced is a failure (exit 1), so scripts and
 * CI can gate on it; the message names the mismatch the SDK found.
 */
export async function verifyReplay(ctx: CliContext, target: ReplayTarget, options: VerifyReplayOptions = {}): Promise<ReplayVerdict> {
  const { readHistoryFile, replayHistory } = await import('../../client/audit-replay');
  const history = target.historyFile !== undefined ? readHistoryFile(target.historyFile) : await fetchStoredRunHistory(await ctx.getClient(), target.workflowId);
  // A history written under the payload codec replays only through it (the code reads its inputs).
  const dataConverter = configuredDataConverter(ctx);
  const release = await quietReplayRuntime();
  let verdict: ReplayVerdict;
  try {
    verdict = await replayHistory(history, { ...(target.workflowId !== undefined ? { workflowId: target.workflowId } : {}), ...(dataConverter ? { dataConverter } : {}) });
  } finally {
    await release();
  }
  const subject = `${shownLine(verdict.workflowId)} (${verdict.workflowType}, ${verdict.eventCount} events)`;
  if (options.json) ctx.io.stdout(jsonForTerminal(verdict));
  else if (verdict.reproduced) ctx.io.stdout(withExerciseMark(verdict.mode, `reproduced: this code replays ${subject} deterministically`));
  if (!verdict.reproduced) throw new CliFailure(withExerciseMark(verdict.mode, `NOT reproduced: this code does not replay ${subject}: ${shownLine(verdict.detail)}`));
  return verdict;
}

/** The payload codec as the configuration sets it (as the CLI's client gets it), or none. */
function configuredDataConverter(ctx: CliContext): ReturnType<typeof payloadDataConverter> {
  try {
    return payloadDataConverter(ctx.getConfig(), ctx.env);
  } catch (error) {
    if (error instanceof PayloadKeysConfigError) throw usageFailure(error.message);
    throw error;
  }
}

/**
 * The SDK logs a replay's worker start and stop at info, core logs the failed workflow task of a
 * nondeterministic replay as a warning, and a workflow that cannot start is logged with its stack,
 * all on the terminal. The verdict already says what failed, in one line, so a CLI process gets a
 * runtime that prints nothing; whatever is not a replay verdict still reaches the person as the
 * command's error. A process that set up its own runtime (the worker, tests) keeps it. The returned function shuts the runtime down if
 * it is still installed: a runtime left installed (a replay that failed before its worker
 * ran) would keep the process from exiting.
 */
async function quietReplayRuntime(): Promise<() => Promise<void>> {
  const { DefaultLogger, Runtime } = await import('@temporalio/worker');
  if (Runtime._instance !== undefined) return async () => {};
  const runtime = Runtime.install({
    logger: new DefaultLogger('ERROR', () => undefined),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  });
  return async () => {
    // A replay worker that ran has already shut its idle runtime down and unset it.
    if (Runtime._instance === runtime) await runtime.shutdown();
  };
}

/** Reads `<run>` / `--history FILE` / `--workflow-id` into a target, refusing what cannot be one. */
export function replayTargetFrom(run: string | undefined, options: { history?: string; workflowId?: string }): ReplayTarget {
  if (options.history !== undefined) {
    if (run !== undefined) throw usageFailure('give either a run id or --history FILE, not both');
    if (!options.history.trim()) throw usageFailure('--history is empty: name the exported history JSON file');
    return { historyFile: options.history, ...(options.workflowId !== undefined ? { workflowId: checkedReference('--workflow-id', options.workflowId) } : {}) };
  }
  if (options.workflowId !== undefined) throw usageFailure('--workflow-id goes with --history (a run fetched by id already has its id)');
  if (run === undefined) throw usageFailure('name the run to replay, or an exported history with --history FILE');
  return { workflowId: checkedReference('<run>', run) };
}
