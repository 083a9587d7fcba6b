/**
 * Runs the real `quell` command (bin/quell.js) as a child process, pointed at the test server and
 * a test task queue, and returns its exit code and output.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { RunState } from '../../common/run-state';
import { recordChildOutput } from './run-logs';
import type { FormValues, Responder } from './run-driver';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'quell.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliEnvironment {
  address: string;
  namespace: string;
  taskQueue: string;
  dataDir: string;
  extra?: Record<string, string>;
}

export function runQuell(args: string[], env: CliEnvironment): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_NAMESPACE: env.namespace,
          QUELL_TASK_QUEUE: env.taskQueue,
          QUELL_DATA_DIR: env.dataDir,
          QUELL_LOG_LEVEL: 'warn',
          ...env.extra,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        // A copy for the run-wide secret scan (run-logs.ts): what the CLI printed, not its arguments.
        recordChildOutput('cli-quell', stdout, stderr);
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
      },
    );
  });
}

/** Like runQuell, but fails the test with the CLI's own words when the exit code is not 0. */
export async function quellOk(args: string[], env: CliEnvironment): Promise<CliResult> {
  const result = await runQuell(args, env);
  if (result.code !== 0) throw new Error(`quell ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return result;
}

/** `--field name=value` for each value, as a person would type them. */
function fieldArgs(fields: FormValues): string[] {
  return Object.entries(fields).flatMap(([name, value]) => ['--field', `${name}=${String(value)}`]);
}

/** A Responder that answers through the CLI, as a person at a terminal would. */
export function cliResponder(env: CliEnvironment): Responder {
  return {
    state: async (workflowId) => JSON.parse((await quellOk(['status', workflowId, '--json'], env)).stdout) as RunState,
    // `quell approve` reads the gate, shows its summary and sends that summary's hash itself.
    approve: async (workflowId, stepId, actor) => {
      await quellOk(['approve', workflowId, stepId, '--as', actor], env);
    },
    // `quell answer` reads the question and sends its hash itself, as `approve` does.
    answer: async (workflowId, stepId, actor, option, _questionSha256, fields) => {
      await quellOk(['answer', workflowId, stepId, option, '--as', actor, ...fieldArgs(fields)], env);
    },
    event: async (workflowId, event, actor, fields) => {
      await quellOk(['event', workflowId, event, '--as', actor, ...fieldArgs(fields)], env);
    },
    done: async (workflowId, stepId, actor, fields) => {
      await quellOk(['done', workflowId, stepId, '--as', actor, '--note', 'done in test', ...fieldArgs(fields)], env);
    },
  };
}
