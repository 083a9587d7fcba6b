/**
 * Custom search attributes Quell sets on every run, so runs can be listed and filtered by
 * runbook, incident, mode, requester and status (CLI, Slack, compliance export).
 *
 * Workflow-safe: @temporalio/common is deterministic.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const QuellRunbook = defineSearchAttributeKey('QuellRunbook', SearchAttributeType.KEYWORD);
export const QuellRunbookVersion = defineSearchAttributeKey('QuellRunbookVersion', SearchAttributeType.INT);
export const QuellIncident = defineSearchAttributeKey('QuellIncident', SearchAttributeType.KEYWORD);
export const QuellMode = defineSearchAttributeKey('QuellMode', SearchAttributeType.KEYWORD);
export const QuellRequester = defineSearchAttributeKey('QuellRequester', SearchAttributeType.KEYWORD);
export const QuellStatus = defineSearchAttributeKey('QuellStatus', SearchAttributeType.KEYWORD);
/** Set on a drill and on every run it starts: a drill's runs are found by it and never counted as incidents. */
export const QuellDrill = defineSearchAttributeKey('QuellDrill', SearchAttributeType.KEYWORD);
/**
 * Every control id the runbook's steps declare (runbooks/controls.ts), set at start: a reviewer
 * finds the runs that exercised a control without opening them.
 */
export const QuellControls = defineSearchAttributeKey('QuellControls', SearchAttributeType.KEYWORD_LIST);
/** Everyone who approved or rejected a gate of the run so far, added as decisions are applied. */
export const QuellApprovers = defineSearchAttributeKey('QuellApprovers', SearchAttributeType.KEYWORD_LIST);
/** How a run that an `end` step completed early says it ended (`false-positive`); absent otherwise. */
export const QuellOutcome = defineSearchAttributeKey('QuellOutcome', SearchAttributeType.KEYWORD);
/** The run's severity once a `severity` step re-graded it (the runbook's is on QuellRunbook's definition). */
export const QuellSeverity = defineSearchAttributeKey('QuellSeverity', SearchAttributeType.KEYWORD);
/** Temporal's own: set by the server on a workflow a Schedule started (never registered by Quell). */
export const TemporalScheduledById = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

export type SearchAttributeFlagType = 'Keyword' | 'Int' | 'KeywordList';

/** Name → type as the Temporal CLI's `--search-attribute Name=Type` flag spells it. */
export const SEARCH_ATTRIBUTE_FLAGS: Readonly<Record<string, SearchAttributeFlagType>> = {
  QuellRunbook: 'Keyword',
  QuellRunbookVersion: 'Int',
  QuellIncident: 'Keyword',
  QuellMode: 'Keyword',
  QuellRequester: 'Keyword',
  QuellStatus: 'Keyword',
  QuellDrill: 'Keyword',
  QuellControls: 'KeywordList',
  QuellApprovers: 'KeywordList',
  QuellOutcome: 'Keyword',
  QuellSeverity: 'Keyword',
};
