/**
 * What the engine knows of a live connector: its probes, for `quell doctor` and the live-readiness
 * check, and what an action needs of connectors for given parameters, so a live run is refused
 * before its first step when a connector is missing or failing, naming it.
 *
 * A *connector* is Quell's code for one configured outside system (AWS IAM, an nftables table, an
 * SCIM service, a vendor's deletion API, …).
 */

/** One probe of a connector (reachability, credentials, a permission). */
export interface ConnectorProbe {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Connector {
  /** Stable id used in messages and by actions, e.g. `aws-iam`, `nftables`, `vendor:acme`. */
  readonly id: string;
  /** One line for `quell doctor`: endpoint, account, table… never a secret. */
  readonly description: string;
  /** Probes the connector; resolves (never rejects) with every probe's result. */
  check(): Promise<ConnectorProbe[]>;
}

/** What an action needs of connectors with given parameters. */
export interface ConnectorNeeds {
  /** Connector ids that must be configured and healthy. */
  connectors: string[];
  /** Problems found from the parameters alone (e.g. a vendor with no channel configured). */
  problems: string[];
}
