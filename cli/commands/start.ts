/** `quell start <runbook>`: validate inputs, refuse what cannot run, start under a deterministic id. */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadApproversConfigOrThrow } from '../../activities/approvers/approvers-file';
import { approvalProblems } from '../../activities/approvers/readiness';
import { loadLiveSetup } from '../../activities/build-deps';
import { configurationProblems, describeReadinessProblems } from '../../activities/live-readiness';
import pino from 'pino';
import { startRun } from '../../client/runs';
import { validateRunInputs } from '../../runbooks/inputs';
import type { Runbook } from '../../runbooks/schema';
import { requiredActions } from '../../workflows/required-actions';
import type { CliContext } from '../context';
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
      const config = ctx.getConfig();
      const found = await findRunbook(reference, config.runbooksDir);
      const mode = options.tabletop ? 'tabletop' : 'live';
      const inputs = parseInputs(options.input);
      // Configuration only (no secrets, no network): the worker re-checks, probes included.
      const required = requiredActions(found.runbook, { inputs: validatedOrNone(found.runbook, inputs), run: {} });
      const problems =
        mode === 'live'
          ? [
              ...configurationProblems(required, loadLiveSetup(config, silentLogger, { resolveSecrets: false, env: ctx.env })),
              ...approvalProblems(required, config.approversFile ? loadApproversConfigOrThrow(config.approversFile) : undefined),
            ]
          : [];
      const handle = await startRun(await ctx.getClient(), {
        runbook: found.runbook,
        runbookSha256: found.sha256,
        inputs,
        mode,
        requestedBy: ctx.actor(options.as),
        requestedVia: 'cli',
        incidentId: options.incident ?? newIncidentId(),
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

/** The run's inputs as the workflow will see them; none if invalid (startRun then says why). */
function validatedOrNone(runbook: Runbook, inputs: Record<string, unknown>): Record<string, unknown> {
  const validated = validateRunInputs(runbook, inputs);
  return validated.ok ? validated.values : {};
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `k=v` pairs; a key given more than once becomes a list. */
export function parseInputs(pairs: string[]): Record<string, string | string[]> {
  const inputs: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--input "${pair}" must look like key=value`);
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1);
    const existing = inputs[key];
    inputs[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return inputs;
}

function newIncidentId(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `INC-${day}-${randomBytes(3).toString('hex')}`;
}
