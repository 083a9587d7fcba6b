/**
 * `quell`: the command line. Thin over client/ and runbooks/; every command that changes a run
 * goes through the workflow's validated Updates.
 *
 * Exit codes: 0 success, 1 refused or failed (the message says why), 2 usage or configuration error.
 * Every failure is one message on stderr, never a stack trace; what it repeats of people's text is
 * made visible (control characters escaped), so a refusal cannot itself forge terminal output.
 */
import { Command, CommanderError } from 'commander';
import { QuellClientError } from '../client/runs';
import { ApproversConfigError } from '../config/approvers-file';
import { ConnectorsConfigError } from '../connectors/connectors-file';
import { ConfigError } from '../config/environment';
import { registerAudit } from './commands/audit';
import { registerCancel } from './commands/cancel';
import { registerDecisions } from './commands/decide';
import { registerAnswer } from './commands/answer';
import { registerDoctor } from './commands/doctor';
import { registerDrill } from './commands/drill';
import { registerDone } from './commands/done';
import { registerEvent } from './commands/event';
import { registerEvidence } from './commands/evidence';
import { registerHistory } from './commands/history';
import { registerLint } from './commands/lint';
import { registerList } from './commands/list';
import { registerRunbooks } from './commands/runbooks';
import { registerStart } from './commands/start';
import { registerStatus } from './commands/status';
import { CliContext, CliFailure, type CliIo } from './context';
import { shownText } from './display';
import { EXIT_REFUSED, EXIT_USAGE } from './failure';

export async function runCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const ctx = new CliContext(io, env);
  const program = new Command('quell')
    .description('Incident-response and offboarding runbooks as durable workflows')
    .version(versionText(env), '-V, --version', 'print the version, and whether this is the compiled build or the sources')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text.trimEnd()), writeErr: (text) => io.stderr(shownText(text.trimEnd())) });
  for (const register of [registerLint, registerRunbooks, registerStart, registerStatus, registerList, registerDecisions, registerAnswer, registerEvent, registerDone, registerCancel, registerHistory, registerDoctor, registerEvidence, registerDrill, registerAudit]) {
    register(program, ctx);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error, io);
  } finally {
    await ctx.close();
  }
}

function reportError(error: unknown, io: CliIo): number {
  // Commander has already printed its own message ("error: unknown option '--x'").
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
  const say = (message: string) => io.stderr(`quell: ${shownText(message)}`);
  if (error instanceof ConfigError || error instanceof ConnectorsConfigError || error instanceof ApproversConfigError) {
    say(error.message);
    return EXIT_USAGE;
  }
  if (error instanceof CliFailure) {
    say(error.message);
    return error.exitCode;
  }
  if (error instanceof QuellClientError) {
    say(`${error.code === 'refused' ? 'refused: ' : ''}${error.message}`);
    return error.code === 'invalid-input' ? EXIT_USAGE : EXIT_REFUSED;
  }
  say(error instanceof Error ? error.message : String(error));
  return EXIT_REFUSED;
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`quell: ${shownText(error instanceof Error ? error.message : String(error))}\n`);
      process.exitCode = EXIT_REFUSED;
    },
  );
}

/** "0.1.0 (compiled)": bin/load.js says which build it loaded (README "Development"). */
function versionText(env: NodeJS.ProcessEnv): string {
  return `${env.QUELL_VERSION ?? 'unknown'} (${env.QUELL_RUNNING_FROM === 'dist' ? 'compiled' : 'sources'})`;
}
