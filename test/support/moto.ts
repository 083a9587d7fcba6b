/**
 * A moto_server on loopback for one test file: AWS IAM, EC2, S3 (Object Lock), CloudWatch Logs.
 * `reset()` wipes all state between tests (POST /moto-api/reset).
 */
import { findTool, startServerProcess, type ServerProcess } from './server-process';
import { plantSecret } from './planted-secrets';

export interface MotoServer {
  readonly endpoint: string;
  readonly region: string;
  /** Credentials moto accepts (any non-empty pair); exported as env vars for connectors files. */
  readonly env: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
  reset(): Promise<void>;
  stop(): Promise<void>;
  process: ServerProcess;
}

export async function startMoto(): Promise<MotoServer> {
  const process = await startServerProcess({
    command: findTool('moto_server'),
    args: (port) => ['-H', '127.0.0.1', '-p', String(port)],
    ready: async (url) => (await fetch(`${url}/moto-api/data.json`, { signal: AbortSignal.timeout(1_000) })).ok,
  });
  return {
    endpoint: process.url,
    region: 'us-east-1',
    env: { AWS_ACCESS_KEY_ID: 'testing-moto-key', AWS_SECRET_ACCESS_KEY: plantSecret('testing-moto-secret', 'aws secret access key (moto)') },
    process,
    async reset() {
      const response = await fetch(`${process.url}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop: () => process.stop(),
  };
}

/** The `aws:` section of a connectors file pointing at this moto, credentials read from `moto.env`. */
export function awsSectionLines(moto: Pick<MotoServer, 'region' | 'endpoint'>): string[] {
  return ['aws:', `  region: ${moto.region}`, `  endpoint: ${moto.endpoint}`, '  access_key_id: { env: AWS_ACCESS_KEY_ID }', '  secret_access_key: { env: AWS_SECRET_ACCESS_KEY }'];
}
