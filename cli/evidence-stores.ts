/**
 * The evidence stores of the connectors file, opened for one CLI command and closed after it:
 * `quell evidence verify`, `quell audit archive` and `quell audit verify --archived`. The cloud
 * SDKs they pull in load only here, so other commands do not pay for them at start.
 */
import { loadConnectorsConfigOrThrow } from '../connectors/connectors-file';
import type { OpenedEvidenceStores } from '../activities/evidence/open-stores';
import type { CliContext } from './context';
import { CliFailure } from './failure';

export async function withEvidenceStores<T>(ctx: CliContext, use: (opened: OpenedEvidenceStores, connectorsFile: string) => Promise<T>): Promise<T> {
  const config = ctx.getConfig();
  if (!config.connectorsFile) {
    throw new CliFailure('no connectors file: set QUELL_CONNECTORS_FILE to the YAML file that configures the evidence stores', 2);
  }
  const { openEvidenceStores } = await import('../activities/evidence/open-stores');
  const opened = await openEvidenceStores(loadConnectorsConfigOrThrow(config.connectorsFile, ctx.env), config.dataDir);
  try {
    return await use(opened, config.connectorsFile);
  } finally {
    opened.close();
  }
}

/** The first configured store that cannot be used, as a configuration failure. */
export function refuseUnusable(opened: OpenedEvidenceStores): void {
  const [unusable] = opened.unusable;
  if (unusable) throw new CliFailure(`${unusable[0]}: ${unusable[1]}`, 2);
}
