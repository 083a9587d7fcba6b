/**
 * What the AWS connectors' probes have in common. Probes are read-only calls that need the same
 * credentials (and the same service) as the actions, so refused keys or a missing permission show
 * up in `quell doctor` and before a live run starts, not half-way through it.
 */
import type { Resolved } from '../../config/secret';
import type { ConnectorProbe } from '../connector';
import { classifyAwsError } from './errors';
import type { AwsConfig } from './settings';

/** Runs one probe call; never rejects (a failure becomes a failing probe with the classified reason). */
export async function awsProbe(connector: string, name: string, call: () => Promise<string>): Promise<ConnectorProbe> {
  try {
    return { name, ok: true, detail: await call() };
  } catch (error) {
    return { name, ok: false, detail: classifyAwsError({ connector, operation: name }, error).message };
  }
}

/** Where the connector is and where its credentials come from (the secret's source, never its value). */
export function awsWhereabouts(config: Resolved<AwsConfig>): string {
  const endpoint = config.endpoint ? ` via ${config.endpoint}` : '';
  const credentials = config.access_key_id ? `keys from ${config.access_key_id.source}` : 'the default credential chain';
  return `region ${config.region}${endpoint}, ${credentials}`;
}
