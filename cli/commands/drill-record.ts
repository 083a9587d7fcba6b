/**
 * `quell drill record <drillId> [--out DIR] [--name NAME]`: saves the Temporal histories of a
 * closed drill, its run and its follow-up runs, with a manifest, as replay fixtures. By default
 * into this checkout's test/fixtures/histories/drills/<name>/, where `npm test` replays every
 * recording against today's workflow code.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { defaultRecordingName, recordDrill, RECORDING_NAME_PATTERN, RECORDING_NAME_RULE, writeDrillRecording } from '../../client/drill-record';
import { REPO_ROOT } from '../../config/environment';
import { excerpt } from '../../common/text-safety';
import { checkedReference } from '../checks';
import type { CliContext } from '../context';
import { shownLine } from '../display';
import { usageFailure } from '../failure';
import { renderControl } from './drill-render';

/** Where recordings go unless --out says otherwise: the folder the replay tests read. */
export const DEFAULT_RECORDINGS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'histories', 'drills');

export function registerDrillRecord(drill: Command, ctx: CliContext): void {
  drill
    .command('record <drillId>')
    .description("save a closed drill's histories (drill, run, follow-ups) and a manifest as replay fixtures")
    .option('--out <dir>', "folder the recording's folder goes in (default: test/fixtures/histories/drills of this checkout)")
    .option('--name <name>', "the recording's folder name (default: the drill id without quell-drill:)")
    .action(async (drillId: string, options: { out?: string; name?: string }) => {
      checkedReference('<drillId>', drillId);
      const name = options.name ?? defaultRecordingName(drillId);
      if (!RECORDING_NAME_PATTERN.test(name)) throw usageFailure(`--name "${excerpt(name, 80)}" is not valid: ${RECORDING_NAME_RULE}`);
      if (options.out !== undefined && options.out.trim() === '') throw usageFailure('--out is empty: give a folder');
      const dir = path.resolve(options.out ?? DEFAULT_RECORDINGS_DIR, name);

      const recording = await recordDrill(await ctx.getClient(), drillId);
      writeDrillRecording(recording, dir);
      const { manifest } = recording;
      ctx.io.stdout(renderControl(`drill ${drillId} recorded into ${shownLine(dir)} (scenario ${shownLine(manifest.scenario.id)} sha256 ${manifest.scenario.sha256})`));
      for (const entry of manifest.histories) {
        ctx.io.stdout(renderControl(`  ${entry.file}: ${entry.workflowType} ${shownLine(entry.workflowId)} (${entry.events} events; Temporal closed it as ${entry.closedAs.toLowerCase()})`));
      }
    });
}
