/** `quell start <runbook>`: validate inputs, refuse what cannot run, start under a deterministic id. */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { createLivePreflight } from '../../client/preflight';
import { startRun } from '../../client/runs';
import { formatInputProblems, validateRunInputs } from '../../runbooks/inputs';
import { checkedIncident } from '../checks';
import type { CliContext } from '../context';
import { usageFailure } from '../failure';
import { parseInputPairs } from '../input-pairs';
import { childRunbooksFor, findRunbook } from '../runbook-catalogue';
import { followRun } from '../follow';
import { renderStarted } from '../render';

interface StartOptions {
  input: string[];
  tabletop?: boolean;
  incident?: string;
  as?: string;
  wait?: boolean;
  json?: boolean;
}

export function registerStart(program: Command, ctx: CliContext): void {
  program
    .command('start <runbook>')
    .description('start a run of a runbook (by id, or a path to a YAML file)')
    .option('-i, --input <key=value>', 'an input value; repeat for several, or for list items', collect, [])
    .option('--tabletop', 'run as a tabletop exercise: no side effects, real humans')
    .option('--incident <id>', 'incident id (default: a new one); the same runbook+incident never runs twice')
    .option('--as <user>', 'who is requesting the run (default: $QUELL_USER or $USER)')
    .option('--wait', 'follow the run until it ends, showing progress on stderr')
    .option('--json', 'print machine-readable JSON')
    .action(async (reference: string, options: StartOptions) => {
      // Everything typed is checked before any file is read or server contacted: a refusal is
      // fast, names the flag or input, and leaves nothing behind.
      const requestedBy = ctx.actor(options.as);
      const incidentId = options.incident === undefined ? newIncidentId() : checkedIncident(options.incident);
      const given = parseInputPairs(options.input);
      const config = ctx.getConfig();
      const found = await findRunbook(reference, config.runbooksDir);
      const mode = options.tabletop ? 'tabletop' : 'live';
      const validated = validateRunInputs(found.runbook, given);
      if (!validated.ok) throw usageFailure(formatInputProblems(validated.problems));
      // Configuration only (no secrets, no clients, no network): the worker re-checks, probes included.
      const refusal = mode === 'live' ? createLivePreflight({ ...config, env: ctx.env })(found.runbook, given) : undefined;
      const handle = await startRun(await ctx.getClient(), {
        runbook: found.runbook,
        runbookSha256: found.sha256,
        inputs: given,
        mode,
        requestedBy,
        requestedVia: 'cli',
        incidentId,
        taskQueue: config.taskQueue,
        ...(refusal ? { liveRefusal: refusal } : {}),
        ...(await childRunbooksFor(found.runbook, config.runbooksDir)),
      });
      const started = { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, runbook: found.runbook.id, mode };
      if (!options.wait) {
        ctx.io.stdout(options.json ? JSON.stringify(started) : renderStarted(handle.workflowId, mode));
        return;
      }
      if (!options.json) ctx.io.stderr(renderStarted(handle.workflowId, mode));
      await followRun(ctx, handle.workflowId, { json: options.json ?? false });
    });
}

/** Appends in place: copying the list per flag would make many flags quadratic. */
function collect(value: string, previous: string[]): string[] {
  previous.push(value);
  return previous;
}

function newIncidentId(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `INC-${day}-${randomBytes(3).toString('hex')}`;
}
