/**
 * The contract between the engine and live connectors.
 *
 * A *connector* is one configured outside system (AWS IAM, an nftables table, an SCIM service, a
 * vendor's deletion API, …) that `quell doctor` and the live-readiness check can probe. A *live
 * action provider* performs catalogue actions through one or more connectors and says, for given
 * parameters, which connectors it needs — so a live run is refused before its first step when one
 * is missing or failing, naming it.
 */
import type { ActionName } from '../../common/actions';
import type { ActionProvider } from '../ports';

/** One probe of a connector (reachability, credentials, a permission). */
export interface ConnectorProbe {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Connector {
  /** Stable id used in messages and by providers, e.g. `aws-iam`, `nftables`, `vendor:acme`. */
  readonly id: string;
  /** One line for `quell doctor`: endpoint, account, table… never a secret. */
  readonly description: string;
  /** Probes the connector; resolves (never rejects) with every probe's result. */
  check(): Promise<ConnectorProbe[]>;
}

/** What a provider needs for one action with given parameters. */
export interface ConnectorNeeds {
  /** Connector ids that must be configured and healthy. */
  connectors: string[];
  /** Problems found from the parameters alone (e.g. a vendor with no channel configured). */
  problems: string[];
}

export interface LiveActionProvider extends ActionProvider {
  /**
   * Connectors the action needs with `params`. Values not known before the run are absent from
   * `params`; a provider that cannot tell then lists every connector it might use.
   */
  needs(action: ActionName, params: Record<string, unknown>): ConnectorNeeds;
}

/** Everything live a worker (or the CLI) has configured. */
export interface LiveSetup {
  providers: Partial<Record<ActionName, LiveActionProvider>>;
  connectors: ReadonlyMap<string, Connector>;
}

export const EMPTY_LIVE_SETUP: LiveSetup = { providers: {}, connectors: new Map() };
