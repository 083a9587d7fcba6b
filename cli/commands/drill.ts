/**
 * `quell drill …`: start a drill of a scenario, show it, and steer it (pause, resume, inject,
 * skip, note, end; see ./drill-controls.ts). Every line printed about a drill is marked as an
 * exercise.
 */
import type { Command } from 'commander';
import { EXERCISE_ID_PATTERN, EXERCISE_ID_RULE, getDrillState, startDrill } from '../../client/drills';
import { excerpt } from '../../common/text-safety';
import { drillRunWorkflowId } from '../../common/drill-state';
import { checkedReference } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal } from '../display';
import { usageFailure } from '../failure';
import { registerDrillAfterAction } from './drill-after-action';
import { registerDrillControls } from './drill-controls';
import { registerDrillRecord } from './drill-record';
import { registerDrillReport } from './drill-report';
import { registerDrillSchedule } from './drill-schedule';
import { renderDrillStarted, renderDrillState } from './drill-render';
import { findScenario } from './drill-scenario';

export function registerDrill(program: Command, ctx: CliContext): void {
  const drill = program.command('drill').description('tabletop drills: play a scenario of timed injects over a tabletop run');
  drill
    .command('start <scenario>')
    .description('start a drill of a scenario (its id in the runbooks folder, or a path to a *.drill.yaml file)')
    .option('--exercise <id>', 'exercise id (default: the current UTC time); the same scenario+exercise never runs twice')
    .option('--as <user>', 'who starts the drill (default: $QUELL_USER or $USER)')
    .option('--probe-readiness', 'also ask the live connectors, read-only, whether each simulated action would have worked (see drill status)')
    .option('--json', 'print machine-readable JSON')
    .action(async (reference: string, options: { exercise?: string; as?: string; json?: boolean; probeReadiness?: boolean }) => {
      const requestedBy = ctx.actor(options.as);
      const exerciseId = options.exercise ?? newExerciseId();
      if (!EXERCISE_ID_PATTERN.test(exerciseId)) throw usageFailure(`--exercise "${excerpt(exerciseId, 60)}" is not valid: ${EXERCISE_ID_RULE}`);
      const config = ctx.getConfig();
      const found = await findScenario(reference, config.runbooksDir);
      const handle = await startDrill(await ctx.getClient(), {
        scenario: found.scenario,
        scenarioSha256: found.sha256,
        runbook: found.runbook.runbook,
        runbookSha256: found.runbook.sha256,
        followUpRunbooks: found.followUpRunbooks,
        exerciseId,
        requestedBy,
        requestedVia: 'cli',
        taskQueue: config.taskQueue,
        ...(options.probeReadiness ? { probeReadiness: true } : {}),
      });
      const childWorkflowId = drillRunWorkflowId(handle.workflowId);
      const started = { drillId: handle.workflowId, runId: handle.firstExecutionRunId, scenario: found.scenario.scenario, childWorkflowId, exercise: true };
      ctx.io.stdout(options.json ? JSON.stringify(started) : renderDrillStarted(handle.workflowId, childWorkflowId));
    });
  drill
    .command('status <drillId>')
    .description("show a drill's status, drill time, injects and notes")
    .option('--json', 'print the drill state as JSON')
    .action(async (drillId: string, options: { json?: boolean }) => {
      checkedReference('<drillId>', drillId);
      const state = await getDrillState(await ctx.getClient(), drillId);
      ctx.io.stdout(options.json ? jsonForTerminal({ exercise: true, ...state }) : renderDrillState(state));
    });
  registerDrillControls(drill, ctx);
  registerDrillAfterAction(drill, ctx);
  registerDrillSchedule(drill, ctx);
  registerDrillRecord(drill, ctx);
  registerDrillReport(drill, ctx);
}

/** "20261205-033640": sortable, and unique enough for one facilitator starting drills by hand. */
function newExerciseId(): string {
  return new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}
