/**
 * What the engine knows of a live connector: its probes, for `quell doctor` and the live-readiness
 * check, and what an action needs of connectors for given parameters, so a live run is refused
 * before its first step when a connector is missing or failing, naming it.
 *
 * A *connector* is Quell's code for one configured outside system (AWS IAM, an nftables table, an
 * SCIM service, a vendor's deletion API, …).
 */

import type { ActionName } from '../common/actions';

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
  /**
   * True when `check()` leaves a trace (a probe file written and removed): a caller that must not
   * change anything, such as a drill's readiness probe, skips `check()` and asks only
   * `permissionProbe`.
   */
  readonly checkWrites?: boolean;
  /**
   * Read-only: would this connector's credentials be allowed to do what `action` does to its
   * target? Asked of the system without changing anything (a policy simulation, a capabilities
   * query, the token's role). Optional: a system that cannot tell without acting has none, and
   * callers say the permission is not checkable read-only. Resolves, never rejects.
   */
  permissionProbe?(question: PermissionQuestion): Promise<PermissionCheck[]>;
}

/** One action as a step would perform it, with the parameters known before the run. */
export interface PermissionQuestion {
  action: ActionName;
  /** The step's `with`; keys that read step outputs are absent (the target may be unknown). */
  params: Record<string, unknown>;
}

/** The verdict on one permission an action needs. */
export interface PermissionCheck {
  /** As the system names it: `iam:UpdateAccessKey`, `update on auth/token/revoke-accessor`. */
  permission: string;
  /** What it was checked against (an ARN, a path, a repository), when known. */
  target?: string;
  /** `not-checkable`: the system could not say without acting, or the question could not be asked. */
  verdict: 'granted' | 'missing' | 'not-checkable';
  /** Why, in a phrase: "implicit deny: no identity policy allows it". Never a secret. */
  detail: string;
}

/** What an action needs of connectors with given parameters. */
export interface ConnectorNeeds {
  /** Connector ids that must be configured and healthy. */
  connectors: string[];
  /** Problems found from the parameters alone (e.g. a vendor with no channel configured). */
  problems: string[];
}
