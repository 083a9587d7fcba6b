/**
 * What one connector folder (connectors/<system>/) exports: everything Quell knows about one
 * outside system, in one place. The registry (./registry.ts) lists the definitions, and every
 * central list is derived from it: the systems a runbook may name, the connectors-file schema,
 * routing, `quell doctor`, the live-readiness check, "not configured" messages and README's
 * connector table. Adding a system is adding a folder and one registry line.
 *
 * Words used throughout: a *system* is the outside thing (AWS IAM, an nftables table, a SCIM
 * service); its *connector* is Quell's code for it; a *handler* performs one action on one
 * system; the run *mode* (tabletop or live) decides whether handlers run or are simulated.
 *
 * A definition is light: it imports zod schemas and simulations only. The code that talks to the
 * system (cloud SDKs, HTTP clients, nft) sits behind `live()`, loaded when a worker builds its
 * live setup, so the linter and the CLI's pre-flight never load it.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ActionName, ActionWith } from '../common/actions';
import type { Resolved } from '../config/secret';
import type { Connector } from './connector';
import type { ActionContext, ActionOutcome } from './action-context';
import type { TabletopPlanner } from './simulation';

/** Actions whose step picks the system by `with.provider` (`egress.unblock` also by its rule id). */
export const ROUTED_ACTIONS = [
  'credentials.revoke',
  'sessions.revoke',
  'credentials.deactivate',
  'credentials.reactivate',
  'credentials.list',
  'access.deny_all',
  'access.restore',
  'mfa.deactivate',
  'egress.block',
  'egress.unblock',
  'identity.deprovision',
] as const;
export type RoutedAction = (typeof ROUTED_ACTIONS)[number];

/** How a system takes part in an action that is not routed by `with.provider`. */
export type SystemRole =
  /** `evidence.collect` reads from it (`with.source`). */
  | 'evidence-source'
  /** `evidence.collect` keeps copies and custody logs in it (`with.store`). */
  | 'evidence-store'
  /** `notify` sends through it (`with.channel`). */
  | 'notify-channel'
  /** `vendor.request_deletion` and `vendor.request` reach vendors through it (the vendor's `channel`). */
  | 'deletion-channel'
  /** `identity.access_report` asks it whether a person still has access (`systems`). */
  | 'access-report';

/** Performs one routed action on one system, with the step's validated parameters. */
export interface ActionHandler<A extends RoutedAction = RoutedAction> {
  /**
   * Idempotent: a repeat with the same idempotency key reports `alreadyDone: true`, changes
   * nothing, and still says what the effect is (read back from the system). Throws classified
   * failures (./failures). Output never contains secrets.
   */
  perform(params: ActionWith<A>, context: ActionContext): Promise<ActionOutcome>;
}

/** What a routed action does on this system (README's connector table), and its tabletop simulation. */
export interface RoutedService {
  /** The effect, in a sentence or two: what `principal`, `target`… mean on this system. */
  readonly summary: string;
  /** How a repeat is recognised and what is read back, if that is worth saying. */
  readonly guarantee?: string;
  readonly simulate: TabletopPlanner;
}

/** Where a system's settings live in the connectors file, and their shape. */
export interface SettingsSpec<S extends z.ZodType = z.ZodType> {
  /** Keys from the file's root, e.g. `['nftables']` or `['evidence', 'sources', 'cloudtrail']`. */
  readonly path: readonly string[];
  /** The section's schema; systems sharing a section (AWS) share the schema object. */
  readonly schema: S;
  /** Fields holding secret references (`{ env: NAME }` / `{ file: PATH }`), for README and doctor. */
  readonly secrets: readonly string[];
  /** Other sections that must be present too (evidence in S3 needs `aws`). */
  readonly requires?: readonly (readonly string[])[];
  /**
   * Where this section's credentials go, said when a URL with credentials is pasted into any of
   * its fields (the generic advice otherwise).
   */
  readonly credentialAdvice?: string;
  /**
   * Lists (or maps) in the section, relative to it (`[]` is the section itself, `*` any key),
   * refused at their first entry past the entry limit before the schema sees the file.
   */
  readonly listLimits?: readonly (readonly string[])[];
}

/** Built once per process and shared by every connector (shared clients are memoised here). */
export interface SharedLive {
  logger: Logger;
  /** The worker's data folder (state that must survive restarts; nothing secret). */
  dataDir: string;
  /** The connectors file's folder: relative paths in it are relative to this. */
  baseDir: string;
  /** Another section of the connectors file (secrets resolved), e.g. `['smtp']`; undefined when absent. */
  settingsAt(path: readonly string[]): unknown;
  /** One value per key for the whole setup, e.g. the AWS SDK clients every AWS system shares. */
  shared<T>(key: string, make: () => T): T;
}

/** Answers "does this person still have access here?" for the access report. */
export interface AccessProbe {
  /** Never throws: an error becomes `unknown` with the reason. */
  lookup(principal: string): Promise<{ status: 'removed' | 'present' | 'unknown'; detail: string }>;
}

/** What a configured system adds to a worker: its probes and its handlers. */
export interface LiveSystem<Roles = unknown> {
  /** Probed by `quell doctor` and before each live run that uses the system. */
  connector: Connector;
  /**
   * Further connectors built from the same section, for a section that lists several systems:
   * each vendor of `vendors` is probed, needed and named in failures as its own `vendor:<id>`,
   * while a live system has one main `connector`.
   */
  extraConnectors?: Connector[];
  handlers?: { [A in RoutedAction]?: ActionHandler<A> };
  accessProbe?: AccessProbe;
  /** Role-specific objects (an evidence source, a mailer…), typed by the action that uses them. */
  roles?: Roles;
}

/** The part of a connector that talks to the system, loaded only when a live setup is built. */
export interface LiveModule<Settings = unknown> {
  /** Builds clients only: no network until a probe or an action. */
  build(settings: Settings, shared: SharedLive): LiveSystem;
}

export interface ConnectorDefinition<S extends z.ZodType = z.ZodType> {
  /** The system's id as runbooks and messages name it: `aws-iam`, `nftables`, `scim`… */
  readonly id: string;
  /** Human name for README and doctor: "AWS IAM". */
  readonly title: string;
  readonly settings: SettingsSpec<S>;
  /** Routed actions it performs. */
  readonly routed?: { readonly [A in RoutedAction]?: RoutedService };
  /** Other actions it takes part in, and how (one line each for README). */
  readonly roles?: { readonly [R in SystemRole]?: string };
  /**
   * Problems visible from a step's parameters and the settings alone (no I/O, no clients), for
   * the pre-flight before a live run. Most systems have none.
   */
  needs?(action: ActionName, params: Record<string, unknown>, settings: z.output<S>): string[];
  /** Loads the live half (see {@link LiveModule}); it gets the settings with secrets resolved. */
  live(): Promise<LiveModule<Resolved<z.output<S>>>>;
}

/** Helps definitions keep their settings type: `defineConnector({ ... })`. */
export function defineConnector<S extends z.ZodType>(definition: ConnectorDefinition<S>): ConnectorDefinition<S> {
  return definition;
}
