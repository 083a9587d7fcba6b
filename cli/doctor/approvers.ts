/**
 * `quell doctor`'s approval-policy rows: the approvers file (QUELL_APPROVERS_FILE) parses, every
 * approver group a runbook's gates name is defined (the live-readiness rule of
 * activities/approvers/readiness.ts), so is every `group:<name>` a `notify` step or a manual
 * assignee addresses, and every Slack user group the file lists answers
 * `usergroups.users.list` through the reader the worker resolves membership with.
 */
import type { Logger } from 'pino';
import { formatApproversError, loadApproversFile, type ApproversConfig } from '../../config/approvers-file';
import { approvalProblems } from '../../activities/approvers/readiness';
import { slackUsergroupReader } from '../../connectors/slack/usergroups';
import type { LiveReadinessRequest } from '../../activities/action-request';
import { createSlackClient, type SlackSettings } from '../../connectors/slack/client';
import { ownValue } from '../../common/own';
import { didYouMean } from '../../common/suggest';
import type { DoctorRow } from './row';
import { runbookGates, type RunbookGate, type RunbookGates } from './runbook-gates';

export const APPROVERS_CHECK = 'approvers';
export const USERGROUPS_CHECK = 'slack-usergroups';

export interface ApproverCheckOptions {
  /** Absolute path of QUELL_APPROVERS_FILE; undefined when it is not set. */
  approversFile: string | undefined;
  runbooksDir: string;
  /** The connectors file's `slack:` section (its bot token reads Slack user groups). */
  slack: SlackSettings | undefined;
  logger: Logger;
}

export async function approverRows(options: ApproverCheckOptions): Promise<DoctorRow[]> {
  const found = await runbookGates(options.runbooksDir);
  if (!options.approversFile) {
    const row = (name: string, ok: boolean, detail: string): DoctorRow => ({
      connector: APPROVERS_CHECK,
      description: 'QUELL_APPROVERS_FILE is not set',
      name,
      ok,
      detail,
    });
    // Nothing about groups is checked without the file, so neither an unreadable runbooks folder
    // nor a runbook with lint errors (`quell lint` reports those) fails doctor here.
    return [row('policy', true, openPolicyDetail(found)), ...recipientRows(found, undefined).map(({ name, ok, detail }) => row(name, ok, detail))];
  }

  const file = options.approversFile;
  const row = (name: string, ok: boolean, detail: string): DoctorRow => ({ connector: APPROVERS_CHECK, description: `approvers file ${file}`, name, ok, detail });
  // As the worker reads it: Slack user groups need the connectors file's Slack section.
  const loaded = loadApproversFile(file, { slackConfigured: options.slack !== undefined });
  if (!loaded.ok) return [...loaded.errors.map((error) => row('file', false, formatApproversError(error))), ...found.broken.map((line) => row('runbooks', false, line))];
  const { config } = loaded;
  const people = Object.keys(config.people).length;
  const groups = Object.keys(config.groups).length;
  const rows: DoctorRow[] = [row('file', true, `parsed ${file}: ${plural(people, 'person', 'people')}, ${plural(groups, 'group')}`)];
  if (found.unreadable) rows.push(row('runbook groups', false, `${found.unreadable}: the groups the runbooks' gates name were not checked`));
  else rows.push(...[...groupRows(found, config), ...recipientRows(found, config)].map(({ name, ok, detail }) => row(name, ok, detail)));
  rows.push(...found.broken.map((line) => row('runbooks', false, line)));
  if (config.usesSlackUsergroups && options.slack) rows.push(...(await usergroupRows(config, options.slack, options.logger)));
  return rows;
}

/** What happens without an approvers file, in the words of the live-readiness check. */
function openPolicyDetail(found: RunbookGates): string {
  const policy = 'QUELL_APPROVERS_FILE is not set: approval gates use the open policy (any named person but the requester may decide)';
  if (found.unreadable) return `${policy}; live runs of runbooks with approval gates are refused before their first step (${found.unreadable}, so which ones is unknown)`;
  const refused = [...new Set(found.gates.filter((gate) => approvalProblems(requestOf([gate]), undefined).length > 0).map((gate) => gate.runbook))];
  const live =
    refused.length > 0
      ? `live runs of runbooks with approval gates are refused before their first step (${refused.join(', ')}); tabletop runs are not refused`
      : 'no runbook has an approval gate, so no live run is refused for it';
  return `${policy}; ${live}`;
}

/** One failing row per approver group a gate names and the file lacks, else one passing row. */
function groupRows(found: RunbookGates, config: ApproversConfig): Array<Omit<DoctorRow, 'connector' | 'description'>> {
  const missing = new Map<string, { problem: string; uses: string[]; runbooks: Set<string> }>();
  for (const gate of found.gates) {
    for (const group of gate.groups) {
      // The readiness check's own rule, asked one group at a time so each problem has its group.
      const [problem] = approvalProblems(requestOf([{ ...gate, groups: [group] }]), config);
      if (!problem) continue;
      const entry = missing.get(group) ?? { problem: problem.problem, uses: [], runbooks: new Set<string>() };
      const notes = [...(ownValue(gate.fields, group) ?? []), ...(gate.conditional ? ['under a `when`'] : [])];
      const fields = notes.length > 0 ? ` (${notes.join(', ')})` : '';
      entry.uses.push(`runbook ${gate.runbook} step ${gate.stepId}${fields}`);
      entry.runbooks.add(gate.runbook);
      missing.set(group, entry);
    }
  }
  if (missing.size === 0) {
    const named = [...new Set(found.gates.flatMap((gate) => gate.groups))].sort();
    const detail =
      found.gates.length === 0
        ? `no approval gate in ${plural(found.runbooks, 'valid runbook')}`
        : `every group the ${plural(found.gates.length, 'approval gate')} of ${plural(found.runbooks, 'runbook')} name is defined: ${named.join(', ')}`;
    return [{ name: 'runbook groups', ok: true, detail }];
  }
  const defined = Object.keys(config.groups);
  return [...missing.entries()].map(([group, { problem, uses, runbooks }]) => ({
    name: `group ${group}`,
    ok: false,
    detail: `${problem}${didYouMean(group, defined)}: named by ${uses.join('; ')}; live runs of ${[...runbooks].join(', ')} are refused`,
  }));
}

/**
 * One failing row per approver group a `notify` step or a manual assignee names (`group:<name>`)
 * that the file lacks, or every such use when there is no file: those steps would fail when
 * reached. Nothing when no step names a group this way.
 */
function recipientRows(found: RunbookGates, config: ApproversConfig | undefined): Array<Omit<DoctorRow, 'connector' | 'description'>> {
  if (found.recipients.length === 0) return [];
  const missing = new Map<string, string[]>();
  for (const use of found.recipients) {
    if (config && ownValue(config.groups, use.group) !== undefined) continue;
    missing.set(use.group, [...(missing.get(use.group) ?? []), `runbook ${use.runbook} step ${use.stepId} (${use.field})`]);
  }
  if (missing.size === 0) {
    const named = [...new Set(found.recipients.map((use) => use.group))].sort();
    return [{ name: 'recipient groups', ok: true, detail: `every group:<name> that notify steps and manual assignees use is defined: ${named.join(', ')}` }];
  }
  const defined = config ? Object.keys(config.groups) : [];
  return [...missing.entries()].map(([group, uses]) => ({
    name: `recipient group:${group}`,
    ok: false,
    detail: config
      ? `approver group ${group} is not defined in ${config.file}${didYouMean(group, defined)}: named by ${uses.join('; ')}; those steps fail when reached`
      : `group:${group} is resolved through the approvers file and QUELL_APPROVERS_FILE is not set: named by ${uses.join('; ')}; those steps fail when reached`,
  }));
}

/** One row per Slack user group of the file: its member count, or what Slack said. */
async function usergroupRows(config: ApproversConfig, slack: SlackSettings, logger: Logger): Promise<DoctorRow[]> {
  const usedBy = new Map<string, string[]>();
  for (const [group, entry] of Object.entries(config.groups)) {
    for (const id of entry.slack_usergroups) usedBy.set(id, [...(usedBy.get(id) ?? []), group]);
  }
  // The worker's reader, without its cache: doctor wants Slack's answer now.
  const reader = slackUsergroupReader(createSlackClient(slack, logger), 0);
  const description = `usergroups.users.list at ${slack.api_url ?? 'https://slack.com/api/'}`;
  return Promise.all(
    [...usedBy.entries()].map(async ([id, groups]): Promise<DoctorRow> => {
      const row = (ok: boolean, detail: string): DoctorRow => ({ connector: USERGROUPS_CHECK, description, name: `usergroup ${id}`, ok, detail });
      const of = `${groups.length === 1 ? 'group' : 'groups'} ${groups.join(', ')}`;
      try {
        const members = await reader.members(id);
        if (members.missing) return row(false, `Slack says ${id} does not exist (no_such_subteam): it adds no one to ${of}; fix its id in ${config.file}`);
        return row(true, `${plural(members.users.length, 'member')} (${of})`);
      } catch (error) {
        return row(false, `${error instanceof Error ? error.message : String(error)}${slackAdvice(error)} (${of})`);
      }
    }),
  );
}

/** What to do about the Slack errors an operator can fix in the app's settings. */
function slackAdvice(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/\bmissing_scope\b/.test(text)) return ': the Slack app needs the usergroups:read scope (manifest.yml asks for it; add it under OAuth & Permissions and reinstall the app)';
  if (/\bnot_allowed_token_type\b/.test(text)) return ': usergroups.users.list needs the bot token (xoxb-…) as slack.bot_token';
  return '';
}

function requestOf(gates: Array<Pick<RunbookGate, 'stepId' | 'groups'>>): LiveReadinessRequest {
  return { actions: [], requirements: [], approvals: gates.map(({ stepId, groups }) => ({ stepId, groups })) };
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
