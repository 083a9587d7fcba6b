/**
 * `quell doctor`: probes every connector in the connectors file (reachability, credentials,
 * permissions) and prints one row per probe. Run it where the worker runs: it reads the same
 * secrets. Exit 1 when any probe fails.
 */
import type { Command } from 'commander';
import pino from 'pino';
import { loadLiveSetup } from '../../activities/build-deps';
import type { ConnectorProbe } from '../../activities/live/connector';
import type { CliContext } from '../context';
import { CliFailure } from '../context';

interface DoctorRow extends ConnectorProbe {
  connector: string;
  description: string;
}

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check every configured live connector: reachability, credentials, permissions')
    .option('--json', 'print the probes as a JSON array')
    .action(async (options: { json?: boolean }) => {
      const config = ctx.getConfig();
      if (!config.connectorsFile) {
        throw new CliFailure('no connectors file: set QUELL_CONNECTORS_FILE to the YAML file that configures live connectors', 2);
      }
      const setup = loadLiveSetup(config, pino({ level: 'silent' }), { env: ctx.env });
      const rows: DoctorRow[] = [];
      for (const connector of setup.connectors.values()) {
        const probes = await connector.check();
        for (const probe of probes) rows.push({ connector: connector.id, description: connector.description, ...probe });
      }
      if (options.json) ctx.io.stdout(JSON.stringify(rows, null, 2));
      else ctx.io.stdout(renderTable(rows));
      const failing = rows.filter((row) => !row.ok);
      if (rows.length === 0) throw new CliFailure(`${config.connectorsFile} configures no connectors`, 1);
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
