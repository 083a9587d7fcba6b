/**
 * What every CLI command may need, created lazily so `quell lint` works without a server or config:
 * the validated configuration, a Temporal client, the runbook catalogue, the output mode.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig, connectionOptions, type QuellConfig } from '../config/environment';
import { PayloadKeysConfigError, payloadDataConverter } from '../config/codec/payload-data-converter';
import { checkedIdentity } from './checks';
import { CliFailure, EXIT_USAGE, usageFailure } from './failure';

export { CliFailure } from './failure';

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
      // Before connecting: a configured key file that cannot be used is the problem to report.
      let dataConverter: ReturnType<typeof payloadDataConverter>;
      try {
        dataConverter = payloadDataConverter(config, this.env);
      } catch (error) {
        if (error instanceof PayloadKeysConfigError) throw new CliFailure(error.message, EXIT_USAGE);
        throw error;
      }
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
      return { client: new Client({ connection, namespace: config.namespace, ...(dataConverter ? { dataConverter } : {}) }), connection };
    })();
    return (await this.client).client;
  }

  /**
   * The identity a command acts as: --as, else QUELL_USER, else the OS user. Refused, naming
   * where it came from, when it is not one short line of visible text (it is written into audit
   * lines and shown to other people).
   */
  actor(explicit: string | undefined): string {
    const [source, actor] =
      explicit !== undefined ? ['--as', explicit] : this.env.QUELL_USER !== undefined ? ['QUELL_USER', this.env.QUELL_USER] : ['USER', this.env.USER ?? ''];
    if (!actor.trim()) throw usageFailure(explicit !== undefined ? '--as is empty: say who you are' : 'say who you are with --as USER (or set QUELL_USER)');
    return checkedIdentity(source, actor);
  }

  /** Closes the connection if one was made; a connection that never opened has nothing to close. */
  async close(): Promise<void> {
    if (!this.client) return;
    const opened = await this.client.catch(() => undefined);
    await opened?.connection.close().catch(() => undefined);
  }
}
