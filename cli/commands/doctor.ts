/**
 * `quell doctor`: probes every connector in the connectors file (reachability, credentials,
 * permissions), then checks the approval policy (the approvers file, the approver groups the
 * runbooks' gates name, the Slack user groups it lists) and the Slack app's settings, and prints
 * one row per check. Run it where the worker runs: it reads the same secrets.
 *
 * Exit codes: 2 when the connectors file is missing or invalid (an unresolvable secret included;
 * nothing is probed), 1 when any row fails or the file configures no connector, 0 otherwise.
 */
import type { Command } from 'commander';
import pino from 'pino';
import { loadConnectorsConfigOrThrow } from '../../connectors/connectors-file';
import type { CliContext } from '../context';
import { CliFailure } from '../context';
import { approverRows } from '../doctor/approvers';
import { probeConnectors } from '../doctor/probe-connectors';
import type { DoctorRow } from '../doctor/row';
import { slackAppRows } from '../doctor/slack-app';

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check every configured live connector, the approvers file and the Slack app: reachability, credentials, permissions')
    .option('--json', 'print the checks as a JSON array')
    .action(async (options: { json?: boolean }) => {
      const config = ctx.getConfig();
      if (!config.connectorsFile) {
        throw new CliFailure('no connectors file: set QUELL_CONNECTORS_FILE to the YAML file that configures live connectors', 2);
      }
      const logger = pino({ level: 'silent' });
      const connectors = loadConnectorsConfigOrThrow(config.connectorsFile, ctx.env);
      // Loaded here, not at the top: the connectors pull in every cloud SDK, which would slow
      // down every other command (and every refusal) by most of a second.
      const { buildLiveSetup } = await import('../../activities/live-setup');
      const setup = await buildLiveSetup(connectors, { logger, dataDir: config.dataDir });
      const rows: DoctorRow[] = await probeConnectors([...setup.connectors.values()]);
      const connectorRows = rows.length;
      rows.push(...slackAppRows(connectors.slack));
      rows.push(...(await approverRows({ approversFile: config.approversFile, runbooksDir: config.runbooksDir, slack: connectors.slack, logger })));
      if (options.json) ctx.io.stdout(JSON.stringify(rows, null, 2));
      else ctx.io.stdout(renderTable(rows));
      const failing = rows.filter((row) => !row.ok);
      if (connectorRows === 0) throw new CliFailure(`${config.connectorsFile} configures no connectors`, 1);
      if (failing.length > 0) {
        throw new CliFailure(`${failing.length} of ${rows.length} checks failed (${[...new Set(failing.map((r) => r.connector))].join(', ')})`, 1);
      }
    });
}

function renderTable(rows: DoctorRow[]): string {
  const header = ['CONNECTOR', 'CHECK', 'RESULT', 'DETAIL'];
  const cells = rows.map((row) => [row.connector, row.name, row.ok ? 'ok' : 'FAIL', row.detail]);
  const widths = header.slice(0, 3).map((title, i) => Math.max(title.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => [...c.slice(0, 3).map((text, i) => text.padEnd(widths[i])), c[3]].join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}
