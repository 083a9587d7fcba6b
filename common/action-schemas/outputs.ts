/**
 * `output` shapes of the actions that predate output declarations: for each action, every key any
 * connector serving it or its tabletop simulation puts in `steps.<id>.output`. A key only some
 * systems (or only live runs) produce is optional; nested values that differ by system are typed
 * as loosely as the systems make them. The linter reads these to refuse output paths a step cannot
 * produce; the action envelope checks performed outputs against them (activities/output-shape.ts).
 *
 * Workflow-safe: only zod is imported. Kept free of common/actions.ts (which imports this file).
 */
import { z } from 'zod';

/** Any JSON object whose keys depend on the system (read-backs, EC2 permissions…). */
const Details = z.record(z.string(), z.unknown());
const Strings = z.array(z.string());

/**
 * What the activity envelope adds to any action's output, whoever performed it: the tabletop
 * simulator's marks (activities/tabletop/simulator.ts) and a retry's provenance
 * (activities/effects/retry-provenance.ts).
 */
export const RUN_ENVELOPE_FIELDS = {
  /** True on every tabletop output: nothing outside was touched. */
  simulated: z.literal(true).optional(),
  /** Tabletop: each effect a live run would have had, in words. */
  would_do: Strings.optional(),
  /** A retry found the effect already in place. */
  found_on_retry: z.literal(true).optional(),
  /** The attempt that found it. */
  found_on_attempt: z.int().min(1).optional(),
  /** Whose the effect is as far as the evidence goes. */
  effect_by: z.enum(['this-run', 'before-this-run', 'unknown']).optional(),
  /** The evidence for `effect_by`, in a sentence. */
  effect_evidence: z.string().optional(),
};

/** `shape` with the envelope's fields, for output shapes declared elsewhere without them. */
export function withRunEnvelope<T extends z.ZodObject>(shape: T) {
  return shape.extend(RUN_ENVELOPE_FIELDS);
}

/** Fields a system reports as null on a repeat because it can no longer read them back. */
const UNKNOWN_FIELDS = {
  /** Output fields left null because the system no longer knows them (a repeat). */
  unknown_fields: Strings.optional(),
  /** Why those fields are unknown, in words. */
  unknown_because: z.string().optional(),
};

/** An OpenBao token as reported after revocation (never anything that could use it). */
const RevokedToken = z.strictObject({
  accessor: z.string(),
  display_name: z.string().nullable(),
  policies: Strings.nullable(),
  entity_id: z.string().nullable(),
  expire_time: z.string().nullable(),
});

/** What an OpenBao revocation reports (`credentials.revoke` and `sessions.revoke`). */
const OPENBAO_REVOCATION = {
  /** OpenBao: the target as understood (`accessor …`, `lease prefix …`, `entity …`). */
  target: z.string().optional(),
  /** OpenBao: which kind of target `principal` (or `key_id`) named. */
  target_kind: z.enum(['accessor', 'lease-prefix', 'entity']).optional(),
  /** OpenBao: the tokens revoked; null when a repeat cannot tell which an entity had. */
  revoked_tokens: z.array(RevokedToken).nullable().optional(),
  /** OpenBao: lease entries revoked under the target; null when a repeat cannot count them. */
  lease_entries_revoked: z.int().min(0).nullable().optional(),
};

export const CredentialsRevokeOutput = z.strictObject({
  /** The system that performed the step. */
  provider: z.string(),
  /** The user (aws-iam), repository (github) or token holder (openbao) the step named. */
  principal: z.string(),
  /** The key named by the step; null in a tabletop run that named none. */
  key_id: z.string().nullable().optional(),
  /** aws-iam: the keys the step covered. */
  key_ids: Strings.optional(),
  /** aws-iam: covered keys now inactive. */
  deactivated: Strings.optional(),
  /** aws-iam: covered keys now deleted (with `delete_key`). */
  deleted: Strings.optional(),
  /** State of the covered keys: Inactive, Deleted, Absent (named key gone) or NoKeys. */
  key_status: z.enum(['Inactive', 'Deleted', 'Absent', 'NoKeys']).optional(),
  /** aws-iam: the console password is gone. */
  login_profile_removed: z.boolean().optional(),
  /** true once read back (tabletop, openbao, github); aws-iam gives what it read back. */
  verified: z.union([z.boolean(), z.strictObject({ key_status: z.string(), keys: z.record(z.string(), z.string()), login_profile: z.string() })]),
  /** openbao, github: how the effect was read back, in words. */
  verification: z.string().optional(),
  ...OPENBAO_REVOCATION,
  /** github: the deleted deploy key's title (null on a repeat). */
  title: z.string().nullable().optional(),
  /** github: whether the deploy key was read-only (null on a repeat). */
  read_only: z.boolean().nullable().optional(),
  /** github: when the deploy key was created (null on a repeat). */
  created_at: z.string().nullable().optional(),
  ...UNKNOWN_FIELDS,
  ...RUN_ENVELOPE_FIELDS,
});

/** A SCIM group a user was removed from. */
const ScimGroup = z.strictObject({ id: z.string(), display_name: z.string().nullable() });

/** What a SCIM deprovisioning reports (`identity.deprovision`, and `sessions.revoke` with scim). */
const SCIM_DEPROVISION = {
  /** scim: the userName or email looked up. */
  user: z.string().optional(),
  /** scim: whether a user answered to that name. */
  found: z.boolean().optional(),
  /** scim: the user's id (null when no user was found). */
  user_id: z.string().nullable().optional(),
  /** scim: the user as read back: inactive, or absent (deleted or never there). */
  state: z.enum(['inactive', 'absent']).optional(),
  /** The account is not active now. */
  active: z.literal(false).optional(),
  /** scim: the user reads back inactive (null when it could not be read back). */
  deactivated: z.boolean().nullable().optional(),
  /** scim: the groups left (null when a repeat cannot tell); tabletop: whether groups would be left. */
  groups_removed: z.union([z.array(ScimGroup), z.boolean()]).nullable().optional(),
  /** The user was (or would be) deleted. */
  deleted: z.boolean().optional(),
};

export const SessionsRevokeOutput = z.strictObject({
  /** The system that performed the step. */
  provider: z.string(),
  /** The user, role, login or token target the step named. */
  principal: z.string(),
  /** Only for a role (aws-iam and tabletop). */
  principal_type: z.literal('role').optional(),
  /** aws-iam: the inline deny policy holding the cutoff. */
  policy_name: z.string().optional(),
  /** aws-iam and tabletop: sessions issued before this time (ISO) no longer work. */
  revoked_before: z.string().optional(),
  /** aws-iam: the cutoff this step replaced, if any. */
  previous_revoked_before: z.string().nullable().optional(),
  /** aws-iam: whether the cutoff in place is this step's own. */
  set_by_this_step: z.boolean().optional(),
  /** true once read back; aws-iam gives the policy it read back. */
  verified: z.union([z.boolean(), z.strictObject({ policy_name: z.string(), effect: z.literal('Deny'), token_issued_before: z.string() })]),
  /** github, openbao, scim: how the effect was read back, in words. */
  verification: z.string().optional(),
  /** github: the organisation the person was removed from. */
  org: z.string().optional(),
  /** github: membership state before removal (null on a repeat). */
  previous_state: z.string().nullable().optional(),
  /** github: membership role before removal (null on a repeat). */
  previous_role: z.string().nullable().optional(),
  /** github: the membership (or invitation) is gone. */
  removed: z.boolean().optional(),
  ...OPENBAO_REVOCATION,
  ...SCIM_DEPROVISION,
  /** scim: sessions end by deactivating the user. */
  method: z.literal('deactivate').optional(),
  ...UNKNOWN_FIELDS,
  ...RUN_ENVELOPE_FIELDS,
});

export const EgressBlockOutput = z.strictObject({
  /** The system holding the block. */
  provider: z.string(),
  /** What egress.unblock needs to undo exactly this block. */
  rule_id: z.string(),
  /** The destinations blocked. */
  cidrs: Strings,
  /** nftables, aws-sg: the ports the block is limited to (empty: all). */
  ports: z.array(z.int()).optional(),
  /** nftables: the table and chain the block lives in. */
  table: z.string().optional(),
  chain: z.string().optional(),
  /** aws-sg: the security group or instance the block applies to. */
  target: z.string().optional(),
  /** aws-sg: whether a group's rules were revoked or an instance quarantined. */
  scope: z.enum(['security-group', 'instance']).optional(),
  /** aws-sg and tabletop: how many rules (or interfaces) the block covers. */
  blocked: z.int().min(0).optional(),
  /** aws-sg: the egress permissions revoked, in EC2's shape. */
  removed: z.array(Details).optional(),
  /** aws-sg: the quarantine group an instance's interfaces now have. */
  quarantine_group: z.string().optional(),
  /** aws-sg: each interface's groups before the quarantine. */
  previous_groups: z.record(z.string(), Strings).optional(),
  /** true in a tabletop run; live systems give what they read back. */
  verified: z.union([z.boolean(), Details]),
  ...RUN_ENVELOPE_FIELDS,
});

export const EgressUnblockOutput = z.strictObject({
  /** The system that held the block (live runs). */
  provider: z.string().optional(),
  /** The block removed. */
  rule_id: z.string(),
  /** tabletop: the block is gone. */
  removed: z.boolean().optional(),
  /** nftables: the table and chain the block lived in. */
  table: z.string().optional(),
  chain: z.string().optional(),
  /** nftables: rule handles removed (null when a repeat cannot tell). */
  removed_handles: z.array(z.int()).nullable().optional(),
  /** aws-sg: the security group or instance the block applied to. */
  target: z.string().optional(),
  /** aws-sg: the egress permissions put back, in EC2's shape. */
  restored: z.array(Details).optional(),
  /** aws-sg: how many egress rules were put back. */
  restored_rules: z.int().min(0).optional(),
  /** aws-sg: each interface's groups given back. */
  restored_groups: z.record(z.string(), Strings).optional(),
  /** aws-sg: interfaces whose groups changed since the block, left as they are (with why). */
  left_alone: z.record(z.string(), z.string()).optional(),
  /** Live systems: what they read back afterwards. */
  verified: Details.optional(),
  ...UNKNOWN_FIELDS,
  ...RUN_ENVELOPE_FIELDS,
});

/** One copy an evidence step stored. */
const CollectedArtifact = z.strictObject({
  /** Name within the collection. */
  name: z.string(),
  /** sha256 (hex) of the stored bytes. */
  sha256: z.string(),
  /** Bytes stored (live runs). */
  size: z.int().min(0).optional(),
  /** Where the copy is, as the store names it (live runs). */
  location: z.string().optional(),
  /** Records in an NDJSON artifact, when the source counts them. */
  records: z.int().min(0).optional(),
});

export const EvidenceCollectOutput = z.strictObject({
  /** The source collected from. */
  source: z.string(),
  /** The store the copies went to. */
  store: z.string(),
  /** The step's label (the source when none is given). */
  label: z.string(),
  /** The copies stored and certified. */
  artifacts: z.array(CollectedArtifact),
  /** The time range asked of the source; null for sources without one (live runs). */
  window: z.strictObject({ start: z.string(), end: z.string() }).nullable().optional(),
  /** Position of the step's entry in the run's custody log (live runs). */
  custody_index: z.int().min(0).optional(),
  /** Hash of that entry: the head of the chain as this step left it. */
  custody_head: z.string(),
  /** When the entry was sealed (live runs). */
  collected_at: z.string().optional(),
  ...RUN_ENVELOPE_FIELDS,
});

export const VendorRequestDeletionOutput = z.strictObject({
  /** The vendor id from the connectors file. */
  vendor: z.string(),
  /** The vendor's display name (live runs). */
  vendor_name: z.string().optional(),
  /** How the request travelled. */
  channel: z.enum(['email', 'http']),
  /** `QDR-` + 10 hex digits, the same on every attempt of the step. */
  reference_id: z.string(),
  /** When the vendor must have answered, YYYY-MM-DD (UTC). */
  due_date: z.string(),
  /** When the first attempt planned the request (live runs). */
  requested_at: z.string().optional(),
  /** When the channel accepted it (live runs). */
  sent_at: z.string().optional(),
  /** The request is out (or, in a tabletop run, would be). */
  sent: z.boolean(),
  /** E-mail: the vendor's address and the Message-ID the server accepted. */
  to: z.string().optional(),
  message_id: z.string().optional(),
  /** HTTP: where it was posted, the answer's status and the vendor's own receipt id. */
  url: z.string().optional(),
  response_status: z.int().optional(),
  vendor_receipt: z.string().optional(),
  /** Live runs: who accepted the request and their answer. */
  verified: z.strictObject({ accepted: z.boolean(), by: z.enum(['smtp', 'http']), response: z.string() }).optional(),
  ...RUN_ENVELOPE_FIELDS,
});

export const IdentityDeprovisionOutput = z.strictObject({
  /** The identity provider that performed the step. */
  provider: z.string(),
  ...SCIM_DEPROVISION,
  /** The userName or email the step named. */
  user: z.string(),
  /** Live: true once read back. */
  verified: z.boolean().optional(),
  /** Live: how the effect was read back, in words. */
  verification: z.string().optional(),
  ...UNKNOWN_FIELDS,
  ...RUN_ENVELOPE_FIELDS,
});

/** One system's answer in an access report. */
const AccessReportEntry = z.strictObject({
  /** The system asked. */
  system: z.string(),
  /** The name asked about there; null when `identities` says there is no account. */
  identity: z.string().nullable(),
  status: z.enum(['removed', 'present', 'unknown', 'no-account']),
  /** The system's answer (or why it is unknown), in words. */
  detail: z.string(),
});

export const IdentityAccessReportOutput = z.strictObject({
  /** The person asked about. */
  principal: z.string(),
  /** When the systems were asked (live runs). */
  checked_at: z.string().optional(),
  /** Each system's answer. */
  systems: z.array(AccessReportEntry),
  /** True only when every system answered removed or no-account. */
  zero_remaining_access: z.boolean(),
  /** How many systems still grant access, and which. */
  remaining: z.int().min(0),
  remaining_systems: Strings,
  /** How many systems could not tell, and which. */
  unknown: z.int().min(0),
  unknown_systems: Strings,
  ...RUN_ENVELOPE_FIELDS,
});

/** One Slack message a notify step posted. */
const SlackMessage = z.strictObject({
  /** The Slack channel (or person) it went to, as the step named it. */
  to: z.string(),
  /** Quell's id of the delivery, kept in the delivery log. */
  delivery_id: z.string(),
  /** Where Slack put it: channel id and timestamp. */
  channel_id: z.string(),
  ts: z.string(),
  sent_at: z.string(),
});

export const NotifyOutput = z.strictObject({
  /** How the message travelled. */
  channel: z.enum(['slack', 'email']),
  /** The recipients (Slack: the incident channel when the step named none live; empty in a tabletop run). */
  to: Strings,
  /** Slack: `<channel id>/<ts>` of the first message; e-mail: the Message-ID. */
  message_id: z.string(),
  /** Slack: every message posted, one per recipient. */
  messages: z.array(SlackMessage).optional(),
  /** E-mail: Quell's id of the delivery, kept in the delivery log. */
  delivery_id: z.string().optional(),
  /** E-mail: addresses the server refused. */
  rejected: Strings.optional(),
  /** E-mail: when the server accepted it. */
  sent_at: z.string().optional(),
  /** The message is out (or, in a tabletop run, would be). */
  delivered: z.literal(true),
  ...RUN_ENVELOPE_FIELDS,
});
