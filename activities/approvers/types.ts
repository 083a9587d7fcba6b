/**
 * What the approver-resolution activity takes and returns. The workflow imports these as types
 * only; the answer is recorded in the run's history, so replay sees the same people and groups.
 */

export { IDENTITY_SURFACES, type IdentitySurface } from '../../common/identity';

export interface ApproverResolutionRequest {
  /** Approver groups to resolve: every group the runbook's gates name (approvers and escalate_to). */
  groups: string[];
}

/** One person, with every identity that acts as them. */
export interface ResolvedPerson {
  /** The name under `people`, or the identity itself for a Slack user no entry claims. */
  person: string;
  /** `<via>:<id>` identities, as written in the file. */
  identities: string[];
  /** Slack user id, for mentions. */
  slack?: string;
}

export interface ResolvedGroup {
  group: string;
  /** false: the approvers file does not define it (it has no members). */
  defined: boolean;
  /** Names of the people in the group (static members and Slack user group members). */
  members: string[];
  /** The group's Slack user groups (for `<!subteam^…>` mentions). */
  slackUsergroups: string[];
}

export type ApproverResolution =
  | {
      /** No approvers file: any named person but the requester may decide. */
      policy: 'open';
    }
  | {
      policy: 'enforced';
      /** Every person of the file plus every unclaimed member of a resolved Slack user group. */
      people: ResolvedPerson[];
      groups: ResolvedGroup[];
      /** How long a waiting gate may go before it reads membership again. */
      refreshEveryMs: number;
      /** Things an operator should fix that did not stop the resolution (e.g. a deleted Slack user group). */
      problems: string[];
    };
