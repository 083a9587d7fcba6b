/** `quell start <runbook>`: validate inputs, refuse what cannot run, start under a deterministic id. */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadApproversConfigOrThrow } from '../../activities/approvers/approvers-file';
import { approvalProblems } from '../../activities/approvers/readiness';
import { configurationProblems, describeReadinessProblems } from '../../activities/live-readiness';
import pino from 'pino';
import { startRun } from '../../client/runs';
import { formatInputProblems, validateRunInputs } from '../../runbooks/inputs';
import { requiredActions } from '../../workflows/required-actions';
import { checkedIncident } from '../checks';
import type { CliContext } from '../context';
import { usageFailure } from '../failure';
import { parseInputPairs } from '../input-pairs';
import { findRunbook } from '../runbook-catalogue';
import { followRun } from '../follow';

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
      // Configuration only (no secrets, no network): the worker re-checks, probes included.
      const required = requiredActions(found.runbook, { inputs: validated.values, run: {} });
      const liveProblems = async () => {
        // Loaded only for live runs: the connectors pull in every cloud SDK (most of a second).
        const { loadLiveSetup } = await import('../../activities/build-deps');
        return [
          ...configurationProblems(required, loadLiveSetup(config, silentLogger, { resolveSecrets: false, env: ctx.env })),
          ...approvalProblems(required, config.approversFile ? loadApproversConfigOrThrow(config.approversFile) : undefined),
        ];
      };
      const problems = mode === 'live' ? await liveProblems() : [];
      const handle = await startRun(await ctx.getClient(), {
        runbook: found.runbook,
        runbookSha256: found.sha256,
        inputs: given,
        mode,
        requestedBy,
        requestedVia: 'cli',
        incidentId,
        taskQueue: config.taskQueue,
        ...(problems.length > 0 ? { liveRefusal: describeReadinessProblems(problems) } : {}),
      });
      const started = { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, runbook: found.runbook.id, mode };
      if (!options.wait) {
        ctx.io.stdout(options.json ? JSON.stringify(started) : `started ${handle.workflowId}`);
        return;
      }
      if (!options.json) ctx.io.stderr(`started ${handle.workflowId}`);
      await followRun(ctx, handle.workflowId, { json: options.json ?? false });
    });
}

const silentLogger = pino({ level: 'silent' });

/** Appends in place: copying the list per flag would make many flags quadratic. */
function collect(value: string, previous: string[]): string[] {
  previous.push(value);
  return previous;
}

function newIncidentId(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `INC-${day}-${randomBytes(3).toString('hex')}`;
}
