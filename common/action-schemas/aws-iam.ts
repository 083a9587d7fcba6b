/**
 * The `with` and `output` shapes of the IAM containment actions a credential-compromise playbook
 * asks for first: list an IAM user's access keys, park them (and bring back exactly those), deny a
 * user or role everything, lift Quell's own deny policies again, and take MFA devices off a user.
 * The aws-iam connector performs them (connectors/aws-iam/); common/actions.ts lists them.
 *
 * Workflow-safe: only zod is imported. Kept free of common/actions.ts (which imports this file).
 */
import { z } from 'zod';

const NonEmpty = z.string().min(1);
/** The system a step names; which names are accepted comes from the connector registry. */
const System = NonEmpty;

/** Whether `principal` names an IAM user or an IAM role. */
export const PrincipalType = z.enum(['user', 'role']);

/** A per-key state as read back from IAM. */
const KeyStatus = z.enum(['Active', 'Inactive']);

export const CredentialsDeactivateWith = z.strictObject({
  provider: System,
  /** The IAM user whose keys are parked. */
  principal: NonEmpty,
  /** One key of that user; without it, every key that is active now. */
  key_id: NonEmpty.optional(),
});

export const CredentialsDeactivateOutput = z.strictObject({
  provider: NonEmpty,
  principal: NonEmpty,
  /** The keys this step took from Active to Inactive: what `credentials.reactivate` should get back. */
  key_ids: z.array(NonEmpty),
  /** The subset changed by this very attempt (empty on a repeat). */
  deactivated: z.array(NonEmpty),
  verified: z.strictObject({ keys: z.record(NonEmpty, KeyStatus) }),
});

export const CredentialsReactivateWith = z.strictObject({
  provider: System,
  principal: NonEmpty,
  /** Exactly the keys a `credentials.deactivate` step reported (`steps.<id>.output.key_ids`). */
  key_ids: z.array(NonEmpty),
});

export const CredentialsReactivateOutput = z.strictObject({
  provider: NonEmpty,
  principal: NonEmpty,
  key_ids: z.array(NonEmpty),
  /** The keys this attempt turned back to Active (empty on a repeat). */
  reactivated: z.array(NonEmpty),
  verified: z.strictObject({ keys: z.record(NonEmpty, KeyStatus) }),
});

/** Which keys `credentials.list` names in `key_ids`, by their state in IAM. */
export const KeyStatusFilter = z.enum(['active', 'inactive', 'any']);

export const CredentialsListWith = z.strictObject({
  provider: System,
  /** The IAM user whose access keys are listed. */
  principal: NonEmpty,
  /** Default `active`: the keys a containment step still has to park. */
  status: KeyStatusFilter.optional(),
});

export const CredentialsListOutput = z.strictObject({
  provider: NonEmpty,
  principal: NonEmpty,
  /** The ids of the keys in the asked-for state, in IAM's order: what a `foreach` goes over. */
  key_ids: z.array(NonEmpty),
  /** Every key the user has, whatever the filter, with its state and when it was created (ISO 8601; null if IAM did not say). */
  keys: z.array(z.strictObject({ id: NonEmpty, status: KeyStatus, created_at: NonEmpty.nullable() })),
});

export const AccessDenyAllWith = z.strictObject({
  provider: System,
  principal: NonEmpty,
  principal_type: PrincipalType.optional(),
});

export const AccessDenyAllOutput = z.strictObject({
  provider: NonEmpty,
  principal: NonEmpty,
  principal_type: PrincipalType,
  policy_name: NonEmpty,
  /** False when the deny was already in place, written by another step. */
  set_by_this_step: z.boolean(),
  verified: z.strictObject({ policy_name: NonEmpty, effect: z.literal('Deny'), action: z.literal('*'), resource: z.literal('*') }),
});

export const AccessRestoreWith = z.strictObject({
  provider: System,
  principal: NonEmpty,
  principal_type: PrincipalType.optional(),
});

export const AccessRestoreOutput = z.strictObject({
  provider: NonEmpty,
  principal: NonEmpty,
  principal_type: PrincipalType,
  /** Quell's deny policies this attempt removed (empty on a repeat). */
  removed: z.array(NonEmpty),
  /** Policies with a Quell name whose content Quell did not write: left in place. */
  kept_foreign: z.array(NonEmpty),
  verified: z.strictObject({ quell_deny_policies: z.array(NonEmpty) }),
});

export const MfaDeactivateWith = z.strictObject({
  provider: System,
  /** The IAM user whose MFA devices are taken off. */
  principal: NonEmpty,
  /** One device; without it, every device the user has. */
  serial_number: NonEmpty.optional(),
});

export const MfaDeactivateOutput = z.strictObject({
  provider: NonEmpty,
  principal: NonEmpty,
  /** The devices the step covers: the named one, or all the user had when the step ran. */
  serial_numbers: z.array(NonEmpty),
  /** The devices this attempt took off (empty on a repeat). */
  deactivated: z.array(NonEmpty),
  verified: z.strictObject({ remaining_mfa_devices: z.array(NonEmpty) }),
});
