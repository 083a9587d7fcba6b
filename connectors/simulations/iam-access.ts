/**
 * Tabletop planners for the reversible IAM containment actions (and MFA deactivation): what a live
 * step would do, with output shaped exactly like the live handler's (common/action-schemas/aws-iam.ts),
 * so a drill's compensate can pass `key_ids` on as a live run would.
 */
import type { ActionWith } from '../../common/actions';
import { stableToken, type TabletopPlanner } from '../simulation';

const DAY_MS = 86_400_000;
/** The day simulated keys are dated back from: fixed, so a drill's listing reads the same every time. */
const SIMULATED_LISTING_DAY_MS = Date.UTC(2026, 0, 1);

/** "IAM role deploy" / "IAM user alice". */
function subject(params: { principal: string; principal_type?: 'user' | 'role' }): string {
  return `IAM ${params.principal_type ?? 'user'} ${params.principal}`;
}

export const simulateCredentialsDeactivate: TabletopPlanner = (raw, seed) => {
  const params = raw as ActionWith<'credentials.deactivate'>;
  // A drill cannot know the user's keys: one stands in, the same for the same step every time.
  const keyId = params.key_id ?? `AKIA${stableToken(seed, 'parked-key', 16).toUpperCase()}`;
  return {
    wouldDo: [
      `${params.provider}: set ${params.key_id ?? 'every active access key'} of IAM user ${params.principal} Inactive (nothing deleted, console password kept)`,
    ],
    output: { provider: params.provider, principal: params.principal, key_ids: [keyId], deactivated: [keyId], verified: { keys: { [keyId]: 'Inactive' } } },
  };
};

export const simulateCredentialsReactivate: TabletopPlanner = (raw) => {
  const params = raw as ActionWith<'credentials.reactivate'>;
  const keyIds = [...new Set(params.key_ids)];
  return {
    wouldDo: [
      keyIds.length > 0
        ? `${params.provider}: set access keys ${keyIds.join(', ')} of IAM user ${params.principal} Active again`
        : `${params.provider}: nothing to reactivate for IAM user ${params.principal} (no key was parked)`,
    ],
    output: {
      provider: params.provider,
      principal: params.principal,
      key_ids: keyIds,
      reactivated: keyIds,
      verified: { keys: Object.fromEntries(keyIds.map((id) => [id, 'Active'])) },
    },
  };
};

export const simulateCredentialsList: TabletopPlanner = (raw, seed) => {
  const params = raw as ActionWith<'credentials.list'>;
  const wanted = params.status ?? 'active';
  // A drill cannot see the user's keys: two active ones stand in (IAM's limit), the same for the
  // same step every time, so a loop over key_ids has two items to go over.
  const keys = [0, 1].map((index) => {
    const token = stableToken(seed, `listed-key-${index}`, 16);
    const daysOld = 30 + (parseInt(token.slice(0, 4), 16) % 300);
    return { id: `AKIA${token.toUpperCase()}`, status: 'Active' as const, created_at: new Date(SIMULATED_LISTING_DAY_MS - daysOld * DAY_MS).toISOString() };
  });
  return {
    wouldDo: [`${params.provider}: list the access keys of IAM user ${params.principal} (${wanted === 'any' ? 'all of them' : `those ${wanted}`}); nothing is changed`],
    output: {
      provider: params.provider,
      principal: params.principal,
      key_ids: keys.filter((key) => wanted === 'any' || key.status.toLowerCase() === wanted).map((key) => key.id),
      keys,
    },
  };
};

export const simulateAccessDenyAll: TabletopPlanner = (raw) => {
  const params = raw as ActionWith<'access.deny_all'>;
  return {
    wouldDo: [`${params.provider}: attach inline policy QuellDenyAll (deny every action on every resource) to ${subject(params)}`],
    output: {
      provider: params.provider,
      principal: params.principal,
      principal_type: params.principal_type ?? 'user',
      policy_name: 'QuellDenyAll',
      set_by_this_step: true,
      verified: { policy_name: 'QuellDenyAll', effect: 'Deny', action: '*', resource: '*' },
    },
  };
};

export const simulateAccessRestore: TabletopPlanner = (raw) => {
  const params = raw as ActionWith<'access.restore'>;
  return {
    wouldDo: [`${params.provider}: remove Quell's deny policies (QuellDenyAll, quell-revoke-older-sessions) from ${subject(params)}, keeping any policy Quell did not write`],
    output: {
      provider: params.provider,
      principal: params.principal,
      principal_type: params.principal_type ?? 'user',
      removed: ['QuellDenyAll', 'quell-revoke-older-sessions'],
      kept_foreign: [],
      verified: { quell_deny_policies: [] },
    },
  };
};

export const simulateMfaDeactivate: TabletopPlanner = (raw, seed) => {
  const params = raw as ActionWith<'mfa.deactivate'>;
  const serial = params.serial_number ?? `simulated-mfa-${stableToken(seed, 'mfa-device')}`;
  return {
    wouldDo: [`${params.provider}: deactivate MFA device ${params.serial_number ?? 'every MFA device'} of IAM user ${params.principal} (cannot be undone: the device must be enrolled again)`],
    output: { provider: params.provider, principal: params.principal, serial_numbers: [serial], deactivated: [serial], verified: { remaining_mfa_devices: [] } },
  };
};
