/**
 * Tabletop planner for notifications. Nothing is sent; the plan says whom the message would
 * reach. `group:<name>` entries are resolved through the approvers file exactly as a live run
 * resolves them (./recipients.ts), so a drill shows the people behind each group, and fails the
 * same way a live run would when a group is unknown or a member cannot be reached.
 */
import type { ActionWith } from '../../common/actions';
import { stableToken, type TabletopPlan, type TabletopSeed } from '../../connectors/simulation';
import type { ApproversSetup } from '../approvers/resolve';
import { describeGroups, resolveNotifyRecipients, type NotifyRecipients } from './recipients';

/** The plan when no `to` entry names a group (nothing to resolve). */
export function planNotify(raw: Record<string, unknown>, seed: TabletopSeed): TabletopPlan {
  const params = raw as ActionWith<'notify'>;
  return planFor(params, seed, { direct: params.to ?? [], groups: [] });
}

/** The plan with `group:<name>` entries resolved (a read of the approvers file and Slack user groups). */
export async function planNotifyToGroups(raw: Record<string, unknown>, seed: TabletopSeed, approvers: ApproversSetup | undefined): Promise<TabletopPlan> {
  const params = raw as ActionWith<'notify'>;
  const channel = params.channel ?? 'slack';
  const recipients = await resolveNotifyRecipients(approvers, channel, params.to ?? [], { connector: 'tabletop', operation: `notify by ${channel}` });
  return planFor(params, seed, recipients);
}

function planFor(params: ActionWith<'notify'>, seed: TabletopSeed, recipients: NotifyRecipients): TabletopPlan {
  const channel = params.channel ?? 'slack';
  const named = [...recipients.direct, ...describeGroups(recipients)];
  const to = named.length > 0 ? named.join(', ') : 'the incident channel';
  const wouldDo = [`${channel}: tell ${to}: ${params.message}`];
  for (const group of recipients.groups) {
    const how = channel === 'slack' ? 'mention in the incident channel' : 'e-mail';
    wouldDo.push(`${channel}: ${how} group:${group.group}: ${group.members.map((member) => `${member.person} (${member.address})`).join(', ')}`);
  }
  return {
    wouldDo,
    output: { channel, to: params.to ?? [], message_id: `msg-${stableToken(seed, 'message', 10)}`, delivered: true },
  };
}
