/**
 * What every CLI command may need, created lazily so `quell lint` works without a server or config:
 * the validated configuration, a Temporal client, the runbook catalogue, the output mode.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig, connectionOptions, type QuellConfig } from '../worker/config';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export class CliContext {
  private config?: QuellConfig;
  private client?: Promise<{ client: Client; connection: Connection }>;

  constructor(
    readonly io: CliIo,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  getConfig(): QuellConfig {
    this.config ??= loadConfig(this.env);
    return this.config;
  }

  async getClient(): Promise<Client> {
    this.client ??= (async () => {
      const config = this.getConfig();
      const options = connectionOptions(config);
      let connection: Connection;
      try {
        connection = await Connection.connect({ ...options, connectTimeout: '5s' });
      } catch (error) {
        throw new CliFailure(
          `cannot reach Temporal at ${options.address}: ${(error as Error).message}. ` +
            (config.temporalAddress ? 'Check TEMPORAL_ADDRESS and its TLS/API key settings.' : 'Start it with `npm start` (embedded server) or set TEMPORAL_ADDRESS.'),
        );
      }
      return { client: new Client({ connection, namespace: config.namespace }), connection };
    })();
    return (await this.client).client;
  }

  /** The identity a command acts as: --as, else QUELL_USER, else the OS user. */
  actor(explicit: string | undefined): string {
    const actor = explicit ?? this.env.QUELL_USER ?? this.env.USER ?? '';
    if (!actor.trim()) throw new CliFailure('say who you are with --as USER (or set QUELL_USER)');
    return actor.trim();
  }

  async close(): Promise<void> {
    if (this.client) await (await this.client).connection.close().catch(() => undefined);
  }
}

/** A failure the CLI reports as one line on stderr with the given exit code (no stack trace). */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
