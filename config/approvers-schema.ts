/**
 * The approvers file (QUELL_APPROVERS_FILE): who the people are, which identity on each surface
 * is theirs, and which people (static, or through Slack user groups) make up each approver group.
 * Strict: an unknown key is an error, not silently ignored.
 */
import { z } from 'zod';
import { parseDuration } from '../common/duration';
import { LIMITS } from '../common/limits';
import { identityProblem } from '../common/identity';
import { NAMES_FIELD, type EntryLimit } from './yaml-config-file';

/** Longest person or group name: they are identities in messages and history. */
const NAME_MAX = LIMITS.identityLength.value;

// Names are plain ASCII by their patterns, so `__proto__` is refused (the YAML parser refuses it
// as a key anyway); `constructor` or `toString` are valid names and are only ever looked up as
// own keys (common/own.ts).
export const PersonName = z.string().regex(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,${NAME_MAX - 1}}$`), {
  message: `a person is named with letters, digits and . _ @ + - (no spaces or colons, at most ${NAME_MAX} characters), e.g. alice or alice.smith`,
});

export const GroupName = z.string().regex(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${NAME_MAX - 1}}$`), {
  message: `a group is named with letters, digits and . _ - (at most ${NAME_MAX} characters, as runbooks write it, e.g. security-oncall)`,
});

const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,30}$/, { message: 'a Slack user id looks like U0123ABCD (Profile → ⋮ → Copy member ID)' });
const SlackUsergroupId = z.string().regex(/^S[A-Z0-9]{2,30}$/, { message: 'a Slack user group id looks like S0123ABCD (not the @handle)' });

/** One plain address (no display name): it goes into an SMTP envelope as written. */
const EmailAddress = z.string().regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/, {
  message: 'an e-mail address looks like alice@example.org (the address alone, without a name or <>)',
});

/**
 * A `cli` or `api` identity: what `--as` or a program says. Anything printable without spaces, up
 * to the identity length limit; control, direction-changing and invisible characters are refused,
 * since an identity is shown in approvals and audit lines and must not be able to fake one.
 */
const PlainIdentity = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    const problem = identityProblem(text) ?? (/\s/.test(text) ? 'must not contain spaces' : undefined);
    if (problem) ctx.addIssue({ code: 'custom', params: NAMES_FIELD, message: problem });
  });

const DurationText = z.string().superRefine((text, ctx) => {
  const parsed = parseDuration(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

export const PersonEntry = z
  .strictObject({
    /** Slack user id (what Slack sends when this person clicks). */
    slack: SlackUserId.optional(),
    /** `quell … --as` name. */
    cli: PlainIdentity.optional(),
    /** Identity used by programs calling the client module directly. */
    api: PlainIdentity.optional(),
    /** Where `notify` steps with `channel: email` reach this person (`to: [group:…]`); not an identity. */
    email: EmailAddress.optional(),
  })
  .refine((entry) => entry.slack !== undefined || entry.cli !== undefined || entry.api !== undefined, {
    message: 'a person needs at least one identity: slack, cli or api',
  });

export const GroupEntry = z
  .strictObject({
    /** Names under `people`. */
    people: z.array(PersonName).default([]),
    /** Slack user groups whose members belong to this group (read with usergroups.users.list). */
    slack_usergroups: z.array(SlackUsergroupId).default([]),
  })
  .refine((entry) => entry.people.length > 0 || entry.slack_usergroups.length > 0, {
    message: 'a group needs members: people, slack_usergroups or both',
  });

export const ApproversFileSchema = z.strictObject({
  version: z.literal(1, { message: 'version must be 1' }),
  people: z.record(PersonName, PersonEntry).default({}),
  groups: z.record(GroupName, GroupEntry),
  /** How long a worker reuses a Slack user group's member list. */
  membership_cache: DurationText.default('60s'),
  /** How often a waiting approval gate reads membership again. */
  membership_refresh: DurationText.default('5m'),
});

/** The collections of the file and their limit (see yaml-config-file.ts). */
export const APPROVERS_ENTRY_LIMITS: readonly EntryLimit[] = [
  { path: ['people'], limit: 'people' },
  { path: ['groups'], limit: 'groups' },
  { path: ['groups', '*', 'people'], limit: 'groupMembers' },
  { path: ['groups', '*', 'slack_usergroups'], limit: 'groupMembers' },
];

export type ApproversFile = z.output<typeof ApproversFileSchema>;
