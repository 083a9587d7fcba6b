/**
 * The action catalogue: every action a runbook step may name, the shape of its `with` block and
 * whether it can be undone. The systems a step may name are not listed here but derived from the
 * connector registry (connectors/with-schemas.ts), which the linter and the activities use.
 *
 * Workflow-safe: only zod is imported.
 */
import { z } from 'zod';

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
  window: NonEmpty.optional(),
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
}

export const ACTION_CATALOGUE = {
  'credentials.revoke': {
    with: CredentialsRevokeWith,
    summary: 'Deactivate (optionally delete) an access key or token of a principal',
  },
  'sessions.revoke': {
    with: SessionsRevokeWith,
    summary: 'Invalidate sessions and temporary credentials already issued to a principal',
  },
  'egress.block': {
    with: EgressBlockWith,
    undoneBy: 'egress.unblock',
    summary: 'Block outbound traffic to the given CIDRs; returns a rule_id',
  },
  'egress.unblock': {
    with: EgressUnblockWith,
    summary: 'Remove exactly the block that egress.block created (by rule_id)',
  },
  'evidence.collect': {
    with: EvidenceCollectWith,
    summary: 'Copy logs or files into write-once storage with a chain-of-custody record',
  },
  'vendor.request_deletion': {
    with: VendorRequestDeletionWith,
    summary: 'Send a vendor a data return/deletion request with a reference id and due date',
  },
  'identity.deprovision': {
    with: IdentityDeprovisionWith,
    summary: 'Disable a user in the identity provider and remove their group memberships',
  },
  'identity.access_report': {
    with: IdentityAccessReportWith,
    summary: 'Ask every configured system whether a person still has access',
  },
  notify: {
    with: NotifyWith,
    summary: 'Send a message to people or a channel',
  },
} as const satisfies Record<string, ActionDefinition>;

export type ActionName = keyof typeof ACTION_CATALOGUE;
export const ACTION_NAMES = Object.keys(ACTION_CATALOGUE) as [ActionName, ...ActionName[]];

export type ActionWith<A extends ActionName> = z.infer<(typeof ACTION_CATALOGUE)[A]['with']>;

export function isActionName(name: string): name is ActionName {
  return Object.prototype.hasOwnProperty.call(ACTION_CATALOGUE, name);
}
