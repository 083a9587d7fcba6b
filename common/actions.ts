/**
 * The action catalogue: every action a runbook step may name, the shape of its `with` block and of
 * its output (common/action-schemas/), and whether it can be undone. The systems a step may name
 * are not listed here but derived from the connector registry (connectors/with-schemas.ts), which
 * the linter and the activities use.
 *
 * Workflow-safe: only zod is imported.
 */
import { z } from 'zod';
import {
  AccessDenyAllOutput,
  AccessDenyAllWith,
  AccessRestoreOutput,
  AccessRestoreWith,
  CredentialsDeactivateOutput,
  CredentialsDeactivateWith,
  CredentialsListOutput,
  CredentialsListWith,
  CredentialsReactivateOutput,
  CredentialsReactivateWith,
  MfaDeactivateOutput,
  MfaDeactivateWith,
  PrincipalType,
} from './action-schemas/aws-iam';
import { VendorRequestOutput, VendorRequestWith } from './action-schemas/vendor';
import {
  CredentialsRevokeOutput,
  EgressBlockOutput,
  EgressUnblockOutput,
  EvidenceCollectOutput,
  IdentityAccessReportOutput,
  IdentityDeprovisionOutput,
  NotifyOutput,
  SessionsRevokeOutput,
  VendorRequestDeletionOutput,
  withRunEnvelope,
} from './action-schemas/outputs';

const NonEmpty = z.string().min(1);
const Cidr = z
  .string()
  .regex(/^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?$|^[0-9a-fA-F:]+(?:\/\d{1,3})?$/, { message: 'must be an IPv4 or IPv6 address or CIDR' });

/**
 * The system that performs a routed action (see connectors/definition.ts). Any name here: the
 * names a step may use come from the connector registry (connectors/with-schemas.ts).
 */
const System = NonEmpty;

export const CredentialsRevokeWith = z.strictObject({
  provider: System,
  principal: NonEmpty,
  key_id: NonEmpty.optional(),
  delete_key: z.boolean().optional(),
});

export const SessionsRevokeWith = z.strictObject({
  provider: System,
  principal: NonEmpty,
  /** `role` only where the system has roles (aws-iam); default `user`. */
  principal_type: PrincipalType.optional(),
});

export const EgressBlockWith = z.strictObject({
  provider: System,
  cidrs: z.array(Cidr),
  target: NonEmpty.optional(),
  ports: z.array(z.int().min(1).max(65535)).optional(),
});

export const EgressUnblockWith = z.strictObject({
  provider: System.optional(),
  rule_id: NonEmpty,
});

export const EvidenceCollectWith = z.strictObject({
  /** `record`: something the run itself produced (a vendor's deletion certificate, an access report). */
  /** A source name (`record`, or one the registry's evidence sources give: connectors/with-schemas.ts). */
  source: NonEmpty,
  query: NonEmpty.optional(),
  /** For `file`: paths or globs, within the paths the connectors file allows. */
  paths: z.array(NonEmpty).optional(),
  /** For `cloudwatch-logs`: the log groups to search (default: all configured). */
  log_groups: z.array(NonEmpty).optional(),
  /** For `record`: the content to keep (any JSON value). */
  content: z.unknown().optional(),
  principal: NonEmpty.optional(),
  /** A duration back from now (`24h` when neither this nor `since` is given). */
  window: NonEmpty.optional(),
  /**
   * Instead of `window`: an ISO 8601 time with its UTC offset (usually a template such as
   * `${{ inputs.first_seen }}`); the window runs from it until now. Checked when the step runs.
   */
  since: NonEmpty.optional(),
  /** A store name from the registry's evidence stores. */
  store: NonEmpty.optional(),
  label: NonEmpty.optional(),
});

export const VendorRequestDeletionWith = z.strictObject({
  vendor: NonEmpty,
  channel: z.enum(['email', 'http']).optional(),
  data_categories: z.array(NonEmpty).optional(),
  legal_basis: NonEmpty.optional(),
  due_in: NonEmpty.optional(),
  subject_person: NonEmpty.optional(),
});

export const IdentityDeprovisionWith = z.strictObject({
  provider: System,
  user: NonEmpty,
  remove_groups: z.boolean().optional(),
  delete_user: z.boolean().optional(),
});

export const IdentityAccessReportWith = z.strictObject({
  principal: NonEmpty,
  systems: z.array(NonEmpty).optional(),
  /**
   * The person's name in a given system when it differs from `principal` (IAM user, GitHub
   * login…); null means "has no account there" and is reported as such, not checked.
   */
  identities: z.record(NonEmpty, NonEmpty.nullable()).optional(),
});

export const NotifyWith = z
  .strictObject({
    channel: z.enum(['slack', 'email']).optional(),
    to: z.array(NonEmpty).optional(),
    message: NonEmpty,
  })
  // Slack has the incident channel to fall back on; e-mail has no default recipient.
  .refine((notify) => notify.channel !== 'email' || (notify.to?.length ?? 0) > 0, { path: ['to'], message: 'channel email needs at least one address in to' });

/** Everything the engine needs to know about one action. */
export interface ActionDefinition<S extends z.ZodObject = z.ZodObject> {
  /** Schema of the step's `with` block after template evaluation. */
  readonly with: S;
  /** The action that undoes this one, if any; runbooks name it in `compensate`. */
  readonly undoneBy?: string;
  /** One line for `quell runbooks` and the docs. */
  readonly summary: string;
  /**
   * The shape of the step's output once it succeeds (`steps.<id>.output`), live and tabletop
   * alike, with the keys every connector and the tabletop twin produce. The linter refuses an
   * output path no field of it names; the action envelope checks performed outputs against it.
   */
  readonly output: z.ZodObject;
}

export const ACTION_CATALOGUE = {
  'credentials.revoke': {
    with: CredentialsRevokeWith,
    output: CredentialsRevokeOutput,
    summary: 'Deactivate (optionally delete) an access key or token of a principal',
  },
  'sessions.revoke': {
    with: SessionsRevokeWith,
    output: SessionsRevokeOutput,
    undoneBy: 'access.restore',
    summary: 'Invalidate sessions and temporary credentials already issued to a principal',
  },
  'credentials.deactivate': {
    with: CredentialsDeactivateWith,
    output: withRunEnvelope(CredentialsDeactivateOutput),
    undoneBy: 'credentials.reactivate',
    summary: 'Set the access keys of a principal inactive (one, or every active key), deleting nothing; returns key_ids',
  },
  'credentials.reactivate': {
    with: CredentialsReactivateWith,
    output: withRunEnvelope(CredentialsReactivateOutput),
    summary: 'Set exactly the keys credentials.deactivate parked (by key_ids) active again',
  },
  'credentials.list': {
    with: CredentialsListWith,
    output: withRunEnvelope(CredentialsListOutput),
    summary: 'List the access keys of a principal (changes nothing); key_ids are those in the asked-for status, active by default',
  },
  'access.deny_all': {
    with: AccessDenyAllWith,
    output: withRunEnvelope(AccessDenyAllOutput),
    undoneBy: 'access.restore',
    summary: 'Attach an inline policy denying every action on every resource to a user or role',
  },
  'access.restore': {
    with: AccessRestoreWith,
    output: withRunEnvelope(AccessRestoreOutput),
    summary: 'Remove the deny policies Quell attached to a user or role (access.deny_all, sessions.revoke), nothing else',
  },
  'mfa.deactivate': {
    with: MfaDeactivateWith,
    output: withRunEnvelope(MfaDeactivateOutput),
    summary: 'Take the MFA devices (or one) off a user; cannot be undone, each device must be enrolled again',
  },
  'egress.block': {
    with: EgressBlockWith,
    output: EgressBlockOutput,
    undoneBy: 'egress.unblock',
    summary: 'Block outbound traffic to the given CIDRs; returns a rule_id',
  },
  'egress.unblock': {
    with: EgressUnblockWith,
    output: EgressUnblockOutput,
    summary: 'Remove exactly the block that egress.block created (by rule_id)',
  },
  'evidence.collect': {
    with: EvidenceCollectWith,
    output: EvidenceCollectOutput,
    summary: 'Copy logs or files into write-once storage with a chain-of-custody record',
  },
  'vendor.request_deletion': {
    with: VendorRequestDeletionWith,
    output: VendorRequestDeletionOutput,
    summary: 'Send a vendor a data return/deletion request with a reference id and due date',
  },
  'vendor.request': {
    with: VendorRequestWith,
    output: withRunEnvelope(VendorRequestOutput),
    summary: 'Ask a vendor for a forensic report, indicators of compromise or an attestation, with a reference id and due date',
  },
  'identity.deprovision': {
    with: IdentityDeprovisionWith,
    output: IdentityDeprovisionOutput,
    summary: 'Disable a user in the identity provider and remove their group memberships',
  },
  'identity.access_report': {
    with: IdentityAccessReportWith,
    output: IdentityAccessReportOutput,
    summary: 'Ask every configured system whether a person still has access',
  },
  notify: {
    with: NotifyWith,
    output: NotifyOutput,
    summary: 'Send a message to people or a channel',
  },
} as const satisfies Record<string, ActionDefinition>;

export type ActionName = keyof typeof ACTION_CATALOGUE;
export const ACTION_NAMES = Object.keys(ACTION_CATALOGUE) as [ActionName, ...ActionName[]];

export type ActionWith<A extends ActionName> = z.infer<(typeof ACTION_CATALOGUE)[A]['with']>;

export function isActionName(name: string): name is ActionName {
  return Object.prototype.hasOwnProperty.call(ACTION_CATALOGUE, name);
}
