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
/** Temporal's own: set by the server on a workflow a Schedule started (never registered by Quell). */
export const TemporalScheduledById = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

/** Name → type as the Temporal CLI's `--search-attribute Name=Type` flag spells it. */
export const SEARCH_ATTRIBUTE_FLAGS: Readonly<Record<string, 'Keyword' | 'Int'>> = {
  QuellRunbook: 'Keyword',
  QuellRunbookVersion: 'Int',
  QuellIncident: 'Keyword',
  QuellMode: 'Keyword',
  QuellRequester: 'Keyword',
  QuellStatus: 'Keyword',
  QuellDrill: 'Keyword',
};
