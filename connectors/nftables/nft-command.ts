/**
 * Runs nft — inside `ip netns exec <netns>` when the connectors file names a namespace — without a
 * shell: arguments go to execve as they are, and scripts go to `nft -f -` over stdin, so nothing a
 * runbook supplies is ever parsed by a shell. A script is one nft transaction: it applies whole or
 * not at all.
 */
import { spawn } from 'node:child_process';
import type { NftablesConfig } from './settings';

/** nft answers in milliseconds; a call this slow is stuck (a locked netlink socket, a hung exec). */
const COMMAND_TIMEOUT_MS = 15_000;

/** Why an nft invocation failed, with what it printed; ./nft-failure.ts classifies it. */
export class NftCommandError extends Error {
  override readonly name = 'NftCommandError';
  constructor(
    /** `spawn`: the program could not be started; `exit`: it ran and failed; `timeout`: it was killed. */
    readonly kind: 'spawn' | 'exit' | 'timeout',
    /** The program that was started (`nft`, or `ip` for a namespace). */
    readonly program: string,
    readonly detail: { errno?: string; exitCode?: number | null; stderr?: string },
  ) {
    super(`${program}: ${kind === 'exit' ? `exit ${String(detail.exitCode)}: ${detail.stderr?.trim() ?? ''}` : (detail.errno ?? kind)}`);
  }
}

export interface NftCommand {
  /** The nft binary as configured (for messages). */
  readonly nftPath: string;
  /** The namespace nft runs in, if any. */
  readonly netns?: string;
  /** Runs `nft <args>` and resolves with its stdout; rejects with {@link NftCommandError}. */
  run(args: readonly string[], stdin?: string): Promise<string>;
}

/** Builds the runner for one `nftables` section. Starts nothing until `run` is called. */
export function createNftCommand(config: Pick<NftablesConfig, 'netns' | 'nft_path'>): NftCommand {
  const nftPath = config.nft_path ?? 'nft';
  const [program, prefix] = config.netns ? ['ip', ['netns', 'exec', config.netns, nftPath]] : [nftPath, []];
  return {
    nftPath,
    ...(config.netns ? { netns: config.netns } : {}),
    run: (args, stdin) => execute(program, [...prefix, ...args], stdin),
  };
}

function execute(program: string, args: string[], stdin: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: COMMAND_TIMEOUT_MS });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A child that dies before reading its stdin would otherwise surface as an unhandled EPIPE.
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => reject(new NftCommandError('spawn', program, { errno: error.code ?? error.message })));
    child.on('close', (exitCode, signal) => {
      const text = Buffer.concat(stderr).toString('utf8');
      if (signal === 'SIGTERM' && exitCode === null) reject(new NftCommandError('timeout', program, { stderr: text }));
      else if (exitCode !== 0) reject(new NftCommandError('exit', program, { exitCode, stderr: text }));
      else resolve(Buffer.concat(stdout).toString('utf8'));
    });
    child.stdin.end(stdin ?? '');
  });
}
